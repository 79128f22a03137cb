#!/usr/bin/env bash
# Downloads the dev split of the Schema-Guided Dialogue dataset (SGD, by Google Research,
# licensed CC BY-SA 4.0) from its public repository into DEST (default: data/sgd-dev), with
# its licence, for the README's "Try it on real data":
#
#   scripts/get-sgd.sh && verdict score --rules examples/sgd/rules --from sgd data/sgd-dev
#
# SGD_BASE fetches from elsewhere (a mirror, or a file:// copy); SGD_FILES names the dialogue
# files to fetch (default: the dev split's 001 to 020).
set -euo pipefail
dest=${1:-data/sgd-dev}
base=${SGD_BASE:-https://raw.githubusercontent.com/google-research-datasets/dstc8-schema-guided-dialogue/master}
files=${SGD_FILES:-$(seq -f '%03g' 1 20)}
if ! command -v curl >/dev/null; then echo "get-sgd: curl is needed" >&2; exit 1; fi
mkdir -p "$dest"
fetch() {
  # A temporary name, then a rename: an interrupted download leaves no half file.
  curl -fsSL --retry 2 "$base/$1" -o "$dest/.$2.part" || { rm -f "$dest/.$2.part"; echo "get-sgd: cannot fetch $base/$1" >&2; exit 1; }
  mv -f "$dest/.$2.part" "$dest/$2"
}
fetch LICENSE.txt LICENSE.txt
count=0
for n in $files; do
  fetch "dev/dialogues_$n.json" "dialogues_$n.json"
  count=$((count + 1))
done
cat > "$dest/README.md" <<TEXT
The dev split of the Schema-Guided Dialogue dataset by Google Research
(github.com/google-research-datasets/dstc8-schema-guided-dialogue), fetched by
scripts/get-sgd.sh. Licensed under CC BY-SA 4.0: see LICENSE.txt.
TEXT
echo "get-sgd: $count dialogue files and the licence (CC BY-SA 4.0) in $dest"
