#!/usr/bin/env bash
# Whole-process timing: runs `guestprep audit` N times on a fixture root and on this machine and
# prints the median wall time of each (start-up, policy parsing, probes, rules and report).
# Usage: bench/process_timing.sh [BINARY] [N]   (default build/release/guestprep, 21 runs)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/release/guestprep}
n=${2:-21}
[ -x "$bin" ] || { echo "no binary at $bin (build the release preset first)" >&2; exit 2; }

median_ms() {
  local -a times=()
  for _ in $(seq "$n"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true  # exit 1 (not ready) is a normal outcome here
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$n" 'NR == int((n + 1) / 2) { printf "%.2f", $1 / 1000 }'
}

echo "guestprep audit, median of $n runs (ms):"
echo "  fixture root rhel6:   $(median_ms "$bin" audit --root "$here/../tests/fixtures/roots/rhel6")"
echo "  fixture root ubuntu18: $(median_ms "$bin" audit --root "$here/../tests/fixtures/roots/ubuntu18")"
echo "  live machine:         $(median_ms "$bin" audit)"
