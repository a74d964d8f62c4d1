#!/usr/bin/env bash
# Checks the MSI's tables with msiinfo (files, directories under Program Files, version, the
# service "guestprep" and its Event Log source, the default configuration), then, in a new wine
# prefix: `wine msiexec /i` registers the service (its key with ImagePath, manual start), the
# event source and installs the default configuration; the service started by the SCM answers
# its API and logs to the Event Log (ReportEventW, traced by wine); uninstalling removes the
# service and the source and leaves the configuration, which a reinstall does not overwrite.
# Usage: msi_test.sh GUESTPREP.msi VERSION
# The checks are strings evaluated by check(), which reads variables set here.
# shellcheck disable=SC2016,SC2034
set -euo pipefail
msi=$1
version=$2
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1 ($2)" >&2; fail=1; fi; }
for tool in msiinfo wine wineserver curl python3; do
  command -v $tool >/dev/null || { echo "ERROR: $tool is not installed" >&2; exit 1; }
done
[[ -f $msi ]] || { echo "ERROR: no $msi" >&2; exit 1; }

table() { msiinfo export "$msi" "$1" | tr -d "\r"; }
files=$(table File) dirs=$(table Directory) props=$(table Property)
services=$(table ServiceInstall) controls=$(table ServiceControl) registry=$(table Registry)
sequence=$(table InstallExecuteSequence) actions=$(table CustomAction)
# A Registry row of the event source under HKLM (root 2), in guestprep.exe's component; the key
# as wixl writes it, with a trailing backslash. Through the environment: awk -v would unescape.
has_value() {
  KEY='SYSTEM\CurrentControlSet\Services\EventLog\Application\guestprep\' NAME=$1 VALUE=$2 \
    awk -F'\t' '$2 == 2 && $3 == ENVIRON["KEY"] && $4 == ENVIRON["NAME"] &&
                 $5 == ENVIRON["VALUE"] && $6 == "Program" {found = 1} END {exit !found}' \
    <<<"$registry"
}
{
  check "guestprep.exe" 'grep -qP "^guestprep.exe\tProgram\tguestprep.exe\t" <<<"$files"'
  check "policies" 'grep -qP "\taliyun-ecs-windows.yaml\t" <<<"$files" && grep -qP "\taliyun-ecs-linux.yaml\t" <<<"$files"'
  check "under Program Files" 'grep -qP "^INSTALLDIR\tProgramFiles64Folder\tguestprep" <<<"$dirs"'
  check "ProductVersion $version" 'grep -qP "^ProductVersion\t$version$" <<<"$props"'
  check "per-machine" 'grep -qP "^ALLUSERS\t1$" <<<"$props"'
  # Name, DisplayName, own process (16), manual start (3), normal errors (1), LocalSystem, the
  # arguments `daemon`, the component of guestprep.exe, a description.
  check "ServiceInstall: guestprep, own process, manual start, LocalSystem, 'daemon'" \
    'grep -qP "^\S+\tguestprep\tguestprep\t16\t3\t1\t\t\tLocalSystem\t\tdaemon\tProgram\tguestprep daemon: " <<<"$services"'
  # 162 = stop at install (0x2) and uninstall (0x20), delete at uninstall (0x80); never started
  # by the installer (the token file must exist first).
  check "ServiceControl: stopped and removed, never started" \
    'grep -qP "^\S+\tguestprep\t162\t\t1\tProgram$" <<<"$controls"'
  check "Event Log source: message table in guestprep.exe" \
    'has_value EventMessageFile "[INSTALLDIR]guestprep.exe" &&
     has_value CategoryMessageFile "[INSTALLDIR]guestprep.exe" &&
     has_value CategoryCount "#5" && has_value TypesSupported "#7"'
  check "default configuration shipped" 'grep -qP "\tguestprep.yaml.default\t" <<<"$files"'
  copy_seq=$(awk -F'\t' '$1 == "CopyDefaultConfig" {print $3}' <<<"$sequence")
  files_seq=$(awk -F'\t' '$1 == "InstallFiles" {print $3}' <<<"$sequence")
  final_seq=$(awk -F'\t' '$1 == "InstallFinalize" {print $3}' <<<"$sequence")
  check "the configuration is copied after InstallFiles, before InstallFinalize, only if absent" \
    '[ -n "$copy_seq" ] && ((files_seq < copy_seq && copy_seq < final_seq)) &&
     grep -qP "^CopyDefaultConfig\t\d+\tGUESTPREP_CMD\t/c if not exist " <<<"$actions"'
}

prefix=$(mktemp -d /tmp/guestprep-wine-XXXXXX)
events="$prefix/events.log"
cleanup() { WINEPREFIX=$prefix wineserver -k 2>/dev/null || true; rm -rf "$prefix"; }
trap cleanup EXIT
export WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wineboot --init >/dev/null 2>&1 || { echo "ERROR: wineboot failed" >&2; exit 1; }
win_msi=$(winepath -w "$msi")
install() { wine msiexec /i "$win_msi" /qn >/dev/null 2>&1 || { echo "FAIL: msiexec /i" >&2; exit 1; }; }
uninstall() { wine msiexec /x "$win_msi" /qn >/dev/null 2>&1 || { echo "FAIL: msiexec /x" >&2; exit 1; }; }
# `reg query` of one value: its data, empty when the key or value is missing.
reg_value() {
  wine reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' |
    awk -v name="$2" '$1 == name {sub(/^ *[^ ]+ +[^ ]+ +/, ""); print}'
}
service_key='HKLM\SYSTEM\CurrentControlSet\Services\guestprep'
source_reg='HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\guestprep'

install
installed="$prefix/drive_c/Program Files/guestprep"
data="$prefix/drive_c/ProgramData/guestprep"
check "installed files" '[ -f "$installed/guestprep.exe" ] && [ -f "$installed/policies/aliyun-ecs-windows.yaml" ]'
out=$(wine "C:\\Program Files\\guestprep\\guestprep.exe" --version 2>/dev/null | tr -d '\r') || true
check "--version under wine: '$out'" '[ "$out" = "guestprep $version" ]'
image=$(reg_value "$service_key" ImagePath)
check "service key: ImagePath '$image'" '[[ $image == *"C:\\Program Files\\guestprep\\guestprep.exe"*" daemon" ]]'
check "service key: manual start" '[ "$(reg_value "$service_key" Start)" = 0x3 ]'
check "service key: display name" '[ "$(reg_value "$service_key" DisplayName)" = guestprep ]'
check "event source: EventMessageFile" \
  '[ "$(reg_value "$source_reg" EventMessageFile)" = "C:\\Program Files\\guestprep\\guestprep.exe" ]'
check "default configuration installed in ProgramData" \
  'cmp -s "$data/guestprep.yaml" "$installed/guestprep.yaml.default"'

uninstall
check "uninstalled" '! [ -e "$installed/guestprep.exe" ]'
check "service key removed" '[ -z "$(reg_value "$service_key" ImagePath)" ]'
check "event source removed" '[ -z "$(reg_value "$source_reg" EventMessageFile)" ]'
check "configuration left in place" '[ -f "$data/guestprep.yaml" ]'

# An administrator's configuration, and the token file private to its owner (mode 0600: wine maps
# a file's DACL to its mode bits), on a free port.
token=0123456789abcdef0123456789abcdef-msi-test
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf '%s\n' "$token" > "$data/api.token"
chmod 0600 "$data/api.token"
printf '# mine\nlisten: 127.0.0.1:%s\ntoken_file: C:\\ProgramData\\guestprep\\api.token\n' "$port" \
  > "$data/guestprep.yaml"
cp "$data/guestprep.yaml" "$prefix/mine.yaml"
install
check "a reinstall keeps the administrator's configuration" 'cmp -s "$data/guestprep.yaml" "$prefix/mine.yaml"'

# The SCM starts the service; wine's services.exe (started again by the next wine command after
# wineserver -k) writes what ReportEventW receives to its stderr with +eventlog.
wineserver -k 2>/dev/null || true
WINEDEBUG=-all,+eventlog wine net start guestprep > "$events" 2>&1 || true
report=""
for _ in $(seq 1 300); do
  report=$(curl -s -m 10 -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/report" || true)
  [[ $report == *'"verdict"'* ]] && break
  sleep 0.5
done
check "the service answers /v1/report with the token" '[[ $report == *"\"aliyun-ecs-windows\""* ]]'
code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 "http://127.0.0.1:$port/v1/report" || true)
check "the service refuses a request without the token ($code)" '[ "$code" = 401 ]'
check "the service logs to the Event Log ('listening on' through ReportEventW)" \
  'grep -aq "ReportEventW.*guestprep $version daemon: listening on 127.0.0.1:$port" "$events"'
stopped=$(wine net stop guestprep 2>/dev/null | tr -d '\r') || true
check "net stop guestprep: '$stopped'" '[[ $stopped == *"stopped successfully"* ]]'
check "the service logged its stop" 'grep -aq "ReportEventW.*stopped" "$events"'
uninstall
check "uninstalled again, configuration still there" \
  '! [ -e "$installed/guestprep.exe" ] && cmp -s "$data/guestprep.yaml" "$prefix/mine.yaml"'

((fail == 0)) || { echo "--- services.exe's output:" >&2; cat "$events" >&2 2>/dev/null; exit 1; }
echo "msi: tables, install, service and Event Log, config kept, uninstall under wine: all checks passed"
