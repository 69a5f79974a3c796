#!/usr/bin/env python3
"""Reads a Veldwerk .sav export with pyreadstat and checks it against expectations.

Usage: scripts/check-sav.py FILE.sav [EXPECT.json]

Without EXPECT.json it prints what pyreadstat sees (variables, labels, missing values, rows).
EXPECT.json may hold:
  rows:            number of cases
  variableLabels:  {variable: label}
  valueLabels:     {variable: {code: label}}          (codes as strings, e.g. "1" or "-99")
  userMissing:     {variable: [values]}
  cells:           {interview_id: {variable: value}}  (numbers, strings, null for NaN,
                                                        {"missing": -98} for a user-missing code)
Exits 0 when everything matches, 1 with a list of differences otherwise, 3 when pyreadstat is missing.
Needs: pip install pyreadstat
"""
import json
import math
import sys

try:
    import pyreadstat
except ImportError:
    print("pyreadstat is not installed (pip install pyreadstat)", file=sys.stderr)
    sys.exit(3)


def same_number(a, b):
    return a is not None and b is not None and math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)


def is_empty(value):
    """Missing as pyreadstat gives it: None, NaN or an empty string."""
    return value is None or value == "" or (not isinstance(value, str) and math.isnan(float(value)))


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    # user_missing=True keeps -99/-98 as values and reports them; the default turns them into NaN.
    # output_format="dict" (columns as arrays) needs neither pandas nor polars.
    raw, meta = pyreadstat.read_sav(path, user_missing=True, output_format="dict")
    plain, _ = pyreadstat.read_sav(path, output_format="dict")
    rows = len(raw["interview_id"]) if "interview_id" in raw else 0
    if len(sys.argv) == 2:
        print(f"{rows} rows, {len(meta.column_names)} variables, encoding {meta.file_encoding}")
        for name, label in zip(meta.column_names, meta.column_labels):
            print(f"{name}: {label!r} missing={meta.missing_ranges.get(name)} labels={meta.variable_value_labels.get(name)}")
        return 0

    with open(sys.argv[2], encoding="utf-8") as handle:
        expect = json.load(handle)
    errors = []
    labels = dict(zip(meta.column_names, meta.column_labels))

    if "rows" in expect and rows != expect["rows"]:
        errors.append(f"rows: {rows} != {expect['rows']}")
    for name, label in expect.get("variableLabels", {}).items():
        if name not in labels:
            errors.append(f"variable {name} is missing")
        elif labels[name] != label:
            errors.append(f"label of {name}: {labels[name]!r} != {label!r}")
    for name, wanted in expect.get("valueLabels", {}).items():
        got = meta.variable_value_labels.get(name, {})
        for code, label in wanted.items():
            found = next((text for value, text in got.items() if same_number(value, float(code))), None)
            if found != label:
                errors.append(f"value label {name}={code}: {found!r} != {label!r}")
    for name, values in expect.get("userMissing", {}).items():
        # SPSS discrete user-missing values come back as ranges with lo == hi.
        got = sorted(float(r["lo"]) for r in meta.missing_ranges.get(name, []) if r["lo"] == r["hi"])
        if got != sorted(float(v) for v in values):
            errors.append(f"user-missing of {name}: {got} != {values}")
    ids = list(raw["interview_id"])
    for interview, cells in expect.get("cells", {}).items():
        if interview not in ids:
            errors.append(f"interview {interview} is missing")
            continue
        row = ids.index(interview)
        for name, wanted in cells.items():
            if name not in raw:
                errors.append(f"variable {name} is missing")
                continue
            got = raw[name][row]
            if isinstance(wanted, dict) and "missing" in wanted:
                if not same_number(got, wanted["missing"]):
                    errors.append(f"{interview} {name}: {got!r} != user-missing {wanted['missing']}")
                elif not is_empty(plain[name][row]):
                    errors.append(f"{interview} {name}: user-missing value not treated as missing: {plain[name][row]!r}")
            elif wanted is None:
                if not is_empty(got):
                    errors.append(f"{interview} {name}: {got!r} != empty")
            elif isinstance(wanted, (int, float)) and not isinstance(wanted, bool):
                if not same_number(got, wanted):
                    errors.append(f"{interview} {name}: {got!r} != {wanted!r}")
            else:
                text = got.isoformat() if hasattr(got, "isoformat") else got
                if text != wanted:
                    errors.append(f"{interview} {name}: {text!r} != {wanted!r}")
    if errors:
        print("\n".join(errors))
        return 1
    print(f"ok: {rows} rows, {len(meta.column_names)} variables")
    return 0


if __name__ == "__main__":
    sys.exit(main())
