#!/usr/bin/env bash
# Checks that a guestprep binary is one static executable that runs with nothing from the host.
#
# Usage: check_static.sh elf BINARY
#        check_static.sh jail BINARY FIXTURE_ROOT [REFERENCE_BINARY]
#        check_static.sh debian-root BINARY DEBIAN_ROOT_PATH_FILE
# elf:         no PT_INTERP, no dynamic section (so no DT_NEEDED), `file` says statically linked,
#              and a PT_GNU_EH_FRAME for the unwinder.
# jail:        in new mount and pid namespaces, chroot into an empty directory holding only the
#              binary and a copy of FIXTURE_ROOT at /fixture; `--version` and `audit --root
#              /fixture --format json` must work, and the audit must agree with REFERENCE_BINARY's
#              (the dynamic build) on the same root.
# debian-root: the binary, bind-mounted into the cached debootstrapped Debian root inside a private
#              mount namespace (the root itself is not changed), audits `/` there (chroot).
# Any check that cannot run is a failure with the reason: nothing here is skipped.
set -euo pipefail

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
need() {
  command -v "$1" >/dev/null || fail "$1 is not installed ($2)"
}

mode="${1:-}"
bin="${2:-}"
[ -n "$mode" ] && [ -n "$bin" ] || fail "usage: $0 elf|jail|debian-root BINARY [ARGS]"
[ -x "$bin" ] || fail "$bin is not an executable file"

# summarize [ROOT]: the audit report's parts that do not depend on where it ran, one line per
# finding; ROOT (the --root path) is written as <root> in messages.
summarize() {
  python3 -c '
import json, sys
root = sys.argv[1] if len(sys.argv) > 1 else None
d = json.load(sys.stdin)
assert d["tool"]["name"] == "guestprep", d["tool"]
print("os", d["host"]["os"], "|", d["host"]["hostname"])
print("verdict", d["verdict"]["ready"], d["counts"])
for f in d["findings"]:
    message = f["message"].replace(root, "<root>") if root else f["message"]
    print(f["rule_id"], f["status"], message)
' "$@"
}

case "$mode" in
  elf)
    need readelf binutils
    need file file
    headers="$(readelf -lW "$bin")" || fail "readelf -l $bin failed"
    if grep -q 'INTERP' <<<"$headers"; then
      fail "$bin has a PT_INTERP (it needs a dynamic loader): $(grep -A1 INTERP <<<"$headers")"
    fi
    # Without .eh_frame_hdr the first exception sorts every unwind entry (cmake/static_prefix.cmake).
    grep -q 'GNU_EH_FRAME' <<<"$headers" ||
      fail "$bin has no PT_GNU_EH_FRAME (.eh_frame_hdr): link it with -Wl,--eh-frame-hdr"
    dynamic="$(readelf -dW "$bin")" || fail "readelf -d $bin failed"
    if grep -q '(NEEDED)' <<<"$dynamic"; then
      fail "$bin needs shared libraries: $(grep '(NEEDED)' <<<"$dynamic" | tr -s ' ')"
    fi
    grep -q 'There is no dynamic section' <<<"$dynamic" ||
      fail "$bin has a dynamic section: $(head -n 5 <<<"$dynamic")"
    what="$(file -b "$bin")"
    grep -q 'statically linked' <<<"$what" || fail "file says: $what"
    echo "ok: $bin: no PT_INTERP, no dynamic section; file: $what"
    ;;

  jail)
    fixture="${3:-}"
    reference="${4:-}"
    [ -d "$fixture/etc" ] || fail "fixture root $fixture has no etc/"
    fixture="$(realpath "$fixture")"
    need unshare util-linux
    need python3 python3
    jail="$(mktemp -d)"
    trap 'rm -rf "$jail"' EXIT
    install -m 0755 "$bin" "$jail/guestprep"
    cp -a "$fixture" "$jail/fixture"
    # Nothing else in the jail: no /lib, no /etc, no /proc, no /dev, no /tmp.
    version="$(unshare --mount --pid --fork chroot "$jail" /guestprep --version 2>&1)" ||
      fail "guestprep --version in the empty chroot: $version"
    [[ "$version" =~ ^guestprep\ [0-9]+\.[0-9]+\.[0-9]+ ]] ||
      fail "guestprep --version printed '$version'"
    status=0
    unshare --mount --pid --fork chroot "$jail" /guestprep audit --root /fixture --format json \
      > "$jail/report.json" 2> "$jail/stderr" || status=$?
    [ "$status" -le 1 ] ||
      fail "audit --root /fixture in the empty chroot exited $status: $(cat "$jail/stderr")"
    static_summary="$(summarize /fixture < "$jail/report.json")" ||
      fail "audit --root /fixture printed no valid report: $(head -c 600 "$jail/report.json")"
    grep -q '^[a-z0-9-]\+ ' <<<"$(tail -n +3 <<<"$static_summary")" ||
      fail "the report has no findings: $static_summary"
    if [ -n "$reference" ]; then
      ref_status=0
      "$reference" audit --root "$fixture" --format json > "$jail/ref.json" 2> "$jail/ref.stderr" ||
        ref_status=$?
      [ "$ref_status" -le 1 ] || fail "the reference $reference exited $ref_status"
      ref_summary="$(summarize "$fixture" < "$jail/ref.json")" ||
        fail "the reference printed no valid report"
      [ "$status" = "$ref_status" ] ||
        fail "static audit exited $status, the dynamic build $ref_status"
      if [ "$static_summary" != "$ref_summary" ]; then
        diff <(echo "$ref_summary") <(echo "$static_summary") >&2 || true
        fail "the static binary's audit differs from the dynamic build's (diff above)"
      fi
    fi
    echo "ok: $version in an empty chroot; audit of $(head -n1 <<<"$static_summary") exit $status"
    echo "$static_summary"
    ;;

  debian-root)
    path_file="${3:-}"
    [ -f "$path_file" ] || fail "no $path_file: the debian_root_build test did not run"
    root="$(cat "$path_file")"
    [ -f "$root/etc/debian_version" ] || fail "$root is not a Debian root"
    need unshare util-linux
    need python3 python3
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
    install -m 0755 "$bin" "$out/guestprep"
    # The mounts exist only in the new namespace: the cached root on disk is not changed.
    status=0
    unshare --mount --propagation private --pid --fork sh -c '
      root="$1"; out="$2"
      # Exit 10: the chroot could not be set up (the audit exits 0 to 3).
      mount -t tmpfs -o size=1g guestprep-static "$root/mnt" || exit 10
      cp "$out/guestprep" "$root/mnt/guestprep" || exit 10
      mount -t proc proc "$root/proc" || exit 10
      exec chroot "$root" /mnt/guestprep audit --format json
    ' sh "$root" "$out" > "$out/report.json" 2> "$out/stderr" || status=$?
    [ "$status" -le 1 ] ||
      fail "audit of / in the Debian root exited $status: $(cat "$out/stderr")"
    summary="$(summarize < "$out/report.json")" ||
      fail "no valid report from the audit in the Debian root: $(head -c 600 "$out/report.json")" \
        "$(head -c 600 "$out/stderr")"
    grep -q '^os Debian GNU/Linux 12' <<<"$summary" ||
      fail "the audit did not see the Debian root: $(head -n1 <<<"$summary")"
    echo "ok: audit of / in the chroot, exit $status"
    echo "$summary"
    ;;

  *)
    fail "unknown mode '$mode' (elf, jail or debian-root)"
    ;;
esac
