#!/bin/sh
# Speed figures (never asserted by tests): extraction throughput per core on
# SHARED/data/extract-dev, the whole job's wall time and peak memory on
# SHARED/data/related-dev beside the scikit-learn reference, the same on a real-text
# archive put together at bench time from what SHARED holds (related-dev bbc and ecbplus
# articles and the extract-dev truth texts, about 4,300 stories; never committed), and on
# synthetic archives (scripts/make-synthetic, both its default and --realistic mode) of
# BENCH_SIZES stories, with each stage's wall and CPU time, MAP@10 against the labels where there are
# labels and recall@10 of the defaults against --exact (related eval --against).
# Usage: scripts/bench.sh [SHARED]   (default ../shared)
# The "query" part: median whole-process time of `related query -m MODEL PAGE` (21 runs)
# on models built from the synthetic archives (cached as BENCH_OUT/query-N.model).
# Environment: BENCH_EXACT_MAX largest size also run with --exact (default 40000)
#              BENCH_SIZES   synthetic sizes (default "10000 100000"; 1000000 allowed;
#                            scikit-learn only runs up to BENCH_SKLEARN_MAX,
#                            default 20000: its all-pairs product takes hours beyond)
#              BENCH_MODES   synthetic modes (default "default realistic")
#              BENCH_ONLY    "synthetic", "dev", "real" or "query": only that part
#              BENCH_OUT     work folder (default bench-out; corpora are cached there)
#              RELATED       the binary (default ./related)
# Times are wall seconds and CPU seconds (user + system, all threads) of the whole process.
set -eu
shared=${1:-../shared}
bin=${RELATED:-./related}
py=/usr/bin/python3
only=${BENCH_ONLY:-}
sizes=${BENCH_SIZES:-10000 100000}
synthetic_modes=${BENCH_MODES:-default realistic}
out=${BENCH_OUT:-bench-out}
mkdir -p "$out"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/^Mem:/ { print $2 " GB RAM" }'), $(uname -sr)"
# peak RSS and wall time of a command: "WALL_S PEAK_MB"
# (status 1, "done but some inputs skipped", counts as done)
measure() {
	rc=0
	/usr/bin/env time -f '%e %M' -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt" || rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
		echo "bench: failed ($rc): $*" >&2; cat "$out/stderr.txt" >&2; exit 1
	fi
	tail -n 1 "$out/time.txt" | awk '{ printf "%s %.0f", $1, $2 / 1024 }'
}
if ! command -v time >/dev/null 2>&1 && [ ! -x /usr/bin/time ]; then
	echo "bench: /usr/bin/time missing (apt-get install time)"; exit 1
fi
dev() {
if [ ! -d "$shared/data" ]; then
	echo "bench: $shared/data not found; skipping the dev corpora"
	return 0
fi
pages="$shared/data/extract-dev/pages"
if [ -d "$pages" ]; then
	bytes=$(for f in "$pages"/*.html.gz; do gzip -dc "$f"; done | wc -c)
	n=$(ls "$pages" | wc -l)
	for j in 1 $(nproc); do
		set -- $(measure "$bin" extract -j "$j" -q "$pages")
		awk -v b="$bytes" -v n="$n" -v s="$1" -v m="$2" -v j="$j" 'BEGIN {
			printf "extract   extract-dev  %4d pages %6.1f MB  -j %d: %6.2f s  %6.1f MB/s  %6.0f pages/s  %6.1f MB/s per core  peak %s MB\n",
			n, b / 1e6, j, s, b / 1e6 / s, n / s, b / 1e6 / s / j, m }'
	done
fi
for c in "$shared"/data/related-dev/*/; do
	name=$(basename "$c")
	[ -f "$c/articles.jsonl" ] || continue
	set -- $(measure "$bin" run "$c/articles.jsonl" -o "$out/$name" -q)
	printf 'run       %-10s   related               %6.2f s  peak %s MB\n' "$name" "$1" "$2"
	if $py -c 'import sklearn' 2>/dev/null; then
		set -- $(measure $py "$shared/eval/sklearn_related.py" "$c/articles.jsonl" -o "$out/$name.sklearn.jsonl")
		printf 'run       %-10s   scikit-learn ref      %6.2f s  peak %s MB\n' "$name" "$1" "$2"
	fi
done
}

# One row of a table: SIZE TOOL MODE WALL CPU PEAK MAP STAGES
row() {
	printf '%-8s %-14s %-12s %8s %8s %8s %7s  %s\n' "$@"
}
# MAP@10 of a related.jsonl against the labels, or "-"
map10() {
	if [ -f "$shared/eval/score_related.py" ]; then
		$py "$shared/eval/score_related.py" --labels "$1" "$2" --json 2>/dev/null |
			$py -c 'import json, sys; print("%.4f" % json.load(sys.stdin)["MAP@10"])' 2>/dev/null || echo "-"
	else
		echo "-"
	fi
}
# "stage=seconds ..." from a report.json, wall and, where the report has it,
# "/CPU" (cpu_seconds: all threads) beside: "rank=0.21/0.39"
stages() {
	$py -c 'import json, sys
r = json.load(open(sys.argv[1]))
t, c = r["timings_seconds"], r.get("cpu_seconds", {})
print(" ".join("%s=%.2f%s" % (k, v, "/%.2f" % c[k] if c.get(k) is not None else "")
               for k, v in t.items()))' "$1" 2>/dev/null || echo "-"
}

# One run timed: "WALL CPU PEAK_MB" of the command, or "failed" with the error on stderr
timed() {
	if /usr/bin/env time -f '%e %U %S %M' -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt"; then
		tail -n 1 "$out/time.txt" | awk '{ printf "%s %.1f %.0f", $1, $2 + $3, $4 / 1024 }'
	else
		echo failed
	fi
}

# recall@10 of a run's lists against an exact run's, or "?"
recall10() {
	"$bin" eval --json -b 0 --against "$1" "$2" 2>/dev/null |
		$py -c 'import json,sys; d=json.load(sys.stdin); print("%.4f" % d["recall@10"]["value"])' 2>/dev/null || echo "?"
}

have_sklearn() {
	[ -f "$shared/eval/sklearn_related.py" ] && $py -c 'import sklearn' 2>/dev/null
}

# Runs related (defaults, --no-cutoff when NOCUTOFF is set, --semantic 0 when SEMANTIC0 is
# set, --exact when EXACT is set) and the scikit-learn reference (when SKLEARN is set) on
# CORPUS with LABELS ("" for none), one row each, and the defaults' recall@10 against
# --exact. NAME prefixes the outputs. The defaults' lists stop where relatedness stops, so
# their MAP@10 is not the top-10 ranking's: --no-cutoff's row is the one to set beside
# scikit-learn's (always 10 items).
compare() {
	name=$1 corpus=$2 labels=$3 size=$4
	modes="default" wall_default=""
	[ -n "${NOCUTOFF:-}" ] && modes="$modes nocutoff"
	[ -n "${SEMANTIC0:-}" ] && modes="$modes semantic0"
	[ -n "${EXACT:-}" ] && modes="$modes exact"
	for mode in $modes; do
		dest="$out/$name.$mode"
		opt=""
		[ "$mode" = nocutoff ] && opt="--no-cutoff"
		[ "$mode" = semantic0 ] && opt="--semantic 0"
		[ "$mode" = exact ] && opt="--exact"
		# shellcheck disable=SC2086
		set -- $(timed "$bin" run "$corpus" -o "$dest" -q $opt)
		if [ "$1" = failed ]; then
			row "$size" related "${opt:-default}" failed - - - "$(tail -n 1 "$out/stderr.txt")"
			continue
		fi
		[ "$mode" = default ] && wall_default=$1
		map="-"
		[ -n "$labels" ] && map=$(map10 "$labels" "$dest/related.jsonl")
		row "$size" related "${opt:-default}" "$1" "$2" "$3" "$map" "$(stages "$dest/report.json")"
	done
	if [ -n "${EXACT:-}" ] && [ -f "$out/$name.exact/related.jsonl" ] && [ -f "$out/$name.default/related.jsonl" ]; then
		row "$size" related "defaults vs --exact" "" "" "" "" "recall@10 $(recall10 "$out/$name.exact/related.jsonl" "$out/$name.default/related.jsonl")"
	fi
	if [ -n "${SKLEARN:-}" ]; then
		dest="$out/$name.sklearn.jsonl"
		set -- $(timed $py "$shared/eval/sklearn_related.py" "$corpus" -o "$dest")
		if [ "$1" = failed ]; then
			row "$size" scikit-learn reference failed - - - "$(tail -n 1 "$out/stderr.txt")"
		else
			map="-"
			[ -n "$labels" ] && map=$(map10 "$labels" "$dest")
			row "$size" scikit-learn reference "$1" "$2" "$3" "$map" \
				"$(awk '$2 ~ /^[0-9.]+$/ && $3 == "s" { printf "%s%s=%.1f", sep, $1, $2; sep = " " }' "$out/stderr.txt")"
			[ -n "$wall_default" ] && row "$size" "" "ratio" "" "" "" "" \
				"scikit-learn / related defaults, wall: $(awk -v a="$1" -v b="$wall_default" 'BEGIN { printf "%.1fx", a / b }')"
		fi
	fi
}

synthetic() {
	for smode in $synthetic_modes; do
		case $smode in
			default) flag="" prefix=synthetic ;;
			realistic) flag="--realistic" prefix=realistic ;;
			*) echo "bench: BENCH_MODES: unknown mode $smode (default, realistic)" >&2; exit 2 ;;
		esac
		echo
		echo "$prefix archives (scripts/make-synthetic $flag --seed 1): wall s, CPU s, peak RSS MB, MAP@10 against the topics, stage s from report.json"
		row stories tool mode "wall s" "CPU s" "peak MB" "MAP@10" "stages (s)"
		for n in $sizes; do
			corpus="$out/$prefix-$n.jsonl"
			labels="$out/$prefix-$n.labels.jsonl"
			if [ ! -f "$corpus" ] || [ ! -f "$labels" ]; then
				# shellcheck disable=SC2086
				set -- $(timed scripts/make-synthetic "$n" "$corpus" --seed 1 --stats $flag)
				row "$n" make-synthetic "" "$1" "$2" "$3" "" "$(du -m "$corpus" | cut -f1) MB of JSON Lines"
				# the archive's shape (lengths, near-duplicates, quotes, terms) as --stats gives it
				sed 's/^/         /' "$out/stderr.txt"
			fi
			EXACT="" SKLEARN=""
			[ "$n" -le "${BENCH_EXACT_MAX:-40000}" ] && EXACT=yes
			have_sklearn && [ "$n" -le "${BENCH_SKLEARN_MAX:-20000}" ] && SKLEARN=yes
			NOCUTOFF=yes SEMANTIC0=yes EXACT=$EXACT SKLEARN=$SKLEARN compare "$prefix-$n" "$corpus" "$labels" "$n"
		done
	done
}

# The real-text point: related-dev bbc + ecbplus and the extract-dev truth texts in one
# archive (ids prefixed by their set; labels of the first two, the third unlabelled).
real() {
	if [ ! -d "$shared/data/related-dev" ]; then
		echo "bench: $shared/data/related-dev not found; skipping the real-text point"
		return 0
	fi
	$py - "$shared/data" "$out/realtext.jsonl" "$out/realtext.labels.jsonl" <<'PY'
import json, os, sys
data, out, labels = sys.argv[1:]
with open(out + ".tmp", "w", encoding="utf-8") as fo, open(labels, "w", encoding="utf-8") as fl:
    for name in ("bbc", "ecbplus"):
        lab = {}
        with open(os.path.join(data, "related-dev", name, "labels.jsonl"), encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                lab[r["id"]] = r["label"]
        with open(os.path.join(data, "related-dev", name, "articles.jsonl"), encoding="utf-8") as f:
            for line in f:
                a = json.loads(line)
                a["id"] = name + "/" + a["id"]
                fo.write(json.dumps(a) + "\n")
        for i, l in lab.items():
            l = [name + ":" + x for x in l] if isinstance(l, list) else name + ":" + l
            fl.write(json.dumps({"id": name + "/" + i, "label": l}) + "\n")
    with open(os.path.join(data, "extract-dev", "truth.jsonl"), encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            text = t.get("text") or ""
            if not text.strip():
                continue
            title, _, body = text.partition("\n")
            fo.write(json.dumps({"id": "extract-dev/" + t["id"], "title": title.strip(),
                                 "text": body.strip(), "lang": t.get("lang") or "en"}) + "\n")
os.replace(out + ".tmp", out)
PY
	n=$(wc -l < "$out/realtext.jsonl")
	echo
	echo "real text ($n stories: related-dev bbc + ecbplus, extract-dev truth texts): wall s, CPU s, peak RSS MB, MAP@10 against the bbc/ecbplus labels (bbc's are its five categories: the defaults' cutoff rightly leaves most of a category out; compare --no-cutoff with scikit-learn)"
	row stories tool mode "wall s" "CPU s" "peak MB" "MAP@10" "stages (s)"
	SKLEARN=""
	have_sklearn && SKLEARN=yes
	NOCUTOFF=yes SEMANTIC0=yes EXACT=yes SKLEARN=$SKLEARN compare realtext "$out/realtext.jsonl" "$out/realtext.labels.jsonl" "$n"
}

# The publish-time query: a new story (the archive's first, under a new id) against a
# model of each size; median and range of 21 whole-process runs, page cache warm.
query() {
	echo
	echo "query: related query -m MODEL PAGE, whole process, 21 runs (targets: 100 ms at 10k, 300 ms at 100k)"
	for n in $sizes; do
		corpus="$out/synthetic-$n.jsonl"
		model="$out/query-$n.model"
		if [ ! -f "$corpus" ]; then
			scripts/make-synthetic "$n" "$corpus" --seed 1 >/dev/null
		fi
		if [ ! -f "$model" ] || [ "$corpus" -nt "$model" ]; then
			"$bin" build "$corpus" -m "$model" -q
		fi
		$py - "$bin" "$model" "$corpus" "$out/query-page.jsonl" "$n" <<'PY'
import json, statistics, subprocess, sys, time
bin, model, corpus, page, n = sys.argv[1:]
with open(corpus, encoding="utf-8") as f:
    a = json.loads(f.readline())
a["id"] = "bench/new-story"
with open(page, "w", encoding="utf-8") as f:
    f.write(json.dumps(a) + "\n")
times = []
for _ in range(21):
    t = time.perf_counter()
    subprocess.run([bin, "query", "-m", model, page], check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - t) * 1000)
print("query     %7s stories  median %6.1f ms  min %6.1f ms  max %6.1f ms" %
      (n, statistics.median(times), min(times), max(times)))
PY
	done
}

case $only in
	"") dev; real; synthetic; query ;;
	dev) dev ;;
	real) real ;;
	synthetic) synthetic ;;
	query) query ;;
	*) echo "bench: BENCH_ONLY must be dev, real, synthetic or query" >&2; exit 2 ;;
esac
