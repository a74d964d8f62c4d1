#!/usr/bin/env bash
# guestprep(8) renders without a groff warning, documents the exit codes, and the README's
# command reference and exit codes are the man page source's, line for line.
# Usage: manpage_test.sh GEN_MANPAGE.py MAN_SOURCE.md README.md
set -euo pipefail
gen=$1
src=$2
readme=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$gen" "$src" --version 0.0.0-test -o "$work/guestprep.8"
warnings=$(groff -ww -man -z "$work/guestprep.8" 2>&1)
[[ -z $warnings ]] || { echo "FAIL: groff -ww warns:"; echo "$warnings"; exit 1; }
text=$(MANWIDTH=100 man -l "$work/guestprep.8" 2>"$work/man.err")
[[ ! -s $work/man.err ]] || { echo "FAIL: man -l warns:"; cat "$work/man.err"; exit 1; }
exit_status=$(sed -n '/^EXIT STATUS/,/^[A-Z]/p' <<<"$text")
for code in 0 1 2 3; do
  grep -qE "^ +$code +[a-z]" <<<"$exit_status" || { echo "FAIL: exit code $code undocumented"; exit 1; }
done
for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" FILES; do
  grep -qx "$section" <<<"$text" || { echo "FAIL: no $section section"; exit 1; }
done
python3 "$gen" "$src" --check-readme "$readme"
echo "guestprep(8): $(wc -l <<<"$text") lines, no warnings"
