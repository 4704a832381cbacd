# related: build, test and measure. `make run` and `make test` install what a
# fresh Debian 12 machine lacks (scripts/install-deps) before anything else.

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wundef -Wcast-qual -Wnull-dereference
PKGS    := libxml-2.0 gsl jansson libutf8proc zlib
# -fvect-cost-model=cheap: let -O2 vectorise the hot loops of rank and
# semantic (dense axpy, dot products); measured 1.6x on the latent stage.
ALL_CFLAGS  = -std=c17 -D_GNU_SOURCE $(WARN) $(CFLAGS) -fvect-cost-model=cheap -pthread \
              $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lm -pthread

BUILD   := build
SRC     := $(wildcard src/*.c src/extract/*.c)
HDR     := $(wildcard src/*.h src/extract/*.h)
LIBSRC  := $(filter-out src/main.c,$(SRC))
LIBOBJ  := $(LIBSRC:src/%.c=$(BUILD)/%.o)
TESTSRC := $(wildcard tests/test_*.c)
TESTBIN := $(TESTSRC:tests/%.c=$(BUILD)/%)
E2E     := tests/e2e.sh tests/e2e_bad.py tests/review_browser.py tests/e2e_shard.py
OUT     ?= out
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX  ?= /usr/local
SHARED  ?= ../shared

.PHONY: all deps run test unit e2e check bench eval fuzz install uninstall clean corpus

all: related

deps:
	@scripts/install-deps

$(BUILD):
	@mkdir -p $(BUILD)

$(BUILD)/%.o: src/%.c $(HDR) | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

related: $(LIBOBJ) $(BUILD)/main.o
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/testutil.o: tests/testutil.c tests/testutil.h $(HDR) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -Isrc -c -o $@ $<

# rm first: a test that no longer compiles shows as not built, not as the
# old binary passing
$(BUILD)/test_%: tests/test_%.c tests/testutil.h $(BUILD)/testutil.o $(LIBOBJ) | $(BUILD)
	@rm -f $@
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(BUILD)/testutil.o $(LIBOBJ) $(LDLIBS) -lcmocka

run: deps
	@$(MAKE) --no-print-directory related
	./related run corpus -o $(OUT)
	@echo "related lists: $(OUT)/related.jsonl  report: $(OUT)/report.json"

# Every suite runs even when an earlier one fails; tests/run-suites.sh prints
# a summary naming each suite's result and fails if any did. A build error
# does not stop the suites that could be built, but fails the run.
test:
	@scripts/install-deps test
	@build=ok; $(MAKE) --no-print-directory -k related $(TESTBIN) || build=failed; \
	  BUILD_STATUS=$$build tests/run-suites.sh ./related $(TESTBIN) $(E2E)

unit: $(TESTBIN)
	@tests/run-suites.sh ./related $(TESTBIN)

e2e: related
	@tests/run-suites.sh ./related $(E2E)

# The sanitizer objects are removed afterwards too: the build rules do not
# track CFLAGS, and a later `make test` would link them with plain ones.
check:
	@scripts/install-deps test
	@$(MAKE) --no-print-directory clean
	@$(MAKE) --no-print-directory test CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"; \
	  status=$$?; $(MAKE) --no-print-directory clean; exit $$status

bench: related
	@scripts/install-deps eval
	@scripts/bench.sh $(SHARED)

eval: related
	@scripts/install-deps eval
	@scripts/eval.sh $(SHARED)

# Fuzzing: libFuzzer targets in tests/fuzz/ built with clang, ASan and UBSan
# into build/fuzz/, each run FUZZ_SECONDS on a corpus seeded from
# tests/fuzz/seeds/<target>/. The model seed is a build output, so it is made
# here from the extract seeds rather than committed.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := charset extract jsonl model
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -std=c17 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -pthread \
                $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_OBJ     := $(LIBSRC:src/%.c=$(BUILD)/fuzz/%.o)

.PRECIOUS: $(BUILD)/fuzz/%.o

$(BUILD)/fuzz/%.o: src/%.c $(HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -Isrc -o $@ $< $(FUZZ_OBJ) $(LDLIBS)

# Seed pages for fuzz_extract and the model seed: three sample-corpus pages
# (two layouts, one windows-1251), copied at fuzz time rather than committed
# twice.
FUZZ_PAGES := corpus/column1/2017/04/putin-might-avoid-meeting-with-tillerson.html \
              corpus/column1/2017/04/putin-receives-tillerson-for-two-hours-in-kremlin.html \
              corpus/vesti/2024/06/pervyy-reys-kedr-avia-v-sochi.html

fuzz: related $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
	@mkdir -p $(BUILD)/fuzz/model-seed/pages $(BUILD)/fuzz/seeds-extract \
	  $(FUZZ_TARGETS:%=$(BUILD)/fuzz/corpus-%)
	@cp $(FUZZ_PAGES) $(BUILD)/fuzz/model-seed/pages/
	@cp $(FUZZ_PAGES) $(BUILD)/fuzz/seeds-extract/
	@./related build $(BUILD)/fuzz/model-seed/pages -m $(BUILD)/fuzz/model-seed/m.model -q
	@{ printf '\000'; cat $(BUILD)/fuzz/model-seed/m.model; } > $(BUILD)/fuzz/corpus-model/built.model
	@set -e; for t in $(FUZZ_TARGETS); do \
	  seeds=tests/fuzz/seeds/$$t; [ -d "$$seeds" ] || seeds=; \
	  [ $$t = extract ] && seeds="$$seeds $(BUILD)/fuzz/seeds-extract"; \
	  echo "== fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  $(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=$(BUILD)/fuzz/crash-$$t- \
	    $(BUILD)/fuzz/corpus-$$t $$seeds; \
	done

corpus:
	scripts/make-corpus

# install: the binary, the man page, the nightly job's systemd units (with
# PREFIX's bin in ExecStart; enabling them is left to the administrator, see
# docs/nightly.md) and, under PREFIX/share/related, the cron file,
# run-sharded.sh and the Slurm and Kubernetes examples. DESTDIR for packaging.
DATADIR    ?= $(PREFIX)/share/related
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
UNITS      := related-nightly.service related-nightly.timer
EXAMPLES   := related.cron related-array.sbatch related-k8s-indexed-job.yaml

install: related
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(DATADIR) $(DESTDIR)$(SYSTEMDDIR)
	install -m 755 related $(DESTDIR)$(PREFIX)/bin/related
	install -m 644 related.1 $(DESTDIR)$(PREFIX)/share/man/man1/related.1
	install -m 755 scripts/run-sharded.sh $(DESTDIR)$(DATADIR)/run-sharded.sh
	@set -e; for f in $(UNITS) $(EXAMPLES); do \
	  case $$f in *.service|*.timer) dir=$(DESTDIR)$(SYSTEMDDIR) ;; *) dir=$(DESTDIR)$(DATADIR) ;; esac; \
	  echo "install -m 644 scripts/$$f $$dir/$$f"; \
	  sed 's|/usr/local/bin|$(PREFIX)/bin|g' scripts/$$f > $$dir/$$f.tmp; \
	  chmod 644 $$dir/$$f.tmp; mv $$dir/$$f.tmp $$dir/$$f; \
	done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/related $(DESTDIR)$(PREFIX)/share/man/man1/related.1 \
	  $(DESTDIR)$(DATADIR)/run-sharded.sh $(EXAMPLES:%=$(DESTDIR)$(DATADIR)/%) \
	  $(UNITS:%=$(DESTDIR)$(SYSTEMDDIR)/%)
	@rmdir $(DESTDIR)$(DATADIR) 2>/dev/null || true

clean:
	rm -rf $(BUILD) related
