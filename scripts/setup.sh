#!/usr/bin/env bash
# Installs what guestprep needs on Debian 12 (run as root): the build dependencies, and with
# --test also what the test suite needs (GoogleTest, Google Benchmark, python3-jsonschema for the
# report-schema check, debootstrap for the real Debian root, debsums for bench/process_timing.sh);
# then the static libraries of the release build (scripts/static-deps.sh, cached after one run).
set -euo pipefail
want_tests=0
for arg in "$@"; do
  case "$arg" in
    --test) want_tests=1 ;;
    -h|--help) echo "usage: $0 [--test]"; exit 0 ;;
    *) echo "$0: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" -ne 0 ]; then
  echo "$0: run as root (it installs Debian packages)" >&2
  exit 2
fi
pkgs=(build-essential cmake ninja-build pkg-config
      libyaml-cpp-dev libspdlog-dev libfmt-dev libboost1.81-dev nlohmann-json3-dev libcli11-dev
      libarchive-dev libssl-dev zlib1g-dev libpoco-dev libxxhash-dev
      python3)  # renders guestprep(8) (packaging/gen-manpage.py)
if [ "$want_tests" = 1 ]; then
  pkgs+=(libgtest-dev libgmock-dev libbenchmark-dev python3 python3-jsonschema debootstrap
        debsums)
  # `image check` tests build images at test time: qemu-img, partition tables, filesystems.
  pkgs+=(qemu-utils fdisk e2fsprogs xfsprogs dosfstools ntfs-3g)
  # The disk readers' tests compare with blkid (util-linux), sfdisk, dumpe2fs/debugfs, xfs_db.
  pkgs+=(util-linux)
  # Packages and the daemon: rpm (rpmbuild, rpm --root) and lintian for the install tests,
  # msitools (msiinfo) and wixl for the MSI, wrk and curl for the daemon's load test.
  pkgs+=(rpm lintian msitools wrk curl)
  # tests/packaging: the MSI builder, the RPM unpacker, man -l and groff for guestprep(8).
  pkgs+=(wixl rpm2cpio cpio man-db)
  # The static binary's test: `file` says "statically linked" (tests/static).
  pkgs+=(file)
  # hivex, an independent hive implementation, for the hive reader's cross-check
  # (tests/windows/regf_test): hivexget and hivexsh, and hivexregedit (export, large values).
  pkgs+=(libhivex-bin libwin-hivex-perl)
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${pkgs[@]}"
# The release build is one static executable: the static libraries Debian does not ship, built
# once from Debian's source packages and cached (scripts/static-deps.sh).
"$(dirname "$0")/static-deps.sh"
