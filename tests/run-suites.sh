#!/bin/sh
# Runs every test suite named on the command line, each even when an earlier
# one failed, then prints a summary with one line per suite (passed, FAILED,
# or FAILED (not built)) and exits 1 if any suite failed.
#
# Usage: tests/run-suites.sh BINARY SUITE...
#   BINARY  the related binary the end-to-end scripts run (e.g. ./related)
#   SUITE   a unit-test binary (build/test_*), or a tests/*.sh or tests/*.py
#           script, which is given BINARY as its argument
# BUILD_STATUS=failed in the environment (the Makefile sets it when a target
# could not be built) adds a failed "build" line to the summary.
set -u
bin=$1
shift
summary=""
failed=0
if [ "${BUILD_STATUS:-ok}" = failed ]; then
	summary="$(printf '  %-28s %s' build "FAILED (see the errors above)")
"
	failed=1
fi
for suite in "$@"; do
	echo "== $suite"
	if [ ! -e "$suite" ]; then
		status=127
	else
		case $suite in
		*.py) python3 "$suite" "$bin" </dev/null ;;
		*.sh) sh "$suite" "$bin" </dev/null ;;
		*) "$suite" </dev/null ;;
		esac
		status=$?
	fi
	if [ "$status" = 0 ]; then
		result=passed
	elif [ "$status" = 127 ] && [ ! -e "$suite" ]; then
		result="FAILED (not built)"
		failed=$((failed + 1))
	else
		result="FAILED (exit $status)"
		failed=$((failed + 1))
	fi
	summary="$summary$(printf '  %-28s %s' "$suite" "$result")
"
done
echo "== summary"
printf '%s' "$summary"
if [ "$failed" = 0 ]; then
	echo "all $# suites passed"
	exit 0
fi
echo "FAILED: $failed of the lines above"
exit 1
