#!/bin/sh
# Speed figures (never asserted by tests): extraction throughput per core on
# SHARED/data/extract-dev, the whole job's wall time and peak memory on
# SHARED/data/related-dev beside the scikit-learn reference, and the same on synthetic
# archives (scripts/make-synthetic) of BENCH_SIZES stories with each stage's time and the
# quality against the synthetic labels (MAP@10).
# Usage: scripts/bench.sh [SHARED]   (default ../shared)
# The "query" part: median whole-process time of `related query -m MODEL PAGE` (21 runs)
# on models built from the synthetic archives (cached as BENCH_OUT/query-N.model).
# Environment: BENCH_EXACT_MAX largest size also run with --exact (default 40000)
#              BENCH_SIZES   synthetic sizes (default "10000 100000"; 1000000 allowed;
#                            scikit-learn only runs up to BENCH_SKLEARN_MAX,
#                            default 20000: its all-pairs product takes hours beyond)
#              BENCH_ONLY    "synthetic", "dev" or "query": only that part
#              BENCH_OUT     work folder (default bench-out; corpora are cached there)
#              RELATED       the binary (default ./related)
set -eu
shared=${1:-../shared}
bin=${RELATED:-./related}
py=/usr/bin/python3
only=${BENCH_ONLY:-}
sizes=${BENCH_SIZES:-10000 100000}
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

# One row of the synthetic table: SIZE TOOL MODE WALL PEAK MAP STAGES
row() {
	printf '%-8s %-13s %-12s %8s %8s %7s  %s\n' "$@"
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
# "stage=seconds ..." from a report.json
stages() {
	$py -c 'import json, sys
t = json.load(open(sys.argv[1]))["timings_seconds"]
print(" ".join("%s=%.1f" % (k, v) for k, v in t.items()))' "$1" 2>/dev/null || echo "-"
}

synthetic() {
	have_sklearn=no
	if [ -f "$shared/eval/sklearn_related.py" ] && $py -c 'import sklearn' 2>/dev/null; then
		have_sklearn=yes
	fi
	echo
	echo "synthetic archives (scripts/make-synthetic, seed 1): wall s, peak RSS MB, MAP@10 against the topics, stage s from report.json"
	row stories tool mode "wall s" "peak MB" "MAP@10" "stages (s)"
	for n in $sizes; do
		corpus="$out/synthetic-$n.jsonl"
		labels="$out/synthetic-$n.labels.jsonl"
		if [ ! -f "$corpus" ] || [ ! -f "$labels" ]; then
			set -- $(measure scripts/make-synthetic "$n" "$corpus" --seed 1)
			row "$n" make-synthetic "" "$1" "$2" "" "$(du -m "$corpus" | cut -f1) MB of JSON Lines"
		fi
		modes="default semantic0"
		[ "$n" -le "${BENCH_EXACT_MAX:-40000}" ] && modes="$modes exact"
		for mode in $modes; do
			dest="$out/synthetic-$n.$mode"
			opt=""
			[ "$mode" = semantic0 ] && opt="--semantic 0"
			[ "$mode" = exact ] && opt="--exact"
			# shellcheck disable=SC2086
			if /usr/bin/env time -f '%e %M' -o "$out/time.txt" "$bin" run "$corpus" -o "$dest" -q $opt \
				>/dev/null 2>"$out/stderr.txt"; then
				set -- $(awk '{ printf "%s %.0f", $1, $2 / 1024 }' "$out/time.txt")
				row "$n" related "${opt:-default}" "$1" "$2" "$(map10 "$labels" "$dest/related.jsonl")" "$(stages "$dest/report.json")"
			else
				row "$n" related "${opt:-default}" failed - - "$(tail -n 1 "$out/stderr.txt")"
			fi
		done
		if [ -f "$out/synthetic-$n.exact/related.jsonl" ] && [ "$n" -le "${BENCH_EXACT_MAX:-40000}" ]; then
			# The defaults' lists (approximate from 10,000 stories) against exact ones.
			recall=$("$bin" eval --json --against "$out/synthetic-$n.exact/related.jsonl" \
				"$out/synthetic-$n.default/related.jsonl" |
				$py -c 'import json,sys; d=json.load(sys.stdin); print("%.4f" % d["recall@10"]["value"])' 2>/dev/null || echo "?")
			row "$n" related "defaults vs --exact" "" "" "" "recall@10 $recall"
		fi
		if [ "$have_sklearn" = yes ] && [ "$n" -le "${BENCH_SKLEARN_MAX:-20000}" ]; then
			dest="$out/synthetic-$n.sklearn.jsonl"
			if /usr/bin/env time -f '%e %M' -o "$out/time.txt" $py "$shared/eval/sklearn_related.py" "$corpus" -o "$dest" \
				>/dev/null 2>"$out/stderr.txt"; then
				set -- $(awk '{ printf "%s %.0f", $1, $2 / 1024 }' "$out/time.txt")
				row "$n" scikit-learn reference "$1" "$2" "$(map10 "$labels" "$dest")" \
					"$(awk '$2 ~ /^[0-9.]+$/ && $3 == "s" { printf "%s%s=%.1f", sep, $1, $2; sep = " " }' "$out/stderr.txt")"
			else
				row "$n" scikit-learn reference failed - - "$(tail -n 1 "$out/stderr.txt")"
			fi
		fi
	done
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
	"") dev; synthetic; query ;;
	dev) dev ;;
	synthetic) synthetic ;;
	query) query ;;
	*) echo "bench: BENCH_ONLY must be dev, synthetic or query" >&2; exit 2 ;;
esac
