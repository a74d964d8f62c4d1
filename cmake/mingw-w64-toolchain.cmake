# Cross-compiles guestprep for 64-bit Windows with Debian's mingw-w64 (posix threads variant, so
# std::thread and std::mutex work), statically, against the libraries scripts/windows-deps.sh builds.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

# The -posix compilers are named explicitly: the default x86_64-w64-mingw32-g++ depends on the
# update-alternatives choice and may be the win32-threads variant, which lacks std::thread.
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)

# The dependency prefix is named by the hash of the recipe (the deps script and this file), so a
# changed recipe never links libraries built by an older one. It is computed at every configure,
# not cached; -DGUESTPREP_WIN_DEPS=DIR or the environment variable of that name overrides it.
if(GUESTPREP_WIN_DEPS)
  set(_gp_deps "${GUESTPREP_WIN_DEPS}")
elseif(DEFINED ENV{GUESTPREP_WIN_DEPS})
  set(_gp_deps "$ENV{GUESTPREP_WIN_DEPS}")
else()
  file(READ ${CMAKE_CURRENT_LIST_DIR}/../scripts/windows-deps.sh _gp_recipe)
  file(READ ${CMAKE_CURRENT_LIST_FILE} _gp_toolchain)
  string(SHA256 _gp_hash "${_gp_recipe}${_gp_toolchain}")
  string(SUBSTRING "${_gp_hash}" 0 16 _gp_hash)
  set(_gp_deps /var/cache/guestprep-win/${_gp_hash}/prefix)
endif()
# The deps script builds the libraries with this same file, before the prefix is complete.
if(NOT DEFINED ENV{GUESTPREP_WIN_DEPS_BOOTSTRAP} AND NOT EXISTS "${_gp_deps}/.complete")
  message(FATAL_ERROR "No Windows dependencies at ${_gp_deps}: run scripts/windows-deps.sh "
                      "(as root) first")
endif()

set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 "${_gp_deps}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# FindZLIB would take zlib's import library (a DLL) first.
set(ZLIB_USE_STATIC_LIBS ON)

# -mbig-obj: unoptimised template-heavy objects exceed COFF's 32k-section limit. One static
# executable: libgcc, libstdc++ and winpthread linked in, so only Windows system DLLs are imported.
set(CMAKE_C_FLAGS_INIT "-Wa,-mbig-obj")
set(CMAKE_CXX_FLAGS_INIT "-Wa,-mbig-obj")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")

# ctest runs the .exe tests under wine64 (called directly: Debian's /usr/bin/wine wrapper prints a
# wine32 hint on every run), in a prefix inside the build directory so nothing is written to $HOME.
find_program(GUESTPREP_WINE NAMES wine64 PATHS /usr/lib/wine NO_DEFAULT_PATH)
if(NOT GUESTPREP_WINE)
  find_program(GUESTPREP_WINE NAMES wine64 wine)
endif()
if(GUESTPREP_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR
      ${CMAKE_COMMAND} -E env WINEPREFIX=${CMAKE_BINARY_DIR}/wineprefix WINEDEBUG=-all
      "WINEDLLOVERRIDES=mscoree,mshtml=" ${GUESTPREP_WINE})
endif()
