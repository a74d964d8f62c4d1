# Fails unless EXE imports only Windows system DLLs (objdump -p's "DLL Name" lines against an
# allow-list): no libstdc++-6.dll, libgcc_s_seh-1.dll or libwinpthread-1.dll beside it.
cmake_minimum_required(VERSION 3.25)
set(ALLOWED KERNEL32.DLL ADVAPI32.DLL MSVCRT.DLL UCRTBASE.DLL WS2_32.DLL IPHLPAPI.DLL OLE32.DLL
            OLEAUT32.DLL SHELL32.DLL USER32.DLL NETAPI32.DLL NTDLL.DLL RPCRT4.DLL SECUR32.DLL
            USERENV.DLL VERSION.DLL SHLWAPI.DLL BCRYPT.DLL CRYPT32.DLL DBGHELP.DLL)
execute_process(COMMAND ${OBJDUMP} -p ${EXE} OUTPUT_VARIABLE dump RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${OBJDUMP} -p ${EXE} failed (${rc})")
endif()
string(REGEX MATCHALL "DLL Name: [^\r\n]+" lines "${dump}")
if(NOT lines)
  message(FATAL_ERROR "${EXE}: no imported DLLs found in objdump's output")
endif()
set(bad)
foreach(line IN LISTS lines)
  string(REGEX REPLACE "DLL Name: " "" dll "${line}")
  string(STRIP "${dll}" dll)
  string(TOUPPER "${dll}" upper)
  # The API sets (api-ms-win-crt-*) are the Universal CRT's, part of Windows.
  if(NOT upper IN_LIST ALLOWED AND NOT upper MATCHES "^API-MS-WIN-")
    list(APPEND bad "${dll}")
  endif()
  message(STATUS "imports ${dll}")
endforeach()
if(bad)
  message(FATAL_ERROR "${EXE} imports DLLs that are not part of Windows: ${bad}")
endif()
