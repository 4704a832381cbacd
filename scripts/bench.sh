#!/bin/sh
# Speed figures (never asserted by tests): extraction throughput per core on
# SHARED/data/extract-dev, and the whole job's wall time and peak memory on
# SHARED/data/related-dev beside the scikit-learn reference.
# Usage: scripts/bench.sh [SHARED]   (default ../shared)
set -eu
shared=${1:-../shared}
bin=${RELATED:-./related}
py=/usr/bin/python3
if [ ! -d "$shared/data" ]; then
	echo "bench: $shared/data not found; skipping"
	exit 0
fi
out=${BENCH_OUT:-bench-out}
mkdir -p "$out"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
# peak RSS and wall time of a command: "WALL_S PEAK_MB"
measure() {
	/usr/bin/env time -f '%e %M' -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt" ||
		{ echo "bench: failed: $*" >&2; cat "$out/stderr.txt" >&2; exit 1; }
	awk '{ printf "%s %.0f", $1, $2 / 1024 }' "$out/time.txt"
}
if ! command -v time >/dev/null 2>&1 && [ ! -x /usr/bin/time ]; then
	echo "bench: /usr/bin/time missing (apt-get install time)"; exit 1
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
