#!/usr/bin/env bash
# Builds the guestprep MSI with wixl (msitools) from guestprep.wxs, a guestprep.exe, the daemon's
# default configuration (guestprep.yaml) and the policies.
# Usage: build-msi.sh GUESTPREP_EXE VERSION OUT.msi
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exe=$1
version=$2
out=$3
command -v wixl >/dev/null || { echo "wixl is not installed (Debian package wixl)" >&2; exit 1; }
[[ -f $exe ]] || { echo "no $exe: build the Windows preset first" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# wixl resolves each File Source relative to the .wxs, so stage everything beside a copy of it.
cp "$here/guestprep.wxs" "$stage/"
cp "$exe" "$stage/guestprep.exe"
cp "$here/guestprep.yaml" "$stage/"
mkdir "$stage/policies"
cp "$here/../../policies/"*.yaml "$stage/policies/"
wixl -a x64 -D Version="$version" -o "$out" "$stage/guestprep.wxs"
echo "built $out"
