#!/bin/sh
# End-to-end tests: run the built binary on corpus/ and on generated inputs.
# Usage: tests/e2e.sh ./related
set -eu
exec python3 "$(dirname "$0")/e2e.py" "${1:-./related}"
