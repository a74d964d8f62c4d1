#!/usr/bin/env bash
# CI for the Windows build (Debian 12, as root): the mingw-w64 dependencies (built once, cached in
# /var/cache/guestprep-win), the `windows` configure, build and test presets (the .exe tests run
# under wine), and the check that guestprep.exe imports only Windows system DLLs.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
./scripts/windows-deps.sh
cmake --preset windows
cmake --build --preset windows
ctest --preset windows
# Also in ctest (windows_dll_imports); run here on its own so the log lists the imports.
cmake -DEXE=build/windows/guestprep.exe -DOBJDUMP=x86_64-w64-mingw32-objdump \
      -P tests/windows/check_dlls.cmake
echo "windows CI: $(( $(date +%s) - start )) s"
