# Finds the prefix of the static libraries scripts/static-deps.sh builds: GUESTPREP_STATIC_PREFIX.
#
# The prefix is named by the hash of the recipe (scripts/static-deps.sh), so a changed recipe never
# links libraries built by an older one. It is computed at every configure, not cached;
# -DGUESTPREP_STATIC_DEPS=DIR or the environment variable of that name overrides it, and
# GUESTPREP_STATIC_CACHE (environment) moves the cache root as it does for the script.
# GUESTPREP_STATIC_PREFIX_FOUND tells whether the prefix is complete.
if(GUESTPREP_STATIC_DEPS)
  set(GUESTPREP_STATIC_PREFIX "${GUESTPREP_STATIC_DEPS}")
elseif(DEFINED ENV{GUESTPREP_STATIC_DEPS})
  set(GUESTPREP_STATIC_PREFIX "$ENV{GUESTPREP_STATIC_DEPS}")
else()
  file(READ ${CMAKE_CURRENT_LIST_DIR}/../scripts/static-deps.sh _gp_static_recipe)
  # A changed recipe names another prefix: configure again.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
               ${CMAKE_CURRENT_LIST_DIR}/../scripts/static-deps.sh)
  string(SHA256 _gp_static_hash "${_gp_static_recipe}")
  string(SUBSTRING "${_gp_static_hash}" 0 16 _gp_static_hash)
  set(_gp_static_root /var/cache/guestprep-static)
  if(DEFINED ENV{GUESTPREP_STATIC_CACHE})
    set(_gp_static_root "$ENV{GUESTPREP_STATIC_CACHE}")
  endif()
  set(GUESTPREP_STATIC_PREFIX "${_gp_static_root}/${_gp_static_hash}/prefix")
endif()
if(EXISTS "${GUESTPREP_STATIC_PREFIX}/.complete")
  set(GUESTPREP_STATIC_PREFIX_FOUND TRUE)
else()
  set(GUESTPREP_STATIC_PREFIX_FOUND FALSE)
endif()

# GUESTPREP_STATIC_LINK_OPTIONS: how every static executable is linked. Everything linked in,
# unused sections dropped, and exceptions found through the binary search table of
# .eh_frame_hdr: gcc's -static links crtbeginT.o, which registers .eh_frame with libgcc, and the
# first exception thrown then sorts every FDE of the binary (about 67 million instructions, 4 ms;
# CLI11's --version is an exception). The crtbegin.o of ordinary executables, given to the link as
# crtbeginT.o through -B, registers nothing, so libgcc finds the table through dl_iterate_phdr,
# which static glibc has.
execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=crtbegin.o
                OUTPUT_VARIABLE _gp_crtbegin OUTPUT_STRIP_TRAILING_WHITESPACE)
set(GUESTPREP_STATIC_LINK_OPTIONS -static -static-libstdc++ -static-libgcc -Wl,--gc-sections
                                  -Wl,--eh-frame-hdr)
if(IS_ABSOLUTE "${_gp_crtbegin}" AND EXISTS "${_gp_crtbegin}")
  configure_file("${_gp_crtbegin}" ${CMAKE_BINARY_DIR}/static-crt/crtbeginT.o COPYONLY)
  list(APPEND GUESTPREP_STATIC_LINK_OPTIONS -B${CMAKE_BINARY_DIR}/static-crt/)
else()
  message(WARNING "no crtbegin.o from ${CMAKE_CXX_COMPILER}: the static binary's first exception "
                  "will sort its unwind table (a few ms)")
endif()
