#!/usr/bin/env bash
# Whole-process timing: `guestprep audit` on fixture roots, on the debootstrapped Debian root
# (without and with the L-SYSDIRS package verification) and on this machine; then the two side by
# side comparisons of the issue's targets: the package verification against `debsums -s` over
# the same packages, and the native initramfs listing against `lsinitramfs` on the same image.
# Prints the median wall time and the median CPU time (user+system) of N runs of each.
# Usage: bench/process_timing.sh [BINARY] [N]   (default build/release/guestprep, 21 runs)
# Environment: GUESTPREP_DEBIAN_ROOT (default: what tests/real/make-debian-root.sh prints, built
# once if missing), DEBSUMS (default: debsums from PATH; scripts/setup.sh --test installs it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/release/guestprep}
n=${2:-21}
[ -x "$bin" ] || { echo "no binary at $bin (build the release preset first)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "run as root (chroot, unshare, root-owned files)" >&2; exit 2; }
bench_bin=$(dirname "$bin")/bench/guestprep_bench

# Prints "WALL CPU" in ms, the medians of n runs of the command (exit codes ignored: 1, not
# ready, is a normal outcome of an audit).
median_ms() {
  local out
  out=$(mktemp)
  for _ in $(seq "$n"); do
    # TIMEFORMAT makes bash's `time` print real, user and system seconds of the command.
    { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1 || true; } 2>>"$out"
  done
  local m=$(((n + 1) / 2))
  local wall cpu
  wall=$(awk '{ print $1 * 1000 }' "$out" | sort -n | sed -n "${m}p")
  cpu=$(awk '{ print ($2 + $3) * 1000 }' "$out" | sort -n | sed -n "${m}p")
  rm -f "$out"
  printf '%8.1f %8.1f' "$wall" "$cpu"
}

row() {  # label, command...
  local label=$1
  shift
  printf '  %-52s %s\n' "$label" "$(median_ms "$@")"
}

root=${GUESTPREP_DEBIAN_ROOT:-$("$here/../tests/real/make-debian-root.sh")}
export GUESTPREP_DEBIAN_ROOT=$root
# The policy without L-SYSDIRS: `audit` then collects no system-directory hashes.
nover=$(mktemp --suffix=.yaml)
# The result cache (the initramfs listing, by the image's hash) of the "cache warm" rows; the
# other rows run with --no-cache, as the first audit of an image.
cache=$(mktemp -d)
trap 'rm -rf "$nover" "$cache"' EXIT
"$bin" policy show aliyun-ecs-linux |
  awk '/^  - id: /{skip = ($3 == "system-dirs-unmodified")} !skip' >"$nover"
"$bin" policy validate "$nover" >/dev/null

echo "median of $n runs, milliseconds:                        wall      cpu"
echo "guestprep audit"
row "fixture root rhel6" "$bin" --no-cache audit --root "$here/../tests/fixtures/roots/rhel6"
row "fixture root ubuntu18" "$bin" --no-cache audit --root "$here/../tests/fixtures/roots/ubuntu18"
row "Debian 12 root, without package verification" "$bin" --no-cache audit --policy "$nover" \
  --root "$root"
"$bin" --cache-dir "$cache" audit --root "$root" >/dev/null 2>&1 || true  # fills the cache
row "  the same, cache warm" "$bin" --cache-dir "$cache" audit --policy "$nover" --root "$root"
row "Debian 12 root, with package verification (default)" "$bin" --no-cache audit --root "$root"
row "  the same, cache warm" "$bin" --cache-dir "$cache" audit --root "$root"
row "live machine (default policy)" "$bin" --no-cache audit
"$bin" --cache-dir "$cache" audit >/dev/null 2>&1 || true
row "  the same, cache warm" "$bin" --cache-dir "$cache" audit

# The packages that own a file of the verified directories (/bin, /sbin, /usr/bin, /usr/sbin,
# /lib*), as the L-SYSDIRS verification selects them.
mapfile -t pkgs < <(cd "$root/var/lib/dpkg/info" &&
  grep -lE '^[0-9a-f]{32}  ((usr/)?s?bin|lib[^/]*)/.' ./*.md5sums |
  sed 's|^\./||; s/\.md5sums$//; s/:.*//' | sort -u)
debsums_cmd=(${DEBSUMS:-debsums})
echo "package verification, ${#pkgs[@]} packages"
if command -v "${debsums_cmd[0]}" >/dev/null; then
  row "debsums -s (every file of those packages)" "${debsums_cmd[@]}" -s --root="$root" "${pkgs[@]}"
else
  echo "  debsums not installed (scripts/setup.sh --test installs it); skipped"
fi
if [ -x "$bench_bin" ]; then
  "$bench_bin" --benchmark_filter='BM_VerifySystemDirs|BM_ListInitramfs' \
    --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>/dev/null |
    awk '/_median/ { printf "  %-52s %8.1f (in-process median, %s)\n", $1, $2, $3 }'
fi
image=$(readlink -f "$root/initrd.img" | sed "s|^$root||")
echo "initramfs listing of $image"
# lsinitramfs runs inside the root (the host need not have initramfs-tools), in throwaway
# namespaces with proc and a tmpfs /var/tmp, so it writes nothing to the root.
row "lsinitramfs (chroot, unshare)" unshare --mount --pid --net --fork sh -c \
  "mount -t proc proc '$root/proc' && mount -t tmpfs tmpfs '$root/var/tmp' && \
   exec chroot '$root' lsinitramfs '$image'"
row "unshare + chroot alone (overhead of the line above)" unshare --mount --pid --net --fork sh -c \
  "mount -t proc proc '$root/proc' && mount -t tmpfs tmpfs '$root/var/tmp' && \
   exec chroot '$root' true"
