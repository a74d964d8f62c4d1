#!/usr/bin/env bash
# Whole-process timing of `guestprep image check` against `qemu-img info` on the same files: a
# 500 GiB sparse dynamic VHD and a 500 GiB qcow2 (issue 7's target: at most 20 ms, and faster
# than qemu-img). Prints the median wall time of N runs of each, in ms.
# Usage: bench/image_timing.sh [BINARY] [N]   (default build/release/guestprep, 21 runs)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/release/guestprep}
n=${2:-21}
[ -x "$bin" ] || { echo "no binary at $bin (build the release preset first)" >&2; exit 2; }
command -v qemu-img >/dev/null || { echo "qemu-img is not installed (qemu-utils)" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
qemu-img create -q -f vpc "$dir/big.vhd" 500G
qemu-img create -q -f qcow2 "$dir/big.qcow2" 500G

median_ms() {
  local out
  out=$(mktemp)
  for _ in $(seq "$n"); do
    { TIMEFORMAT='%R'; time "$@" >/dev/null 2>&1 || true; } 2>>"$out"
  done
  awk '{ print $1 * 1000 }' "$out" | sort -n | sed -n "$(((n + 1) / 2))p"
  rm -f "$out"
}

printf '%-12s %22s %16s\n' image "guestprep image check" "qemu-img info"
for f in big.vhd big.qcow2; do
  printf '%-12s %19s ms %13s ms\n' "$f" "$(median_ms "$bin" image check "$dir/$f")" \
    "$(median_ms qemu-img info "$dir/$f")"
done
