#!/bin/sh
# Quality beside the references, in one session: for each labelled corpus of
# SHARED/data/related-dev, `related run` and ../shared/eval/sklearn_related.py
# on the same articles, scored by ../shared/eval/score_related.py, with wall
# times; and extraction F1 on SHARED/data/extract-dev.
# Usage: scripts/eval.sh [SHARED]   (default ../shared)
set -eu
shared=${1:-../shared}
bin=${RELATED:-./related}
py=/usr/bin/python3
if [ ! -d "$shared/data" ]; then
	echo "eval: $shared/data not found; skipping (place the shared data beside the checkout)"
	exit 0
fi
out=${EVAL_OUT:-eval-out}
mkdir -p "$out"
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
score() { # labels lists -> "P@5 MAP@10"
	$py "$shared/eval/score_related.py" --labels "$1" "$2" --json |
		$py -c 'import json,sys; d=json.load(sys.stdin); print("%.4f %.4f" % (d["P@5"], d["MAP@10"]))'
}
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
# Each option measured alone against the defaults (issue: analysis options
# are kept on by default only where they help across corpora).
variants="defaults|
TF-IDF only (--semantic 0)|--semantic 0
--semantic 0.3|--semantic 0.3
--semantic 0.7|--semantic 0.7
--dims 50|--dims 50
--dims 200|--dims 200
--title-weight 1|--title-weight 1
--title-weight 3|--title-weight 3
--lead-weight 1|--lead-weight 1
--bigrams 0.5|--bigrams 0.5
--names 0.5|--names 0.5
--tf bm25|--tf bm25
--no-stem|--no-stem
--no-stopwords|--no-stopwords
--max-df 0.5|--max-df 0.5
--min-df 1|--min-df 1
--duplicate 0 (keep copies)|--duplicate 0
--approximate|--approximate"
[ -n "${EVAL_QUICK:-}" ] && variants="defaults|"
# references DIR NAME: scikit-learn's reference and the peers of
# ../shared/eval/peers.py that need nothing beyond scikit-learn (LSA, BM25),
# on DIR/articles.jsonl, one line each.
references() {
	if ! $py -c 'import sklearn' 2>/dev/null; then
		printf '%-12s %-34s %s\n' "$2" "scikit-learn reference" "skipped: python3-sklearn missing (scripts/install-deps eval)"
		return 0
	fi
	for method in sklearn lsa bm25; do
		t0=$(now)
		if [ $method = sklearn ]; then
			$py "$shared/eval/sklearn_related.py" "$1/articles.jsonl" -o "$out/$2.$method.jsonl" 2>/dev/null
			label="scikit-learn reference"
		else
			$py "$shared/eval/peers.py" --method $method "$1/articles.jsonl" -o "$out/$2.$method.jsonl" 2>/dev/null
			label="peer $method"
		fi
		t1=$(now)
		set -- "$1" "$2" $(score "$1/labels.jsonl" "$out/$2.$method.jsonl")
		printf '%-12s %-34s %7s %7s %8s\n' "$2" "$label" "$3" "$4" "$(elapsed "$t0" "$t1")"
	done
}
printf '%-12s %-34s %7s %7s %8s\n' corpus system 'P@5' 'MAP@10' 'wall s'
# variants DIR NAME OUTDIR: `related run` on DIR/articles.jsonl with each
# "label|options" line of standard input, one table line each.
variants() {
	while IFS='|' read -r label args; do
		t0=$(now)
		# shellcheck disable=SC2086
		"$bin" run "$1/articles.jsonl" -o "$3" -q $args
		t1=$(now)
		set -- "$1" "$2" "$3" $(score "$1/labels.jsonl" "$3/related.jsonl")
		printf '%-12s %-34s %7s %7s %8s\n' "$2" "related $label" "$4" "$5" "$(elapsed "$t0" "$t1")"
	done
}
for c in "$shared"/data/related-dev/*/; do
	name=$(basename "$c")
	[ -f "$c/articles.jsonl" ] || continue
	echo "$variants" | variants "$c" "$name" "$out/$name"
	references "$c" "$name"
done
# Same-story short leads (title + first sentences, at most 40 words),
# derived from each corpus by scripts/make-leads: do the defaults chosen on
# full articles hold on short texts?
for c in "$shared"/data/related-dev/*/; do
	name=$(basename "$c")
	[ -f "$c/articles.jsonl" ] || continue
	l="$out/leads-$name"
	$py scripts/make-leads "$c/articles.jsonl" "$c/labels.jsonl" "$l" 2>/dev/null
	printf '%s\n' "defaults|" "TF-IDF only (--semantic 0)|--semantic 0" |
		variants "$l" "$name-lead" "$l/out"
	references "$l" "$name-lead"
done
if [ -d "$shared/data/related-dev-html/ecbplus" ]; then
	h="$shared/data/related-dev-html/ecbplus"
	t0=$(now)
	"$bin" run "$h/manifest.jsonl" -o "$out/ecbplus-html" -q || true
	t1=$(now)
	set -- $(score "$h/labels.jsonl" "$out/ecbplus-html/related.jsonl")
	printf '%-12s %-34s %7s %7s %8s\n' "ecb-html" "related (pages, defaults)" "$1" "$2" "$(elapsed "$t0" "$t1")"
fi
# Lists as a reader sees them (issue 19): box F1 and filler rate of every
# shown item (../shared/eval/score_box.py) beside MAP@10, on sets where a
# story has 1-5 siblings or none (make_small_clusters.py --min-k 1, scored
# with --loners; seed 1 is the dev set, seeds 2-5 the unseen check), on
# corpus/ and on the full corpora; related with its defaults and with
# --no-cutoff, scikit-learn's top 10 and its best cosine threshold (chosen
# on the set itself, so a bound it could not know in advance).
box() { # labels lists [score_box options] -> "box_f1 filler MAP@10"
	l=$1 f=$2
	shift 2
	$py "$shared/eval/score_box.py" --labels "$l" "$f" --json "$@" |
		$py -c 'import json,sys; d=json.load(sys.stdin); print("%.3f %.3f %.3f" % (d["box_f1"], d["filler_rate"], d["MAP@10"]))'
}
best_threshold() { # labels lists [options] -> "box_f1 filler MAP@10 threshold"
	l=$1 f=$2
	shift 2
	for t in $(seq 0.05 0.01 0.60); do
		echo "$(box "$l" "$f" --min-score "$t" "$@") $t"
	done | sort -k1,1nr -k4,4n | head -1
}
box_set() { # NAME INPUT ARTICLES LABELS [score_box options]
	name=$1 in=$2 arts=$3 lab=$4
	shift 4
	o="$out/box-$name"
	"$bin" run "$in" -o "$o" -q
	printf '%-16s %-34s %7s %7s %7s\n' "$name" "related (defaults)" $(box "$lab" "$o/related.jsonl" "$@")
	"$bin" run "$in" -o "$o-nc" -q --no-cutoff
	printf '%-16s %-34s %7s %7s %7s\n' "$name" "related --no-cutoff" $(box "$lab" "$o-nc/related.jsonl" "$@")
	if $py -c 'import sklearn' 2>/dev/null; then
		$py "$shared/eval/sklearn_related.py" "$arts" -o "$o.sklearn.jsonl" 2>/dev/null
		printf '%-16s %-34s %7s %7s %7s\n' "$name" "scikit-learn top 10" $(box "$lab" "$o.sklearn.jsonl" "$@")
		set -- $(best_threshold "$lab" "$o.sklearn.jsonl" "$@")
		printf '%-16s %-34s %7s %7s %7s\n' "$name" "scikit-learn, best threshold $4" "$1" "$2" "$3"
	fi
}
echo
printf '%-16s %-34s %7s %7s %7s\n' set system 'box F1' filler 'MAP@10'
ecb="$shared/data/related-dev/ecbplus"
if [ -d "$ecb" ]; then
	for seed in 1 2 3 4 5; do
		[ -n "${EVAL_QUICK:-}" ] && [ $seed -gt 1 ] && break
		$py "$shared/eval/make_small_clusters.py" "$ecb" -o "$out/ecb-small-s$seed" \
			--seed $seed --min-k 1 2>/dev/null
		d="$out/ecb-small-s$seed"
		box_set "ecb-small-s$seed" "$d/articles.jsonl" "$d/articles.jsonl" "$d/labels.jsonl" --loners
	done
fi
"$bin" extract corpus -q >"$out/corpus-articles.jsonl"
box_set corpus corpus "$out/corpus-articles.jsonl" corpus/labels.jsonl
for c in "$shared"/data/related-dev/*/; do
	[ -f "$c/articles.jsonl" ] &&
		box_set "$(basename "$c")" "$c/articles.jsonl" "$c/articles.jsonl" "$c/labels.jsonl"
done
# The relatedness fit re-done from these lists' pairs, and how it carries
# from one corpus to the other (scripts/fit-relatedness; the constants in
# src/policy.c should be the dev fit it prints).
echo
RELATED=$bin FIT_OUT="$out/fit" $py scripts/fit-relatedness "$shared"
echo
RELATED=$bin OUTDIR="$out" scripts/eval-extract "$shared"
