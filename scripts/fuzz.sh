#!/usr/bin/env bash
# Runs one libFuzzer target for a number of seconds:
#   scripts/fuzz.sh conversation|rules|score SECONDS [extra libFuzzer options]
# The target is built with libFuzzer and AddressSanitizer instrumentation. Its corpus starts
# from the bundled fixtures and rules and from the conformance cases (Tests/Conformance or
# $VERDICT_CONFORMANCE) and grows in fuzz/corpus/TARGET; a crash, leak or hang is written to
# fuzz/findings/TARGET and makes the script exit non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-}
seconds=${2:-}
case "$target" in
  conversation) product=FuzzConversation ;;
  rules) product=FuzzRules ;;
  score) product=FuzzScore ;;
  *) echo "usage: scripts/fuzz.sh conversation|rules|score SECONDS [libFuzzer options]" >&2; exit 2 ;;
esac
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
  echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2
fi
shift 2

scripts/ensure-pcre2
flags=(-c debug -Xswiftc -sanitize=fuzzer,address)
# SwiftPM keeps the file list of a path dependency until the manifest changes: make it look
# again, so that files added to Verdict since the last fuzz build are seen.
touch fuzz/Package.swift
swift build --package-path fuzz "${flags[@]}" --product "$product" 2>&1 | grep -v "Cannot export local symbol" >&2 || true
bin_dir=$(swift build --package-path fuzz "${flags[@]}" --show-bin-path)
binary=fuzz/.build/fuzz-$target
# libFuzzer brings its own main(); the library only defines LLVMFuzzerTestOneInput.
swiftc -sanitize=fuzzer,address "$bin_dir/lib$product.a" $(pkg-config --libs libpcre2-8) -o "$binary" 2>&1 \
  | grep -v "Cannot export local symbol" >&2 || true
[ -x "$binary" ] || { echo "fuzz.sh: could not link $binary" >&2; exit 1; }

corpus=fuzz/corpus/$target
findings=fuzz/findings/$target
mkdir -p "$corpus" "$findings"
conformance=${VERDICT_CONFORMANCE:-Tests/Conformance}
seed() {  # seed FILE: copy one seed into the corpus under a content-derived name
  local name
  name=$(sha1sum "$1" | cut -c1-16)
  [ -e "$corpus/seed-$name" ] || cp "$1" "$corpus/seed-$name"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case "$target" in
  conversation|score)
    for f in fixtures/*.json; do seed "$f"; done
    if [ -d "$conformance" ]; then
      n=0
      while IFS= read -r file; do
        while IFS= read -r line; do
          n=$((n + 1)); printf '%s' "$line" > "$tmp/line-$n"; seed "$tmp/line-$n"
        done < "$file"
      done < <(find "$conformance" -name conversations.jsonl | sort)
    fi ;;
  rules)
    for f in rules/*.yaml; do seed "$f"; done
    if [ -d "$conformance" ]; then
      while IFS= read -r f; do seed "$f"; done < <(find "$conformance" \( -name '*.yaml' -o -name '*.yml' \) | sort)
    fi ;;
esac

echo "fuzz.sh: $target for ${seconds}s, corpus $(ls "$corpus" | wc -l) files" >&2
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0"
"$binary" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix="$findings/" -print_final_stats=1 "$@"
