# guestprep.exe fix and rollback end to end under wine, on wine's own registry: in a fresh
# prefix, W-RDP and W-FIREWALL are made to fail (reg add, then the prefix restarted), and
# `guestprep.exe fix --only W-RDP,W-FIREWALL --yes --format json` must end each PENDING REBOOT
# (nothing listens on 3389, and the firewall API cannot say it is off, until the next boot) with
# every value written; a second plan must be empty, and `guestprep.exe rollback` must put every
# value back as `reg query` showed it before (values the run created deleted).
#
#   cmake -DEXE=guestprep.exe -DWINE=wine64 -DPREFIX=DIR -P wine_fix_test.cmake
#
# What wine itself cannot do (make a prefix, write its registry, restart) makes the test
# print "GUESTPREP-WINE-SKIP: <what wine lacks>" (ctest's SKIP_REGULAR_EXPRESSION); anything
# guestprep does wrong fails it.
cmake_minimum_required(VERSION 3.25)

foreach(var EXE WINE PREFIX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "wine_fix_test.cmake needs -D${var}=...")
  endif()
endforeach()

set(ENV{WINEPREFIX} "${PREFIX}")
set(ENV{WINEDEBUG} "-all")
# No Mono or Gecko installer dialogs when the prefix is made.
set(ENV{WINEDLLOVERRIDES} "mscoree,mshtml=")

function(skip why)
  message("GUESTPREP-WINE-SKIP: ${why}")
  # The exit status does not matter once ctest sees the skip line; stop here.
  message(FATAL_ERROR "skipped")
endfunction()

# Runs wine with ARGN; sets <prefix>_RC, <prefix>_OUT, <prefix>_ERR in the caller.
function(run_wine prefix)
  execute_process(COMMAND "${WINE}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err TIMEOUT 600)
  set(${prefix}_RC "${rc}" PARENT_SCOPE)
  set(${prefix}_OUT "${out}" PARENT_SCOPE)
  set(${prefix}_ERR "${err}" PARENT_SCOPE)
endfunction()

# A fresh prefix: nothing from an earlier run (journal, values) may decide this one.
file(REMOVE_RECURSE "${PREFIX}")
run_wine(BOOT wineboot --init)
if(NOT BOOT_RC EQUAL 0)
  skip("wine could not create a prefix in ${PREFIX} (wineboot --init: ${BOOT_RC}) ${BOOT_ERR}")
endif()

set(TS "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server")
set(RDPTCP "${TS}\\WinStations\\RDP-Tcp")
set(FWP "HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy")
set(TERMSVC "HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService")
# Each value the fix may touch: key|name. The rule is absent before the run.
set(VALUES
    "${TS}|fDenyTSConnections" "${RDPTCP}|PortNumber" "${TERMSVC}|Start"
    "${FWP}\\DomainProfile|EnableFirewall" "${FWP}\\StandardProfile|EnableFirewall"
    "${FWP}\\PublicProfile|EnableFirewall" "${FWP}\\FirewallRules|guestprep-RDP-In-TCP-3389")

# What a server with RDP denied on another port, TermService disabled and the firewall on in
# every profile looks like. wine's TermService (termsv.exe) starts on demand; its Start value
# written here reaches wine's service control manager when the prefix next starts, so the fix's
# ChangeServiceConfigW has a disabled service to change.
foreach(setting "${TS}|fDenyTSConnections|1" "${RDPTCP}|PortNumber|3390" "${TERMSVC}|Start|4"
                "${FWP}\\DomainProfile|EnableFirewall|1" "${FWP}\\StandardProfile|EnableFirewall|1"
                "${FWP}\\PublicProfile|EnableFirewall|1")
  string(REPLACE "|" ";" parts "${setting}")
  list(GET parts 0 key)
  list(GET parts 1 name)
  list(GET parts 2 data)
  run_wine(ADD reg add "${key}" /v "${name}" /t REG_DWORD /d "${data}" /f)
  if(NOT ADD_RC EQUAL 0)
    skip("wine's reg.exe could not write ${key}\\${name} (${ADD_RC}): ${ADD_ERR}")
  endif()
endforeach()
# "Reboot" the prefix: wait until its wineserver (and with it services.exe) has exited, so the
# next wine process starts a service manager that reads the services from the registry again.
get_filename_component(wine_dir "${WINE}" DIRECTORY)
find_program(WINESERVER NAMES wineserver wineserver64 HINTS "${wine_dir}" NO_CACHE)
if(NOT WINESERVER)
  skip("no wineserver beside ${WINE} to wait for, so the service manager cannot be restarted")
endif()
execute_process(COMMAND "${WINESERVER}" -w TIMEOUT 120 RESULT_VARIABLE wait_rc)
if(NOT wait_rc EQUAL 0)
  skip("wineserver -w did not return (${wait_rc}): the prefix cannot be restarted")
endif()
run_wine(SCQ sc query TermService)
if(NOT SCQ_RC EQUAL 0)
  skip("wine has no TermService service (sc query exited ${SCQ_RC}): ${SCQ_OUT}${SCQ_ERR}")
endif()

# `reg query` of one value: its line ("    Start    REG_DWORD    0x4"), or "absent".
function(query_value out key name)
  run_wine(Q reg query "${key}" /v "${name}")
  if(NOT Q_RC EQUAL 0)
    set(${out} "absent" PARENT_SCOPE)
    return()
  endif()
  string(REGEX MATCH "[ \t]+${name}[ \t]+REG_[A-Z_]+[ \t]+[^\r\n]*" line "${Q_OUT}")
  if(line STREQUAL "")
    message(FATAL_ERROR "reg query ${key} /v ${name} printed no value line:\n${Q_OUT}")
  endif()
  string(STRIP "${line}" line)
  set(${out} "${line}" PARENT_SCOPE)
endfunction()

function(snapshot out)
  set(lines "")
  foreach(v IN LISTS VALUES)
    string(REPLACE "|" ";" parts "${v}")
    list(GET parts 0 key)
    list(GET parts 1 name)
    query_value(line "${key}" "${name}")
    string(APPEND lines "${key}\\${name}: ${line}\n")
  endforeach()
  set(${out} "${lines}" PARENT_SCOPE)
endfunction()

snapshot(BEFORE)
message("before the fix:\n${BEFORE}")
foreach(expected "fDenyTSConnections: fDenyTSConnections    REG_DWORD    0x1"
                 "PortNumber: PortNumber    REG_DWORD    0xd3e" "Start: Start    REG_DWORD    0x4"
                 "FirewallRules\\guestprep-RDP-In-TCP-3389: absent")
  string(FIND "${BEFORE}" "${expected}" at)
  if(at EQUAL -1)
    skip("wine's registry does not hold what reg add wrote (no \"${expected}\")")
  endif()
endforeach()

# The fix. Exit 1: pending a reboot is not verified.
run_wine(FIX "${EXE}" fix --only W-RDP,W-FIREWALL --yes --format json)
message("guestprep.exe fix exited ${FIX_RC}\n${FIX_ERR}")
if(NOT FIX_RC EQUAL 1)
  message(FATAL_ERROR "fix exited ${FIX_RC}, expected 1 (pending reboot):\n${FIX_OUT}")
endif()
string(JSON run_id ERROR_VARIABLE json_error GET "${FIX_OUT}" result run_id)
if(json_error)
  message(FATAL_ERROR "fix printed no JSON report with a run id (${json_error}):\n${FIX_OUT}")
endif()
string(JSON n LENGTH "${FIX_OUT}" result results)
if(NOT n EQUAL 2)
  message(FATAL_ERROR "expected 2 results (W-RDP, W-FIREWALL), got ${n}:\n${FIX_OUT}")
endif()
math(EXPR last "${n} - 1")
foreach(i RANGE ${last})
  string(JSON req GET "${FIX_OUT}" result results ${i} requirement)
  string(JSON outcome GET "${FIX_OUT}" result results ${i} outcome)
  string(JSON detail GET "${FIX_OUT}" result results ${i} detail)
  message("${req}: ${outcome}: ${detail}")
  if(NOT outcome STREQUAL "pending reboot")
    message(FATAL_ERROR "${req} ended '${outcome}', expected 'pending reboot': ${detail}")
  endif()
endforeach()

snapshot(AFTER)
message("after the fix:\n${AFTER}")
string(CONCAT rule_line "guestprep-RDP-In-TCP-3389    REG_SZ    "
       "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=3389|")
foreach(expected "fDenyTSConnections: fDenyTSConnections    REG_DWORD    0x0"
                 "PortNumber: PortNumber    REG_DWORD    0xd3d" "Start: Start    REG_DWORD    0x2"
                 "DomainProfile\\EnableFirewall: EnableFirewall    REG_DWORD    0x0"
                 "StandardProfile\\EnableFirewall: EnableFirewall    REG_DWORD    0x0"
                 "PublicProfile\\EnableFirewall: EnableFirewall    REG_DWORD    0x0"
                 "${rule_line}")
  string(FIND "${AFTER}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "after the fix, no \"${expected}\" in:\n${AFTER}")
  endif()
endforeach()

# Idempotent: planned again, nothing to do.
run_wine(AGAIN "${EXE}" fix --only W-RDP,W-FIREWALL --dry-run --format json)
string(JSON items ERROR_VARIABLE json_error LENGTH "${AGAIN_OUT}" plan items)
if(json_error)
  message(FATAL_ERROR "the second plan printed no JSON plan (${json_error}):\n${AGAIN_OUT}")
endif()
if(items GREATER 0)
  math(EXPR last "${items} - 1")
  foreach(i RANGE ${last})
    string(JSON actions LENGTH "${AGAIN_OUT}" plan items ${i} actions)
    if(NOT actions EQUAL 0)
      message(FATAL_ERROR "the second plan is not empty:\n${AGAIN_OUT}")
    endif()
  endforeach()
endif()

# Rollback: every value as before, the created rule deleted.
run_wine(RB "${EXE}" rollback "${run_id}" --format json)
message("guestprep.exe rollback exited ${RB_RC}\n${RB_ERR}")
if(NOT RB_RC EQUAL 0)
  message(FATAL_ERROR "rollback exited ${RB_RC}:\n${RB_OUT}")
endif()
string(JSON state ERROR_VARIABLE json_error GET "${RB_OUT}" state)
if(NOT state STREQUAL "rolled-back")
  message(FATAL_ERROR "rollback state '${state}' ${json_error}, expected 'rolled-back':\n${RB_OUT}")
endif()
snapshot(ROLLED_BACK)
if(NOT ROLLED_BACK STREQUAL BEFORE)
  message(FATAL_ERROR "after rollback:\n${ROLLED_BACK}\nbefore the fix:\n${BEFORE}")
endif()
message("rollback restored every value:\n${ROLLED_BACK}")
