#!/usr/bin/env bash
# Builds, from Debian's own source packages, the static libraries the static release binary links
# for which Debian ships no .a (fmt, spdlog, Poco, a reduced libarchive), position-dependent, into
# /var/cache/guestprep-static/<hash of this recipe>/prefix (GUESTPREP_STATIC_CACHE moves the cache
# root) with CMake config files, so `cmake --preset release` finds them. Run as root on Debian 12;
# a second run only checks that the prefix is there. yaml-cpp, OpenSSL's libcrypto, zlib, liblzma,
# libzstd, liblz4, libbz2, libpcre and libexpat are Debian's own .a files (their -dev packages).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cache_root="${GUESTPREP_STATIC_CACHE:-/var/cache/guestprep-static}"
jobs="${GUESTPREP_JOBS:-2}"

if [ "$(id -u)" -ne 0 ]; then
  echo "$0: run as root (it installs Debian packages)" >&2
  exit 2
fi

# The same hash as cmake/static.cmake computes: SHA-256 of this file's text, first 16 hex digits.
hash="$(sha256sum < "$0" | cut -c1-16)"
dest="$cache_root/$hash"
prefix="$dest/prefix"

# The static archives linked from Debian's -dev packages, and the tools to build the rest.
pkgs=(build-essential cmake ninja-build dpkg-dev libyaml-cpp-dev libssl-dev zlib1g-dev liblzma-dev
      libzstd-dev liblz4-dev libbz2-dev libpcre3-dev libexpat1-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
export DEBIAN_FRONTEND=noninteractive
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ -f "$prefix/.complete" ]; then
  echo "static-deps: cached in $prefix"
  exit 0
fi

# Debian's source packages, from the mirror apt already uses for the main archive (the same file
# scripts/windows-deps.sh adds).
codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"
src_list=/etc/apt/sources.list.d/guestprep-deb-src.sources
if [ ! -f "$src_list" ]; then
  mirror=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    mirror="$(awk '/^URIs:/ {print $2}' /etc/apt/sources.list.d/debian.sources |
              grep -v -- '-security' | head -n1 || true)"
  fi
  if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
    mirror="$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list || true)"
  fi
  mirror="${mirror:-http://deb.debian.org/debian}"
  cat > "$src_list" <<SRC
# Added by guestprep's scripts/static-deps.sh: Debian source packages for the static libraries.
Types: deb-src
URIs: $mirror
Suites: $codename
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt-get update -q
fi

work="$dest/work"
rm -rf "$work" "$prefix"
mkdir -p "$work" "$prefix"

# Position-dependent code (no -fPIC/-fPIE): the release binary is a static non-PIE executable.
# -no-pie is in the compile flags as well because CMake's configure checks (libarchive's, whose
# old policies ignore CMAKE_EXE_LINKER_FLAGS) link with them.
cflags="-O2 -fno-pie -no-pie -ffunction-sections -fdata-sections"

# fetch SOURCE-PACKAGE: the Debian source unpacked (its patches applied); prints its directory.
fetch() {
  local src="$1"
  (cd "$work" && apt-get source -q "$src" > "$work/$src.fetch.log" 2>&1) ||
    { cat "$work/$src.fetch.log" >&2; exit 1; }
  local dir
  dir="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name "$src-*" | head -n1)"
  dpkg-parsechangelog -l "$dir/debian/changelog" -S Version | sed "s/^/$src /" \
    >> "$prefix/.versions"
  echo "$dir"
}

# configure SOURCE-PACKAGE DIR [cmake options...]
configure() {
  local src="$1" dir="$2"; shift 2
  cmake -S "$dir" -B "$work/build-$src" -G Ninja -Wno-dev -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_PREFIX_PATH="$prefix" \
    -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=OFF \
    -DCMAKE_C_FLAGS="$cflags" -DCMAKE_CXX_FLAGS="$cflags" "$@" > "$work/$src.log" 2>&1 ||
    { tail -n 60 "$work/$src.log" >&2; exit 1; }
}

# compile SOURCE-PACKAGE [ninja targets...]
compile() {
  local src="$1"; shift
  local targets=()
  [ "$#" -eq 0 ] || targets=(--target "$@")
  cmake --build "$work/build-$src" -j "$jobs" "${targets[@]}" >> "$work/$src.log" 2>&1 ||
    { tail -n 60 "$work/$src.log" >&2; exit 1; }
}

# build SOURCE-PACKAGE [cmake options...]: fetch, configure, build and install into the prefix.
build() {
  local src="$1"; shift
  echo "static-deps: $src"
  local dir
  dir="$(fetch "$src")"
  configure "$src" "$dir" "$@"
  compile "$src"
  cmake --install "$work/build-$src" >> "$work/$src.log" 2>&1 ||
    { tail -n 60 "$work/$src.log" >&2; exit 1; }
  rm -rf "$dir" "$work/build-$src"
}

build fmtlib -DFMT_TEST=OFF -DFMT_DOC=OFF
build spdlog -DSPDLOG_FMT_EXTERNAL=ON -DSPDLOG_BUILD_EXAMPLE=OFF -DSPDLOG_BUILD_TESTS=OFF \
  -DSPDLOG_BUILD_BENCH=OFF

# libarchive reduced to what guestprep reads (platform/linux/parsers/boot_initramfs.cpp: cpio
# through every filter): the system's static zlib, liblzma, libzstd, liblz4 and libbz2, and
# nothing that needs another library or a run-time module (no xml2/expat, no crypto, no ACL or
# xattr, no iconv: glibc's static iconv would dlopen gconv modules).
echo "static-deps: libarchive"
adir="$(fetch libarchive)"
configure libarchive "$adir" -DENABLE_OPENSSL=OFF -DENABLE_NETTLE=OFF -DENABLE_MBEDTLS=OFF \
  -DENABLE_LIBB2=OFF -DENABLE_LZO=OFF -DENABLE_LZ4=ON -DENABLE_LZMA=ON -DENABLE_ZSTD=ON \
  -DENABLE_ZLIB=ON -DENABLE_BZip2=ON -DENABLE_LIBXML2=OFF -DENABLE_EXPAT=OFF \
  -DENABLE_PCREPOSIX=OFF -DENABLE_LIBGCC=OFF -DENABLE_CNG=OFF -DENABLE_TAR=OFF -DENABLE_CPIO=OFF \
  -DENABLE_CAT=OFF -DENABLE_XATTR=OFF -DENABLE_ACL=OFF -DENABLE_ICONV=OFF -DENABLE_TEST=OFF \
  -DENABLE_WERROR=OFF
compile libarchive archive_static
for feature in HAVE_ZLIB_H HAVE_LZMA_H HAVE_ZSTD_H HAVE_LZ4_H HAVE_BZLIB_H; do
  grep -q "^#define $feature 1" "$work/build-libarchive/config.h" ||
    { echo "static-deps: libarchive was configured without $feature" >&2; exit 1; }
done
mkdir -p "$prefix/lib/cmake/LibArchive" "$prefix/include"
install -m 0644 "$work/build-libarchive/libarchive/libarchive.a" "$prefix/lib/"
install -m 0644 "$adir/libarchive/archive.h" "$adir/libarchive/archive_entry.h" "$prefix/include/"
la_version="$(sed -n 's/^#define[[:space:]]*ARCHIVE_VERSION_ONLY_STRING[[:space:]]*"\(.*\)"/\1/p' \
  "$adir/libarchive/archive.h")"
[ -n "$la_version" ] || { echo "static-deps: no version in libarchive's archive.h" >&2; exit 1; }
# libarchive installs no CMake package of its own: this one names the static compression archives
# it needs, so `find_package(LibArchive CONFIG)` gives a target that links.
cat > "$prefix/lib/cmake/LibArchive/LibArchiveConfig.cmake" <<CFG
# LibArchive::LibArchive: the reduced static libarchive built by guestprep's scripts/static-deps.sh.
if(NOT TARGET LibArchive::LibArchive)
  set(_gp_la_libs)
  foreach(_gp_la IN ITEMS z lzma zstd lz4 bz2)
    find_library(_gp_la_\${_gp_la} NAMES lib\${_gp_la}.a REQUIRED)
    list(APPEND _gp_la_libs "\${_gp_la_\${_gp_la}}")
  endforeach()
  add_library(LibArchive::LibArchive STATIC IMPORTED)
  set_target_properties(LibArchive::LibArchive PROPERTIES
    IMPORTED_LOCATION "\${CMAKE_CURRENT_LIST_DIR}/../../libarchive.a"
    INTERFACE_INCLUDE_DIRECTORIES "\${CMAKE_CURRENT_LIST_DIR}/../../../include"
    INTERFACE_COMPILE_DEFINITIONS LIBARCHIVE_STATIC
    INTERFACE_LINK_LIBRARIES "\${_gp_la_libs}")
endif()
set(LibArchive_FOUND TRUE)
set(LibArchive_VERSION $la_version)
set(LibArchive_INCLUDE_DIRS "\${CMAKE_CURRENT_LIST_DIR}/../../../include")
set(LibArchive_LIBRARIES LibArchive::LibArchive)
CFG
cat > "$prefix/lib/cmake/LibArchive/LibArchiveConfigVersion.cmake" <<CFG
# The version of the reduced static libarchive built by guestprep's scripts/static-deps.sh.
set(PACKAGE_VERSION $la_version)
if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
CFG
rm -rf "$adir" "$work/build-libarchive"

# Poco for the daemon: Foundation, XML, JSON, Util and Net only (no NetSSL, Crypto or Data),
# linked to the system's static zlib, pcre and expat (POCO_UNBUNDLED) so no second zlib is linked.
poco_off=()
for m in ENCODINGS ENCODINGS_COMPILER MONGODB DATA DATA_SQLITE DATA_MYSQL DATA_POSTGRESQL \
         DATA_ODBC REDIS PDF SEVENZIP ZIP CPPPARSER POCODOC PAGECOMPILER PAGECOMPILER_FILE2PAGE \
         ACTIVERECORD ACTIVERECORD_COMPILER APACHECONNECTOR NETSSL NETSSL_WIN CRYPTO JWT TESTS; do
  poco_off+=("-DENABLE_$m=OFF")
done
echo "static-deps: poco"
pdir="$(fetch poco)"
configure poco "$pdir" -DPOCO_UNBUNDLED=ON -DENABLE_FOUNDATION=ON -DENABLE_XML=ON \
  -DENABLE_JSON=ON -DENABLE_UTIL=ON -DENABLE_NET=ON "${poco_off[@]}"
compile poco
cmake --install "$work/build-poco" >> "$work/poco.log" 2>&1 ||
  { tail -n 60 "$work/poco.log" >&2; exit 1; }
# Debian's patch stops Poco installing the module its unbundled config needs for pcre.
install -m 0644 "$pdir/cmake/FindPCRE.cmake" "$prefix/lib/cmake/Poco/"
rm -rf "$pdir" "$work/build-poco"

rm -rf "$work"
touch "$prefix/.complete"
echo "static-deps: built into $prefix"
