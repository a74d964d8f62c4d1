#!/usr/bin/env bash
# CI for the Windows build (Debian 12, as root): the mingw-w64 dependencies (built once, cached in
# /var/cache/guestprep-win), the `windows` configure, build and test presets (the .exe tests run
# under wine), and the check that guestprep.exe imports only Windows system DLLs.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
./scripts/windows-deps.sh
# ccache, when installed, keeps a second run's cross build to minutes (its cache lives outside
# the repository, as the libraries' does; paths are made relative, so any clone hits it).
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_DIR="${CCACHE_DIR:-/var/cache/ccache-guestprep}" CCACHE_BASEDIR="$PWD" \
         CCACHE_NOHASHDIR=true
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake --preset windows "${launcher[@]}"
cmake --build --preset windows
ctest --preset windows
# Also in ctest (windows_dll_imports); run here on its own so the log lists the imports.
cmake -DEXE=build/windows/guestprep.exe -DOBJDUMP=x86_64-w64-mingw32-objdump \
      -P tests/windows/check_dlls.cmake
echo "windows CI: $(( $(date +%s) - start )) s"
