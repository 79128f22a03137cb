#!/usr/bin/env bash
# Runs the test suite under the sanitizers, each in its own build folder:
#   scripts/sanitize.sh [thread|address]...   (both when none is named)
# thread:  the parallel scorer in-process and through the command line (TSan);
# address: the whole suite (ASan).
# Each prints how long it took; a report from either fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-pcre2
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(thread address)
for kind in "${kinds[@]}"; do
  start=$(date +%s)
  case "$kind" in
    thread)
      TSAN_OPTIONS="halt_on_error=1" swift test --scratch-path .build-tsan --sanitize=thread \
        --filter 'ScorerTests|CLITests|HostileOutputTests' ;;
    address)
      # Leak checking is off: Swift keeps some references with tag bits that LeakSanitizer
      # cannot follow, so it reports live objects. Foundation's own overflow is suppressed.
      ASAN_OPTIONS="detect_leaks=0:suppressions=$PWD/scripts/asan.supp" swift test --scratch-path .build-asan --sanitize=address ;;
    *) echo "sanitize.sh: unknown sanitizer '$kind' (thread or address)" >&2; exit 2 ;;
  esac
  echo "sanitize.sh: $kind clean in $(( $(date +%s) - start )) s"
done
