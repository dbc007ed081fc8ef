#!/bin/bash
# MDR Health at 100,000 assets against the raw transfer and the help's plain client.
# usage: bench/health/run.sh [BUILD_DIR]   (default: build/; needs ksc-host, mdr-sandbox,
# libmdr.so and bench_health_queries built there). Writes bench/results/health.txt.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
b=${1:-$top/build}
exec python3 "$top/bench/health/bench.py" --host "$b/bin/ksc-host" --sandbox "$b/bin/mdr-sandbox" \
  --plugins "$b/plugins" --queries "$b/bin/bench_health_queries" "${@:2}"
