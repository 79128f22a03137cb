"""Checks `verdict schema` with Python's jsonschema, as an editor would use it.

Arguments: the schema file, then the folder of structurally wrong files, then every rule
file that must pass. Every rule file named must validate; every file in the wrong folder
must be rejected (its first line says why it is wrong).
"""
import json
import sys
from pathlib import Path

import jsonschema
import yaml

schema = json.loads(Path(sys.argv[1]).read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failures = 0
good = [Path(p) for p in sys.argv[3:]]
for path in good:
    document = yaml.safe_load(path.read_text())
    errors = list(validator.iter_errors(document if document is not None else {}))
    if errors:
        failures += 1
        print(f"FAIL {path}: rejected: {errors[0].message} at {list(errors[0].absolute_path)}")
wrong = sorted(Path(sys.argv[2]).glob("*.yaml"))
for path in wrong:
    document = yaml.safe_load(path.read_text())
    if validator.is_valid(document):
        failures += 1
        print(f"FAIL {path}: accepted, but {path.read_text().splitlines()[0]}")
print(f"{len(good)} rule files valid, {len(wrong)} wrong files rejected, {failures} failure(s)")
sys.exit(1 if failures else 0)
