#!/usr/bin/env bash
# Checks the MSI's tables with msiinfo (files, directories under Program Files, version), then
# installs it with `wine msiexec /i` into a new wine prefix, runs `guestprep --version` there, and
# uninstalls it.  Usage: msi_test.sh GUESTPREP.msi VERSION
# The checks are strings evaluated by check(), which reads variables set here.
# shellcheck disable=SC2016,SC2034
set -euo pipefail
msi=$1
version=$2
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1 ($2)" >&2; fail=1; fi; }
for tool in msiinfo wine; do
  command -v $tool >/dev/null || { echo "ERROR: $tool is not installed" >&2; exit 1; }
done
[[ -f $msi ]] || { echo "ERROR: no $msi" >&2; exit 1; }

files=$(msiinfo export "$msi" File | tr -d "\r") dirs=$(msiinfo export "$msi" Directory | tr -d "\r")
props=$(msiinfo export "$msi" Property | tr -d "\r")
services=$(msiinfo export "$msi" ServiceInstall | tr -d "\r")
{
  check "guestprep.exe" 'grep -qP "^guestprep.exe\tProgram\tguestprep.exe\t" <<<"$files"'
  check "policies" 'grep -qP "\taliyun-ecs-windows.yaml\t" <<<"$files" && grep -qP "\taliyun-ecs-linux.yaml\t" <<<"$files"'
  check "under Program Files" 'grep -qP "^INSTALLDIR\tProgramFiles64Folder\tguestprep" <<<"$dirs"'
  check "ProductVersion $version" 'grep -qP "^ProductVersion\t$version$" <<<"$props"'
  check "per-machine" 'grep -qP "^ALLUSERS\t1$" <<<"$props"'
  check "no service (guestprep daemon is not built for Windows yet)" '[ "$(wc -l <<<"$services")" -le 3 ]'
}

prefix=$(mktemp -d /tmp/guestprep-wine-XXXXXX)
trap 'rm -rf "$prefix"' EXIT
export WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wineboot --init >/dev/null 2>&1 || { echo "ERROR: wineboot failed" >&2; exit 1; }
wine msiexec /i "$(winepath -w "$msi")" /qn >/dev/null 2>&1 || { echo "FAIL: msiexec /i" >&2; exit 1; }
installed="$prefix/drive_c/Program Files/guestprep"
check "installed files" '[ -f "$installed/guestprep.exe" ] && [ -f "$installed/policies/aliyun-ecs-windows.yaml" ]'
out=$(wine "C:\\Program Files\\guestprep\\guestprep.exe" --version 2>/dev/null | tr -d '\r') || true
check "--version under wine: '$out'" '[ "$out" = "guestprep $version" ]'
wine msiexec /x "$(winepath -w "$msi")" /qn >/dev/null 2>&1 || { echo "FAIL: msiexec /x" >&2; exit 1; }
check "uninstalled" '! [ -e "$installed/guestprep.exe" ]'
wineserver -k 2>/dev/null || true
((fail == 0)) || exit 1
echo "msi: tables, install, --version and uninstall under wine: all checks passed"
