#!/usr/bin/env bash
# Runs the AFL++ fuzzers of a -DGUESTPREP_FUZZ=ON build one after another (see docs/fuzzing.md).
set -euo pipefail
usage() {
  echo "usage: $0 BUILD_DIR SECONDS [TARGET...]   (targets: the fuzz_* executables, default all)"
}
if [ $# -lt 2 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  usage
  exit 2
fi
build=$1
seconds=$2
shift 2
out=${GUESTPREP_FUZZ_OUT:-$build/fuzz-out}
if [ $# -eq 0 ]; then
  set -- $(cd "$build/fuzz" && ls fuzz_*.inputs | sed 's/^fuzz_//; s/\.inputs$//')
fi
command -v afl-fuzz >/dev/null || { echo "$0: afl-fuzz not found (apt-get install afl++)" >&2; exit 2; }

# afl-fuzz refuses a CPU governor it cannot see and a core_pattern that pipes to a program; on a
# shared machine neither is ours to change, and AFL++ catches crashes without core files.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1

status=0
for target in "$@"; do
  bin=$build/fuzz/fuzz_$target
  list=$build/fuzz/fuzz_$target.inputs
  [ -x "$bin" ] && [ -f "$list" ] || { echo "$0: no fuzzer $bin" >&2; exit 2; }
  # One flat input directory: the seeds and the corpus files of the target (not kept).
  in=$out/$target/in
  rm -rf "$in" && mkdir -p "$in"
  while IFS= read -r dir; do
    [ -n "$dir" ] || continue
    find "$dir" -type f ! -name PROVENANCE.md -size -1000k -print0 |
      while IFS= read -r -d '' f; do
        cp "$f" "$in/$(printf '%s' "${f#"$dir"/}" | tr '/' '_')"
      done
  done <"$list"
  echo "== $target: ${seconds}s from $(ls "$in" | wc -l) inputs"
  afl-fuzz -i "$in" -o "$out/$target" -V "$seconds" -t 2000 -- "$bin" >"$out/$target.log" 2>&1 ||
    { echo "afl-fuzz failed for $target, see $out/$target.log" >&2; status=1; continue; }
  crashes=$(find "$out/$target/default/crashes" -type f -name 'id:*' | wc -l)
  hangs=$(find "$out/$target/default/hangs" -type f -name 'id:*' | wc -l)
  # afl-fuzz skips, with a warning, inputs that already crash or hang before fuzzing starts.
  bad_inputs=$(grep -ac -e 'results in a crash, skipping' -e 'results in a timeout' \
    "$out/$target.log" || true)
  execs=$(sed -n 's/^execs_done *: //p' "$out/$target/default/fuzzer_stats")
  echo "   $execs executions, $crashes crashes, $hangs hangs (in $out/$target/default)," \
    "$bad_inputs inputs crashing or hanging already (see $out/$target.log)"
  [ "$crashes" -eq 0 ] && [ "$hangs" -eq 0 ] && [ "$bad_inputs" -eq 0 ] || status=1
done
exit $status
