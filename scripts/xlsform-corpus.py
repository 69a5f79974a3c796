#!/usr/bin/env python3
"""Loads pyxform's own test forms into pyxform 4.5.0 and into Veldwerk, and compares what each makes of them.

For every form of the corpus (default Tests/Fixtures/xlsform-corpus/pyxform-4.5.0/tests, pyxform's own test
forms under their BSD licence; or $XLSFORM_CORPUS):
  - pyxform converts it (xls2xform.convert), or refuses it;
  - `veldwerk-server questionnaire check FILE --json` compiles it, or refuses it naming sheet, row, column
    and the reason. .xlsx files are given as they are; .xls, .md and pyxform's one-file .csv are first
    written to an .xlsx of the same name with pyxform's own readers (they are not formats users load into
    Veldwerk, but their forms are).
Then:
  - both accept: questions, types, groups and repeats, relevance, constraints, calculations, requirements,
    choices, and the behaviour columns pyxform carries (default, readonly, required message, parameters,
    trigger, repeat count, choice filter) must match;
  - pyxform accepts and Veldwerk refuses: the refusal must name the sheet, row and column;
  - pyxform refuses: Veldwerk must refuse too.
Prints one line per form and the counts; exits 1 on any mismatch, any form pyxform refuses that Veldwerk
accepts, and any refusal of a form pyxform accepts that does not name its cell.

Usage: scripts/xlsform-corpus.py [--veldwerk-server PATH] [--corpus DIR] [-v]
Needs pyxform 4.5.0 (scripts/setup.sh installs it) and a built veldwerk-server (swift build).
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")

try:
    import pyxform
    from pyxform.xls2xform import convert
    from pyxform import xls2json_backends as backends
    import openpyxl
    import xlrd
except ImportError as error:
    print(f"xlsform-corpus: pyxform 4.5.0 is not installed ({error}); run scripts/setup.sh", file=sys.stderr)
    sys.exit(2)

NOT_FORMS = {"fruits.csv", "get_path_relative_to_lcar_cases.csv"}


# ---------------------------------------------------------------- reading the corpus as Veldwerk users would


def xls_to_xlsx(source: Path, target: Path) -> None:
    """The old binary workbook, cell by cell, as pyxform reads its values (numbers and dates as text)."""
    book = xlrd.open_workbook(str(source))
    out = openpyxl.Workbook()
    out.remove(out.active)
    for sheet in book.sheets():
        ws = out.create_sheet(sheet.name)
        for r in range(sheet.nrows):
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                if cell.ctype == xlrd.XL_CELL_TEXT:
                    value = cell.value
                else:
                    try:
                        value = backends.xls_value_to_unicode(cell.value, cell.ctype, book.datemode)
                    except Exception:
                        value = str(cell.value)
                ws.cell(row=r + 1, column=c + 1, value=value)
    out.save(target)


def csv_to_xlsx(source: Path, target: Path) -> None:
    """pyxform's one-file CSV: a row whose first cell is a sheet name starts that sheet; its rows follow, shifted one cell."""
    out = openpyxl.Workbook()
    out.remove(out.active)
    ws = None
    with open(source, newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if not row:
                continue
            if row[0].strip():
                ws = out.create_sheet(row[0].strip())
                row = [""] + row[1:]
                if not any(cell.strip() for cell in row):
                    continue
            if ws is None or not any(cell.strip() for cell in row[1:]):
                continue
            ws.append([cell if cell != "" else None for cell in row[1:]])
    out.save(target)


def md_to_xlsx(source: Path, target: Path) -> None:
    backends.md_table_to_workbook(source.read_text(encoding="utf-8")).save(target)


def veldwerk_input(path: Path, folder: Path) -> Path:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return path
    target = folder / (path.stem + ".xlsx")
    {".xls": xls_to_xlsx, ".csv": csv_to_xlsx, ".md": md_to_xlsx}[suffix](path, target)
    return target


# ---------------------------------------------------------------- one shape for both compilers' output

TYPE_ALIASES = {
    "int": "integer", "string": "text", "dateTime": "datetime", "gps": "geopoint",
    "select one": "select_one", "select1": "select_one", "select all that apply": "select_multiple",
    "select one external": "select_one_external", "phone number": "phonenumber",
    "uri:deviceid": "deviceid", "select one from file": "select_one_from_file",
    "select all that apply from file": "select_multiple_from_file",
}
SELECTS = {"select_one", "select_multiple", "select_one_external", "select_one_from_file", "select_multiple_from_file", "rank"}


def squash(expression) -> str:
    """An expression without whitespace, for comparing the text both compilers keep; pyxform's own
    `../name` (in the question it adds for or_other) reads as `${name}`."""
    text = re.sub(r"\.\./([A-Za-z_][\w.-]*)", r"${\1}", expression or "")
    return re.sub(r"\s+", "", text)


def texts(value) -> list:
    """The non-empty texts of a label in any language, sorted (language names differ in spelling)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    return sorted(t.strip() for t in value.values() if isinstance(t, str) and t.strip())


def parameters(value) -> dict:
    """`start=1 end=5` (pyxform keeps the cell, or a dict) as a dict of texts."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    pairs = re.findall(r"([\w:-]+)\s*=\s*(\S+)", str(value or ""))
    return {k: v for k, v in pairs}


def truth(value) -> bool:
    return str(value or "").strip().lower() in ("yes", "true", "true()", "1", "y")


def pyxform_shape(data: dict) -> dict:
    choices = data.get("choices", {})
    elements = []

    def walk(node, path):
        for child in node.get("children", []):
            kind = child.get("type")
            bind = child.get("bind", {}) or {}
            control = child.get("control", {}) or {}
            name = child.get("name")
            if kind == "group" and name == "meta" and control.get("bodyless") and not path:
                continue  # pyxform's own meta/instanceID
            if kind in ("group", "repeat"):
                elements.append({
                    "element": kind, "name": name, "path": path, "label": texts(child.get("label")),
                    "relevant": squash(bind.get("relevant")), "repeat_count": squash(control.get("jr:count")),
                })
                walk(child, path + [name])
                continue
            base = TYPE_ALIASES.get(kind, kind)
            list_name = child.get("list_name") or child.get("itemset")
            if base in SELECTS and list_name:
                type_text = f"{base} {list_name}"
            else:
                type_text = base
            record = {
                "element": "question", "name": name, "type": type_text, "path": path,
                "label": texts(child.get("label")), "hint": texts(child.get("hint")),
                "relevant": squash(bind.get("relevant")), "constraint": squash(bind.get("constraint")),
                "calculation": squash(bind.get("calculate")), "required": truth(bind.get("required")),
                "constraint_message": texts(bind.get("jr:constraintMsg")),
                "choice_filter": squash(child.get("choice_filter")),
                "default": str(child.get("default") or ""),
                "readonly": truth(bind.get("readonly")),
                "required_message": texts(bind.get("jr:requiredMsg")),
                "parameters": parameters(child.get("parameters")),
                "trigger": str(child.get("trigger") or ""),
                "media": bool(child.get("media")),
            }
            if base in SELECTS and list_name in choices:
                record["choices"] = [(c.get("name"), texts(c.get("label"))) for c in choices[list_name]]
            elements.append(record)

    walk(data, [])
    return {"elements": elements}


def veldwerk_shape(form: dict) -> dict:
    groups = {g["name"]: g for g in form.get("groups", [])}

    def path_of(group_name):
        path = []
        while group_name:
            path.insert(0, group_name)
            group_name = groups[group_name].get("parent")
        return path

    def label_texts(text):
        return texts((text or {}).get("texts"))

    by_row = []
    for group in form.get("groups", []):
        by_row.append((group.get("row", 0), 0, {
            "element": "repeat" if group.get("isRepeat") else "group", "name": group["name"],
            "path": path_of(group.get("parent")), "label": label_texts(group.get("label")),
            "relevant": squash(group.get("relevant")), "repeat_count": squash(group.get("repeatCount")),
        }))
    for question in form.get("questions", []):
        type_text = question["type"]
        record = {
            "element": "question", "name": question["name"], "type": type_text,
            "path": path_of(question.get("group")),
            "label": label_texts(question.get("label")), "hint": label_texts(question.get("hint")),
            "relevant": squash(question.get("relevant")), "constraint": squash(question.get("constraint")),
            "calculation": squash(question.get("calculation")), "required": bool(question.get("required")),
            "constraint_message": label_texts(question.get("constraintMessage")),
            "choice_filter": squash(question.get("choiceFilter")),
            "default": str(question.get("defaultValue") or ""),
            "readonly": bool(question.get("readOnly")),
            "required_message": label_texts(question.get("requiredMessage")),
            "parameters": parameters(question.get("parameters")),
            "trigger": str(question.get("trigger") or ""),
            "media": False,
        }
        list_name = type_text.split(" ", 1)[1] if " " in type_text else None
        if list_name is not None and list_name in form.get("choiceLists", {}):
            record["choices"] = [(c["name"], label_texts(c.get("label"))) for c in form["choiceLists"][list_name]]
        by_row.append((question.get("row", 0), 1, record))
    by_row.sort(key=lambda item: (item[0], item[1]))
    return {"elements": [record for _, _, record in by_row]}


def differences(expected: dict, actual: dict) -> list:
    """What Veldwerk makes of the form differently from pyxform, as short lines."""
    result = []
    left, right = expected["elements"], actual["elements"]
    names_left = [(e["element"], e["name"]) for e in left]
    names_right = [(e["element"], e["name"]) for e in right]
    if names_left != names_right:
        missing = [n for n in names_left if n not in names_right]
        extra = [n for n in names_right if n not in names_left]
        result.append(f"elements differ: pyxform only {missing[:5]}, Veldwerk only {extra[:5]}"
                      if missing or extra else "elements are in another order")
        return result
    for a, b in zip(left, right):
        for key in a:
            if key in ("element", "name"):
                continue
            if a.get(key) != b.get(key):
                result.append(f"{a['element']} {a['name']}: {key} pyxform {a.get(key)!r}, Veldwerk {b.get(key)!r}")
    return result


# ---------------------------------------------------------------- running both


def run_pyxform(path: Path):
    try:
        return convert(str(path))._pyxform, None
    except Exception as error:  # pyxform raises several kinds; any means the form is refused
        return None, f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"


def run_veldwerk(server: str, path: Path):
    process = subprocess.run([server, "questionnaire", "check", str(path), "--json"], capture_output=True, text=True, timeout=60)
    try:
        document = json.loads(process.stdout) if process.stdout.strip() else None
    except json.JSONDecodeError:
        document = None
    if process.returncode == 0 and document is not None and "error" not in document:
        return document, None
    if document is not None and "error" in document:
        return None, document["error"]
    return None, {"sheet": None, "row": None, "column": None, "reason": (process.stderr or process.stdout).strip()[:300]}


def default_server() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        bin_path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=root, capture_output=True, text=True, timeout=120).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        bin_path = ""
    return str(Path(bin_path or root / ".build/debug") / "veldwerk-server")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--veldwerk-server", default=None)
    default_corpus = Path(__file__).resolve().parent.parent / "Tests/Fixtures/xlsform-corpus/pyxform-4.5.0/tests"
    parser.add_argument("--corpus", default=os.environ.get("XLSFORM_CORPUS", str(default_corpus)))
    parser.add_argument("-v", "--verbose", action="store_true", help="print every difference, not the first three")
    args = parser.parse_args()
    if pyxform.__version__ != "4.5.0":
        print(f"xlsform-corpus: pyxform {pyxform.__version__} is installed; the comparison is written for 4.5.0", file=sys.stderr)
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"xlsform-corpus: no corpus at {corpus}; set XLSFORM_CORPUS", file=sys.stderr)
        return 2
    server = args.veldwerk_server or default_server()
    if not os.access(server, os.X_OK):
        print(f"xlsform-corpus: {server} is not built; run swift build", file=sys.stderr)
        return 2

    forms = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in (".xlsx", ".xls", ".csv", ".md") and p.name not in NOT_FORMS)
    counts = {"match": 0, "refused naming the cell": 0, "refused by both": 0, "mismatch": 0,
              "refused without naming the cell": 0, "accepted but pyxform refuses": 0}
    with tempfile.TemporaryDirectory() as scratch:
        for index, path in enumerate(forms):
            name = str(path.relative_to(corpus))
            folder = Path(scratch) / str(index)
            folder.mkdir()
            expected, pyxform_error = run_pyxform(path)
            given = veldwerk_input(path, folder)
            form, refusal = run_veldwerk(server, given)
            if expected is None:
                outcome = "refused by both" if refusal else "accepted but pyxform refuses"
                detail = [f"pyxform: {pyxform_error}"]
            elif refusal is not None:
                named = refusal.get("sheet") and refusal.get("row") and refusal.get("column")
                outcome = "refused naming the cell" if named else "refused without naming the cell"
                place = f"{refusal.get('sheet')} row {refusal.get('row')} column {refusal.get('column')}".replace(str(given), given.name)
                detail = [f"{place}: {refusal.get('reason')}"]
            else:
                detail = differences(pyxform_shape(expected), veldwerk_shape(form))
                outcome = "mismatch" if detail else "match"
            counts[outcome] += 1
            print(f"{outcome:32} {name}")
            for line in detail if args.verbose else detail[:3]:
                print(f"{'':34}{line}")

    accepted = sum(counts[k] for k in ("match", "refused naming the cell", "mismatch", "refused without naming the cell"))
    print()
    print(f"{len(forms)} forms; pyxform accepts {accepted}: {counts['match']} match, "
          f"{counts['refused naming the cell']} refused naming the cell and feature, {counts['mismatch']} mismatch, "
          f"{counts['refused without naming the cell']} refused without naming the cell; "
          f"pyxform refuses {counts['refused by both'] + counts['accepted but pyxform refuses']}: "
          f"{counts['refused by both']} refused by Veldwerk too, {counts['accepted but pyxform refuses']} accepted by Veldwerk")
    bad = counts["mismatch"] + counts["refused without naming the cell"] + counts["accepted but pyxform refuses"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
