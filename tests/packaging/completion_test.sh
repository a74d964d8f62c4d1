#!/usr/bin/env bash
# Checks the bash completion against the real CLI: every command path and option that
# `guestprep ... --help` lists is completed, nothing else is, and completion works in bash.
# Usage: completion_test.sh GUESTPREP_BINARY COMPLETION_FILE
set -uo pipefail
export LC_ALL=C
bin=$1
completion=$2
fail=0
err() { echo "FAIL: $*" >&2; fail=1; }
flat() { tr -s '\n' ' ' <<<"$1" | sed 's/ $//'; }

# shellcheck source=/dev/null
source "$completion" || { echo "FAIL: cannot source $completion" >&2; exit 1; }

# The options and subcommands one command path's CLI11 help lists.
help_section() {  # PATH SECTION -> the first word of each entry, sorted
  # shellcheck disable=SC2086
  "$bin" ${1#guestprep} --help 2>&1 | awk -v sec="$2:" '
    /^[A-Z][a-z]*:/ { on = ($1 == sec); next }
    on && /^  [^ ]/ { print $1 }' | tr ',' '\n' | sort -u
}

declare -A seen=()
walk() {  # PATH
  local path=$1 want got sub
  seen[$path]=1
  want=$(help_section "$path" Options)
  if [[ -z $want ]]; then
    err "'$path --help' lists no options (is the binary broken?)"
    return
  fi
  got=$(tr -s ' \n' '\n' <<<"${_guestprep_options[$path]-}" | sed '/^$/d' | sort -u)
  [[ $want == "$got" ]] ||
    err "options of '$path': CLI has [$(flat "$want")], completion has [$(flat "$got")]"
  want=$(help_section "$path" Subcommands)
  got=$(tr -s ' ' '\n' <<<"${_guestprep_subcommands[$path]-}" | sed '/^$/d' | sort -u)
  [[ $want == "$got" ]] ||
    err "subcommands of '$path': CLI has [$(flat "$want")], completion has [$(flat "$got")]"
  for sub in $want; do walk "$path $sub"; done
}
walk guestprep
for path in "${!_guestprep_options[@]}"; do
  [[ -n ${seen[$path]-} ]] || err "completion knows '$path', which the CLI does not have"
done

# Completion as bash runs it: COMP_WORDS with the cursor on the last word.
complete_line() {  # WORDS... -> the candidates, one a line, sorted
  COMP_WORDS=("$bin" "$@")
  COMP_CWORD=$#
  COMPREPLY=()
  _guestprep
  printf '%s\n' "${COMPREPLY[@]}" | sort
}
expect() {  # EXPECTED -- WORDS...
  local want=$1 got
  shift 2
  got=$(complete_line "$@" | tr '\n' ' ' | sed 's/ $//')
  [[ $got == "$want" ]] || err "completing '$*': want [$want], got [$got]"
}
expect "audit" -- au
expect "facts fix" -- f
expect "--facts --fail-on --format" -- audit --f
expect "json text" -- audit --root /mnt --format ""
expect "fail warn" -- audit --fail-on ""
expect "list show validate" -- policy ""
expect "check" -- image ""
expect "--dry-run" -- fix --policy aliyun-ecs-linux --dr
expect "--root" -- journal show --ro
policies=$(complete_line policy show "")
grep -qx aliyun-ecs-linux <<<"$policies" ||
  err "completing 'policy show': no aliyun-ecs-linux in [$(flat "$policies")]"

if ((fail)); then exit 1; fi
echo "completion matches the CLI: ${#seen[@]} command paths"
