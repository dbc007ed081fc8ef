#!/bin/bash
# The console host's device inventory at scale: `devices generate` of 110,000 devices and one
# devices_foreach over all of them through the ABI (the echo test module counts them).
# usage: bench/host/run.sh [BUILD_DIR]   (default: build/). Writes bench/results/host.txt.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
b=$(cd "${1:-$top/build}" && pwd)
out=$(KSC_HOST="$b/bin/ksc-host" ECHO_DIR="$b/tests/host/modules" SEEDGEN_IDS="$b/bin/seedgen_ids" \
  RESOURCES="$top/resources" MDR_PLUGINS="$b/plugins" "$top/tests/host/cli_test.sh" devices_at_scale)
figures=$(echo "$out" | sed -n 's/^figures: //p')
[ -n "$figures" ] || { echo "$out" >&2; exit 1; }
mkdir -p "$top/bench/results"
{
  echo "ksc-host device inventory — $(date -u '+%Y-%m-%d %H:%M:%S') UTC, $(nproc) CPUs"
  echo "$figures" | tr ';' '\n' | sed 's/^ *//'
} >"$top/bench/results/host.txt"
cat "$top/bench/results/host.txt"
