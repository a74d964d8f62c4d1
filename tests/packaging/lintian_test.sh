#!/usr/bin/env bash
# lintian on the .deb: no error or warning left, and every override in
# packaging/deb/lintian-overrides has a comment above it giving the reason.
# Usage: lintian_test.sh PACKAGE.deb OVERRIDES_FILE
set -euo pipefail
deb=$1
overrides=$2
command -v lintian >/dev/null || { echo "ERROR: lintian is not installed" >&2; exit 1; }
[[ -f $deb ]] || { echo "ERROR: no package $deb" >&2; exit 1; }
# An override with no comment line right above it is an unexplained one.
awk '/^#/ { c = 1; next } /^[[:space:]]*$/ { c = 0; next } { if (!c) { print FILENAME ":" NR ": override without a reason: " $0; bad = 1 } }
     END { exit bad }' "$overrides"
# Every tag, info and overridden ones too, for the log; the verdict comes from a second run, since
# lintian 2.116 exits 2 when --show-overrides meets --fail-on.
lintian -I --show-overrides --tag-display-limit 0 "$deb" 2>&1 | grep -v 'root privileges' || true
set +e
lintian --fail-on error,warning --tag-display-limit 0 "$deb" > /dev/null 2>&1
rc=$?
set -e
if [[ $rc != 0 ]]; then
  echo "FAIL: lintian reports errors or warnings (exit $rc)" >&2
  exit 1
fi
echo "lintian: clean (overridden tags, if any, are marked O: above)"
