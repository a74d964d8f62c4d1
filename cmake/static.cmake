# GUESTPREP_STATIC: one static, position-dependent executable, linked against the libraries that
# scripts/static-deps.sh builds and Debian's own .a files. Included before the find_package calls.
if(WIN32)
  message(FATAL_ERROR "GUESTPREP_STATIC is for the Linux build; the Windows build "
                      "(cmake/mingw-w64-toolchain.cmake) is always static")
endif()
include(${CMAKE_CURRENT_LIST_DIR}/static_prefix.cmake)
if(NOT GUESTPREP_STATIC_PREFIX_FOUND)
  message(FATAL_ERROR "GUESTPREP_STATIC: no static libraries at ${GUESTPREP_STATIC_PREFIX}: run "
                      "scripts/static-deps.sh (as root; scripts/setup.sh runs it) first, or "
                      "configure with -DGUESTPREP_STATIC=OFF for a dynamic build")
endif()
message(STATUS "GUESTPREP_STATIC: static libraries from ${GUESTPREP_STATIC_PREFIX}")

# Only static archives: the prefix's packages first, then Debian's .a files.
list(PREPEND CMAKE_PREFIX_PATH "${GUESTPREP_STATIC_PREFIX}")
set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
set(OPENSSL_USE_STATIC_LIBS ON)
set(ZLIB_USE_STATIC_LIBS ON)

# Debian's yaml-cpp package names only its shared library: a package for its libyaml-cpp.a, in the
# build tree, found before it.
find_library(GUESTPREP_YAML_CPP_STATIC NAMES libyaml-cpp.a REQUIRED)
find_path(GUESTPREP_YAML_CPP_INCLUDE NAMES yaml-cpp/yaml.h REQUIRED)
set(_gp_yaml_dir ${CMAKE_BINARY_DIR}/static-packages/yaml-cpp)
file(WRITE ${_gp_yaml_dir}/yaml-cppConfig.cmake
     "# Debian's static yaml-cpp (written by cmake/static.cmake).\n"
     "if(NOT TARGET yaml-cpp)\n"
     "  add_library(yaml-cpp STATIC IMPORTED)\n"
     "  set_target_properties(yaml-cpp PROPERTIES\n"
     "    IMPORTED_LOCATION \"${GUESTPREP_YAML_CPP_STATIC}\"\n"
     "    INTERFACE_INCLUDE_DIRECTORIES \"${GUESTPREP_YAML_CPP_INCLUDE}\")\n"
     "endif()\n")
set(yaml-cpp_DIR ${_gp_yaml_dir} CACHE PATH "yaml-cpp package (static build)" FORCE)

# Position-dependent code; GUESTPREP_STATIC_LINK_OPTIONS (cmake/static_prefix.cmake) for the link.
add_compile_options(-fno-pie -ffunction-sections -fdata-sections)
add_link_options(${GUESTPREP_STATIC_LINK_OPTIONS})

# glibc warns that getpwuid, getaddrinfo, gethostbyname, getservbyname and dlopen "require at
# runtime the shared libraries from the glibc version used for linking". What pulls them in, and
# why guestprep does not depend on them at run time:
# - libcrypto (DSO and BIO code) references dlopen, getaddrinfo and gethostbyname; guestprep uses
#   libcrypto only for EVP MD5 and SHA-256 digests from the built-in default provider, and never
#   opens a BIO socket. libcrypto does read OPENSSLDIR/openssl.cnf (/usr/lib/ssl/openssl.cnf, the
#   Debian path; absent on RHEL-family hosts) at first use: Debian's file loads no module, but a
#   host whose file there loads an engine or provider module would make libcrypto dlopen it.
# - Poco (the daemon) references getpwuid (Path::home) and getaddrinfo/getservbyname (host and
#   service names); the daemon listens on a Unix socket or a numeric 127.0.0.1 address.
# - guestprep itself reads /etc/passwd and /etc/shadow of the audited root as files and changes
#   owners by numeric ID, so neither audit nor fix goes through NSS. glibc 2.36's libc.a has the
#   files and dns NSS back ends built in, so a lookup that does happen (getpwuid) needs no module
#   unless nsswitch.conf names another one first.
