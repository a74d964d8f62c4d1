#!/usr/bin/env bash
# Builds (once) a real Debian 12 root with debootstrap for the --root tests, cached outside the repo.
# Usage: make-debian-root.sh [CACHE_DIR]; prints the root's path. Re-uses a complete cached root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${1:-${GUESTPREP_TEST_CACHE:-/var/cache/guestprep-test}}
# The root is keyed by this script's content, so changing the recipe builds a new one.
key=$(sha256sum "$here/make-debian-root.sh" | cut -c1-12)
root="$cache/bookworm-$key"
if [ -f "$root/.guestprep-complete" ]; then
  echo "$root"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "debootstrap is not installed" >&2; exit 1; }
mkdir -p "$cache"
rm -rf "$root.tmp"
mirror=${GUESTPREP_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
  # Use the mirror this machine's apt already uses (the only one reachable here).
  mirror=$(grep -rhoE '^(deb|URIs:)[[:space:]]+(\[[^]]*\][[:space:]]+)?https?://[^[:space:]]+' \
             /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
           | grep -oE 'https?://[^[:space:]]+' | grep -E '/debian/?$' | head -n1 || true)
fi
# ufw, libpam-pwquality and procps (sysctl) are there for the fix tests: a firewall, a password
# policy and a sysctl to break and repair the way an admin would meet them.
pkgs=systemd,systemd-sysv,ifupdown,isc-dhcp-client,openssh-server,netbase,iproute2,linux-image-amd64,initramfs-tools,zstd,ufw,libpam-pwquality,procps
debootstrap --variant=minbase --include="$pkgs" bookworm "$root.tmp" ${mirror:+"$mirror"} >&2
# debootstrap leaves host-specific files; make the root look like an installed server.
echo "guestprep-test" > "$root.tmp/etc/hostname"
touch "$root.tmp/.guestprep-complete"
mv "$root.tmp" "$root"
echo "$root"
