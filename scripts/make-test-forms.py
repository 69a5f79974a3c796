#!/usr/bin/env python3
"""Writes the XLSForm workbooks the tests load (Tests/Fixtures/forms/*.xlsx) from the study's CSV sheets.

The valid workbook is the default study as a field team would author it in a spreadsheet; the broken
ones carry the mistakes field teams make. Run it again after changing the study's CSVs:
    pip install openpyxl && python3 scripts/make-test-forms.py
"""
import csv
import pathlib

import openpyxl

ROOT = pathlib.Path(__file__).resolve().parent.parent
STUDY = ROOT / "Sources/Shared/Resources/study"
OUT = ROOT / "Tests/Fixtures/forms"


def read(name):
    with open(STUDY / name, newline="", encoding="utf-8") as handle:
        return [row for row in csv.reader(handle)]


def write(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    survey, choices = read("survey.csv"), read("choices.csv")
    settings_v1 = read("settings.csv")
    version = settings_v1[0].index("version")

    def settings(number):
        row = list(settings_v1[1])
        row[version] = number
        return [settings_v1[0], row]
    write(OUT / "study-v1.xlsx", {"survey": survey, "choices": choices, "settings": settings_v1})

    # Version 2: one new question at the end of group f.
    v2 = [list(r) for r in survey]
    last_end = max(i for i, r in enumerate(v2) if r[0] == "end_group")
    v2.insert(last_end, ["text", "f_extra_opmerking", "Wil u nog iets toevoegen?", "Anything to add?", "", "no", "", "", ""])
    settings_v2 = settings("2")
    write(OUT / "study-v2.xlsx", {"survey": v2, "choices": choices, "settings": settings_v2})

    # Broken forms, each with one mistake; the tests expect the sheet, row and column named here.
    def broken(name, edit):
        rows = [list(r) for r in survey]
        chs = [list(r) for r in choices]
        edit(rows, chs)
        write(OUT / f"broken-{name}.xlsx", {"survey": rows, "choices": chs, "settings": settings_v1})

    broken("unknown-type", lambda s, c: s[3].__setitem__(0, "txt"))                       # row 4, column type
    broken("duplicate-name", lambda s, c: s[4].__setitem__(1, s[3][1]))                    # row 5, column name
    broken("unknown-reference", lambda s, c: s[5].__setitem__(6, "${a_dienstt} = 'andere'"))  # row 6, column relevant
    broken("missing-list", lambda s, c: s[2].__setitem__(0, "select_one modi"))            # row 3, column type
    broken("bad-expression", lambda s, c: s[6].__setitem__(7, ". >= 1 and and . <= 10"))   # row 7, column constraint

    # Type change between versions: a_aantal_respondenten becomes text in a "version 3".
    v3 = [list(r) for r in survey]
    v3[6][0] = "text"
    v3[6][7] = ""
    settings_v3 = settings("3")
    write(OUT / "type-change-v3.xlsx", {"survey": v3, "choices": choices, "settings": settings_v3})


if __name__ == "__main__":
    main()
