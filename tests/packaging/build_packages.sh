#!/usr/bin/env bash
# Builds the DEB and RPM from this build tree with cpack, and a second pair with a higher release
# (the upgrade the install tests apply), into OUT_DIR/{first,upgrade}.
# Usage: build_packages.sh BUILD_DIR OUT_DIR
set -euo pipefail
build=$1
out=$2
[[ -x $build/guestprep ]] || { echo "ERROR: $build/guestprep is not built" >&2; exit 1; }
rm -rf "$out"
for kind in first upgrade; do
  release=1
  [[ $kind == upgrade ]] && release=2
  start=$SECONDS
  GUESTPREP_PACKAGE_RELEASE=$release cpack -G "DEB;RPM" --config "$build/CPackConfig.cmake" \
    -B "$out/$kind" > "$out.$kind.log" 2>&1 || { cat "$out.$kind.log"; exit 1; }
  rm -rf "$out/$kind/_CPack_Packages"
  ls "$out/$kind"/*.deb "$out/$kind"/*.rpm >/dev/null || { cat "$out.$kind.log"; exit 1; }
  # Stable names for the tests.
  mv "$out/$kind"/*.deb "$out/$kind/guestprep.deb"
  mv "$out/$kind"/*.rpm "$out/$kind/guestprep.rpm"
  echo "$kind (release $release): built in $((SECONDS - start)) s"
done
ls -l "$out"/*/
