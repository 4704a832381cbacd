#!/bin/sh
# The whole job of `related run INPUT... -o OUTDIR` in N shards, run by GNU parallel
# (or xargs -P when parallel is missing): count --paragraphs (N shards) -> merge
# --paragraphs (the site boilerplate table) -> count (N shards) -> merge -> recommend
# (N shards) -> concat. OUTDIR/related.jsonl is the one a single run writes, byte for
# byte apart from generated_at.
#
# Usage: scripts/run-sharded.sh -j N [--sshlogin LOGINS]... [--work DIR] [--related BIN]
#            [-- COUNT/RECOMMEND OPTIONS] INPUT... OUTDIR
#   -j N           shards (and parallel jobs) for count and recommend
#   --related BIN  the related binary (default: $RELATED, else `related` on PATH,
#                  else the one built beside this script: ../related from a checkout)
#   --sshlogin L   passed to GNU parallel (several machines; they must see INPUT,
#                  DIR and OUTDIR at the same paths, and have BIN at the same path)
#   --work DIR     where parts and the model go (default OUTDIR/.shards, removed
#                  at the end unless --keep-work)
#   --threads T    threads per shard process (default: cores / N, at least 1)
#   --exact / --approximate / --count-opt X / --recommend-opt X  options passed on
#                  (--count-opt --keep-boilerplate skips the boilerplate steps; run
#                  needs --keep-boilerplate too then, unless INPUT holds no pages)
# Files: DIR/para-I.part (count --paragraphs, read by merge --paragraphs),
# DIR/boilerplate.table (merge --paragraphs, read by count), DIR/count-I.part (count,
# read by merge and concat), DIR/model (merge, read by recommend and concat),
# DIR/lines-I.jsonl (recommend, read by concat).
# Exit status: that of concat (1: written, some inputs skipped), else the first failure.
set -eu

jobs=""
related=${RELATED:-}
work=""
keep=0
threads=""
sshargs=""
copts=""
ropts=""
while [ $# -gt 0 ]; do
	case $1 in
	-j) jobs=$2; shift 2 ;;
	-j*) jobs=${1#-j}; shift ;;
	--sshlogin|-S) sshargs="$sshargs --sshlogin $2"; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--keep-work) keep=1; shift ;;
	--related) related=$2; shift 2 ;;
	--threads) threads=$2; shift 2 ;;
	--exact|--approximate) ropts="$ropts $1"; shift ;;
	--count-opt) copts="$copts $2"; shift 2 ;;
	--recommend-opt) ropts="$ropts $2"; shift 2 ;;
	-h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--) shift; break ;;
	-*) echo "run-sharded: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
if [ -z "$jobs" ] || [ $# -lt 2 ]; then
	echo "usage: run-sharded.sh -j N [options] INPUT... OUTDIR (see --help)" >&2
	exit 2
fi
case $jobs in ''|*[!0-9]*|0) echo "run-sharded: -j expects a whole number >= 1" >&2; exit 2 ;; esac

# Without --related or $RELATED: the installed binary, else the one a checkout
# builds next to scripts/ (so the script runs straight from a clone after make).
if [ -z "$related" ]; then
	if command -v related >/dev/null 2>&1; then
		related=related
	else
		here=$(cd "$(dirname "$0")" && pwd)
		if [ -f "$here/../related" ] && [ -x "$here/../related" ]; then
			related=$here/../related
		else
			echo "run-sharded: no related on PATH nor at $here/../related (make related, or --related BIN)" >&2
			exit 2
		fi
	fi
fi

# The last argument is OUTDIR, the others are inputs.
n=$#
i=0
inputs=""
for a in "$@"; do
	i=$((i + 1))
	if [ $i -lt $n ]; then
		inputs="$inputs '$(printf %s "$a" | sed "s/'/'\\\\''/g")'"
	else
		outdir=$a
	fi
done
[ -n "$work" ] || work="$outdir/.shards"
mkdir -p "$work" "$outdir"
if [ -z "$threads" ]; then
	cores=$(nproc 2>/dev/null || echo 1)
	threads=$((cores / jobs))
	[ "$threads" -ge 1 ] || threads=1
fi
last=$((jobs - 1))
q() { printf "'%s'" "$(printf %s "$1" | sed "s/'/'\\\\''/g")"; }
W=$(q "$work")
R=$(q "$related")

# Runs the command template (with {} = shard index) for 0..N-1; status 1 of related
# (written, inputs skipped) counts as success.
each() {
	tmpl="$1; s=\$?; [ \$s -le 1 ]"
	if command -v parallel >/dev/null 2>&1; then
		# shellcheck disable=SC2086
		seq 0 "$last" | parallel --will-cite --halt now,fail=1 -j "$jobs" $sshargs "$tmpl"
	else
		if [ -n "$sshargs" ]; then
			echo "run-sharded: --sshlogin needs GNU parallel (apt install parallel)" >&2
			exit 2
		fi
		[ -n "${warned:-}" ] || echo "run-sharded: GNU parallel not found; using xargs -P $jobs" >&2
		warned=1
		seq 0 "$last" | xargs -P "$jobs" -I{} sh -c "$tmpl"
	fi
}

# Site boilerplate is decided on every page, as run decides it: each shard's
# paragraphs, joined into one table that every count applies to its pages.
tb=$(date +%s)
bopt=""
case " $copts " in
*" --keep-boilerplate "*) ;;
*)
	each "$R count -q --paragraphs -j $threads --shard {}/$jobs $copts -o $W/para-{}.part $inputs"
	paras=""
	k=0
	while [ $k -lt "$jobs" ]; do paras="$paras $W/para-$k.part"; k=$((k + 1)); done
	eval "$R merge -q --paragraphs -o $W/boilerplate.table $paras"
	bopt="--boilerplate $W/boilerplate.table"
	;;
esac
t0=$(date +%s)
each "$R count -q -j $threads --shard {}/$jobs $copts $bopt -o $W/count-{}.part $inputs"
t1=$(date +%s)
parts=""
k=0
while [ $k -lt "$jobs" ]; do parts="$parts $W/count-$k.part"; k=$((k + 1)); done
eval "$R merge -q -m $W/model $parts"
t2=$(date +%s)
each "$R recommend -q -j $threads -m $W/model --shard {}/$jobs $ropts -o $W/lines-{}.jsonl"
t3=$(date +%s)
lines=""
counts=""
k=0
while [ $k -lt "$jobs" ]; do
	lines="$lines $W/lines-$k.jsonl"
	counts="$counts --counts $W/count-$k.part"
	k=$((k + 1))
done
status=0
eval "$R concat -q -m $W/model $counts -o $(q "$outdir") $lines" || status=$?
t4=$(date +%s)
echo "run-sharded: $jobs shards: boilerplate $((t0 - tb)) s, count $((t1 - t0)) s, merge $((t2 - t1)) s, recommend $((t3 - t2)) s, concat $((t4 - t3)) s" >&2
if [ $status -le 1 ] && [ $keep = 0 ]; then
	rm -rf "$work"
fi
exit $status
