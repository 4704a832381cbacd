# related: build, test and measure. `make run` and `make test` install what a
# fresh Debian 12 machine lacks (scripts/install-deps) before anything else.

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wundef -Wcast-qual -Wnull-dereference
PKGS    := libxml-2.0 gsl jansson libutf8proc zlib
ALL_CFLAGS  = -std=c17 -D_GNU_SOURCE $(WARN) $(CFLAGS) -pthread \
              $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lm -pthread

BUILD   := build
SRC     := $(wildcard src/*.c)
LIBSRC  := $(filter-out src/main.c,$(SRC))
LIBOBJ  := $(LIBSRC:src/%.c=$(BUILD)/%.o)
TESTSRC := $(wildcard tests/test_*.c)
TESTBIN := $(TESTSRC:tests/%.c=$(BUILD)/%)
OUT     ?= out
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX  ?= /usr/local
SHARED  ?= ../shared

.PHONY: all deps run test unit e2e check bench eval fuzz install clean corpus

all: related

deps:
	@scripts/install-deps

$(BUILD):
	@mkdir -p $(BUILD)

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

related: $(LIBOBJ) $(BUILD)/main.o
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/test_%: tests/test_%.c $(LIBOBJ) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(LIBOBJ) $(LDLIBS) -lcmocka

run: deps
	@$(MAKE) --no-print-directory related
	./related run corpus -o $(OUT)
	@echo "related lists: $(OUT)/related.jsonl  report: $(OUT)/report.json"

test: deps
	@$(MAKE) --no-print-directory related $(TESTBIN)
	@$(MAKE) --no-print-directory unit e2e

unit: $(TESTBIN)
	@fail=0; for t in $(TESTBIN); do echo "== $$t"; $$t || fail=1; done; \
	  if [ $$fail = 0 ]; then echo "unit tests: all passed"; else echo "unit tests: FAILED"; exit 1; fi

e2e: related
	@tests/e2e.sh ./related

check: deps
	@$(MAKE) --no-print-directory clean
	@$(MAKE) --no-print-directory test CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"

bench: related
	@scripts/install-deps eval
	@scripts/bench.sh $(SHARED)

eval: related
	@scripts/install-deps eval
	@scripts/eval.sh $(SHARED)

corpus:
	scripts/make-corpus

install: related
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 related $(DESTDIR)$(PREFIX)/bin/related

clean:
	rm -rf $(BUILD) related
