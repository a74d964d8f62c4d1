#!/usr/bin/env bash
# Installs the Windows cross toolchain (mingw-w64, posix threads) and wine64, then builds the
# libraries guestprep.exe links (yaml-cpp, fmt, spdlog, GoogleTest/GoogleMock, nlohmann-json,
# CLI11, zlib, and Poco for the daemon) for mingw, static, from Debian's own source packages. Run as root on Debian 12. The result
# is cached in /var/cache/guestprep-win/<hash of this recipe>/prefix (GUESTPREP_WIN_CACHE moves
# the cache root), so a second run only checks that it is there.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
toolchain="$here/cmake/mingw-w64-toolchain.cmake"
cache_root="${GUESTPREP_WIN_CACHE:-/var/cache/guestprep-win}"
jobs="${GUESTPREP_JOBS:-2}"

if [ "$(id -u)" -ne 0 ]; then
  echo "$0: run as root (it installs Debian packages)" >&2
  exit 2
fi

# The same hash as cmake/mingw-w64-toolchain.cmake computes: SHA-256 of this file's text followed
# by the toolchain file's text, first 16 hex digits.
hash="$(cat "$0" "$toolchain" | sha256sum | cut -c1-16)"
dest="$cache_root/$hash"
prefix="$dest/prefix"

pkgs=(g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64
      mingw-w64-x86-64-dev wine wine64 cmake ninja-build dpkg-dev)
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
  echo "windows-deps: cached in $prefix"
  exit 0
fi

# Debian's source packages, from the mirror apt already uses for the main archive.
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
# Added by guestprep's scripts/windows-deps.sh: Debian source packages for the mingw-w64 build.
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
export GUESTPREP_WIN_DEPS="$prefix" GUESTPREP_WIN_DEPS_BOOTSTRAP=1

# fetch SOURCE-PACKAGE: the Debian source unpacked (its patches applied); prints its directory.
fetch() {
  local src="$1"
  (cd "$work" && apt-get source -q "$src" > "$work/$src.fetch.log" 2>&1) ||
    { cat "$work/$src.fetch.log" >&2; exit 1; }
  local dir
  dir="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name "$src-*" | head -n1)"
  dpkg-parsechangelog -l "$dir/debian/changelog" -S Version | sed "s/^/$src /" >> "$prefix/.versions"
  echo "$dir"
}

# configure SOURCE-PACKAGE DIR [cmake options...]
configure() {
  local src="$1" dir="$2"; shift 2
  cmake -S "$dir" -B "$work/build-$src" -G Ninja -Wno-dev \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_SHARED_LIBS=OFF "$@" > "$work/$src.log" 2>&1 ||
    { tail -n 60 "$work/$src.log" >&2; exit 1; }
}

# build SOURCE-PACKAGE [cmake options...]: fetch, configure, build and install into the prefix.
build() {
  local src="$1"; shift
  echo "windows-deps: $src"
  local dir
  dir="$(fetch "$src")"
  configure "$src" "$dir" "$@"
  cmake --build "$work/build-$src" -j "$jobs" >> "$work/$src.log" 2>&1 &&
  cmake --install "$work/build-$src" >> "$work/$src.log" 2>&1 ||
    { tail -n 60 "$work/$src.log" >&2; exit 1; }
  rm -rf "$dir" "$work/build-$src"
}

build fmtlib -DFMT_TEST=OFF -DFMT_DOC=OFF
build spdlog -DSPDLOG_FMT_EXTERNAL=ON -DSPDLOG_BUILD_EXAMPLE=OFF -DSPDLOG_BUILD_TESTS=OFF \
  -DSPDLOG_BUILD_BENCH=OFF -DCMAKE_PREFIX_PATH="$prefix"
build yaml-cpp -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF -DYAML_CPP_BUILD_CONTRIB=OFF \
  -DYAML_BUILD_SHARED_LIBS=OFF
build googletest -DBUILD_GMOCK=ON -DINSTALL_GTEST=ON
build nlohmann-json3 -DJSON_BuildTests=OFF -DJSON_Install=ON
build cli11 -DCLI11_BUILD_TESTS=OFF -DCLI11_BUILD_EXAMPLES=OFF -DCLI11_BUILD_DOCS=OFF
# zlib: only the static library (its DLL's resource file is not in Debian's source).
echo "windows-deps: zlib"
zdir="$(fetch zlib)"
configure zlib "$zdir"
cmake --build "$work/build-zlib" -j "$jobs" --target zlibstatic >> "$work/zlib.log" 2>&1 ||
  { tail -n 60 "$work/zlib.log" >&2; exit 1; }
install -m 0644 "$work/build-zlib/libzlibstatic.a" "$prefix/lib/"
install -m 0644 "$zdir/zlib.h" "$work/build-zlib/zconf.h" "$prefix/include/"
# Poco for the daemon (the Windows service): Foundation, XML (Util's configuration needs it),
# JSON, Util and Net only, static, no tests or samples. Poco's own zlib, pcre and expat are
# compiled in (POCO_UNBUNDLED off): Debian's mingw-w64 has none of them. ENABLE_TESTS off also
# leaves out the samples.
echo "windows-deps: poco"
pdir="$(fetch poco)"
# Poco includes two Windows SDK headers by their MSVC spelling; mingw-w64's are lower case and
# Linux file names are case-sensitive. The installed headers are fixed too, so guestprep's own
# objects compile against them.
grep -rlE '<(Winsock2|Iphlpapi)[.]h>' "$pdir/Foundation" "$pdir/Net" |
  xargs sed -i -E 's/<Winsock2[.]h>/<winsock2.h>/; s/<Iphlpapi[.]h>/<iphlpapi.h>/'
# With mingw, Poco's UnWindows.h includes iphlpapi.h, which brings wincrypt.h's TIMESTAMP_REQUEST
# macro into Net's ICMP header, where an enumerator has that name.
sed -i 's|^#include <cstddef>$|&\n#undef TIMESTAMP_REQUEST|' "$pdir/Net/include/Poco/Net/ICMPv4PacketImpl.h"
grep -q '^#undef TIMESTAMP_REQUEST' "$pdir/Net/include/Poco/Net/ICMPv4PacketImpl.h" ||
  { echo "windows-deps: cannot patch Poco's ICMPv4PacketImpl.h" >&2; exit 1; }
poco_off=()
for m in ENCODINGS ENCODINGS_COMPILER MONGODB DATA DATA_SQLITE DATA_MYSQL DATA_POSTGRESQL \
         DATA_ODBC REDIS PDF SEVENZIP ZIP CPPPARSER POCODOC PAGECOMPILER PAGECOMPILER_FILE2PAGE \
         ACTIVERECORD ACTIVERECORD_COMPILER APACHECONNECTOR NETSSL NETSSL_WIN CRYPTO JWT TESTS; do
  poco_off+=("-DENABLE_$m=OFF")
done
# Foundation's event log messages (pocomsg.mc) need a message compiler: binutils' windmc.
configure poco "$pdir" -DPOCO_UNBUNDLED=OFF -DENABLE_FOUNDATION=ON -DENABLE_XML=ON \
  -DENABLE_JSON=ON -DENABLE_UTIL=ON -DENABLE_NET=ON "${poco_off[@]}" \
  -DCMAKE_MC_COMPILER="$(command -v x86_64-w64-mingw32-windmc)"
cmake --build "$work/build-poco" -j "$jobs" >> "$work/poco.log" 2>&1 &&
cmake --install "$work/build-poco" >> "$work/poco.log" 2>&1 ||
  { tail -n 60 "$work/poco.log" >&2; exit 1; }
rm -rf "$pdir" "$work/build-poco"

rm -rf "$work"
touch "$prefix/.complete"
echo "windows-deps: built into $prefix"
