#!/usr/bin/env bash
# Checks `verdict schema` with Python's jsonschema (from PyPI, in a virtual environment): every
# bundled, example, benchmark and starter rule file validates, and so does every conformance
# case's rules that the loader accepts; every structurally wrong file in Tests/Schema/wrong/ is
# rejected, by the schema and by the loader.
set -euo pipefail
cd "$(dirname "$0")/.."
work=.build-schema
mkdir -p "$work"
if [ ! -x "$work/venv/bin/python" ]; then python3 -m venv "$work/venv"; fi
"$work/venv/bin/pip" install -q "jsonschema==4.23.0" "PyYAML==6.0.2"
scripts/ensure-pcre2
swift build --product verdict >/dev/null
verdict=$(swift build --show-bin-path)/verdict
"$verdict" schema --output "$work/verdict.schema.json"
rm -rf "$work/starter"
"$verdict" init "$work/starter" >/dev/null
cmp "$work/verdict.schema.json" "$work/starter/rules/verdict.schema.json"
head -1 "$work/starter/rules/refunds.yaml" | grep -qx '# yaml-language-server: $schema=verdict.schema.json'
for file in Tests/Schema/wrong/*.yaml; do
  if "$verdict" lint --rules "$file" >/dev/null 2>&1; then echo "FAIL the loader accepts $file"; exit 1; fi
done
accepted=()
for rules in $(find Tests/Conformance -name '*.yaml' | sort); do
  case_dir=$(dirname "$rules")
  if [ "$(cat "$case_dir/expected_exit" 2>/dev/null || echo 0)" != 2 ]; then accepted+=("$rules"); fi
done
"$work/venv/bin/python" Tests/Schema/schema_test.py "$work/verdict.schema.json" Tests/Schema/wrong \
  rules/*.yaml examples/sgd/rules/*.yaml bench/rules/*.yaml "$work/starter/rules/"*.yaml "${accepted[@]}"
