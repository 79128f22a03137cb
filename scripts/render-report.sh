#!/usr/bin/env bash
# Renders an HTML report in headless Chromium and saves a full-page screenshot, to check by
# eye that the charts are readable:
#   scripts/render-report.sh REPORT.html [OUT.png] [WIDTH]
# Needs Chromium (Debian: apt-get install -y chromium).
set -euo pipefail
report=${1:?usage: scripts/render-report.sh REPORT.html [OUT.png] [WIDTH]}
out=${2:-${report%.html}.png}
width=${3:-1280}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "render-report.sh: Chromium not found (apt-get install -y chromium)" >&2; exit 2; }
# The page's height: long reports need a tall window for one full-page screenshot.
height=$(( $(grep -o '<svg' "$report" | wc -l) * 260 + 1200 ))
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files \
  --window-size="$width,$height" --screenshot="$out" "file://$(realpath "$report")" 2>/dev/null
echo "$out"
