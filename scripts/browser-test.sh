#!/usr/bin/env bash
# Checks the review page and the HTML report in a real browser: installs Debian's chromium
# and chromium-driver when missing and Selenium (from PyPI) in a virtual environment, writes
# the pages for the bundled example, a page with hostile transcripts and one for 10,000
# generated calls, then runs Tests/Browser/review_test.py against them. Screenshots are left
# in .build-browser/pages/ to look at.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null
fi
work=.build-browser
pages=$work/pages
mkdir -p "$pages"
if [ ! -x "$work/venv/bin/python" ]; then python3 -m venv "$work/venv"; fi
"$work/venv/bin/pip" install -q "selenium==4.27.1"
scripts/ensure-pcre2
swift build -c release --product verdict >/dev/null
verdict=$(swift build -c release --show-bin-path)/verdict

# The bundled example.
"$verdict" score --rules rules fixtures > "$pages/bundled.jsonl"
"$verdict" review --rules rules --conversations fixtures --output "$pages/bundled.html" -- "$pages/bundled.jsonl"
"$verdict" report --rules rules --format html --review bundled.html --output "$pages/report.html" "$pages/bundled.jsonl"

# compare: the bundled results against the same calls under a stricter booking rule, and the
# report's cohorts by channel.
rm -rf "$pages/strict-rules" && cp -r rules "$pages/strict-rules"
sed -i "s/within_turns: 2/within_turns: 0/" "$pages/strict-rules/booking.yaml"
"$verdict" score --rules "$pages/strict-rules" fixtures > "$pages/strict.jsonl"
"$verdict" compare --rules rules --format html --output "$pages/compare.html" "$pages/bundled.jsonl" "$pages/strict.jsonl"
"$verdict" compare --rules rules --format json --output "$pages/compare.json" "$pages/bundled.jsonl" "$pages/strict.jsonl"
"$verdict" report --rules rules --format html --by metadata.channel --output "$pages/cohorts.html" "$pages/bundled.jsonl"

# Transcripts with markup and script in every field people see.
cat > "$pages/hostile-rules.yaml" <<'YAML'
metrics:
  - name: Greeted
    type: boolean
    definition: The agent said hello.
    when: {agent: hello}
YAML
printf '%s\n' '{"id":"<img src=x onerror=alert(1)></script>","events":[{"type":"agent","text":"hello <b>hello</b> </script><script>window.pwned=1</script>"},{"type":"function","name":"<img src=x>","args":{"q":"</script>"}}]}' > "$pages/hostile-calls.jsonl"
"$verdict" score --rules "$pages/hostile-rules.yaml" "$pages/hostile-calls.jsonl" > "$pages/hostile.jsonl"
"$verdict" review --rules "$pages/hostile-rules.yaml" --conversations "$pages/hostile-calls.jsonl" --output "$pages/hostile.html" -- "$pages/hostile.jsonl"

# 10,000 generated calls under the benchmark's 60 metrics.
python3 bench/generate.py 10000 "$pages/calls.jsonl" --seed 11
"$verdict" score --rules bench/rules "$pages/calls.jsonl" > "$pages/generated.jsonl"
"$verdict" review --rules bench/rules --conversations "$pages/calls.jsonl" --output "$pages/generated.html" -- "$pages/generated.jsonl"

"$work/venv/bin/python" Tests/Browser/review_test.py "$verdict" "$pages"
