#!/usr/bin/env bash
# Reads an `--excel nl` CSV export back the way a Dutch-language spreadsheet does: LibreOffice Calc,
# headless, importing with the nl-BE locale (semicolon, UTF-8), then lists each column's cell types.
# Numbers must come back as numbers and started_at/completed_at as dates.
#   scripts/check-excel-nl.sh [FILE.csv]     (without a file: a fresh export of 20 generated interviews)
# Needs LibreOffice Calc (apt-get install libreoffice-calc-nogui) and openpyxl (pip install openpyxl);
# installs them when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v soffice >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null; }
python3 -c "import openpyxl" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore openpyxl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
file=${1:-}
if [ -z "$file" ]; then
  swift build --product veldwerk-server >/dev/null
  .build/debug/veldwerk-server generate-interviews --count 20 --data "$work/data" >/dev/null 2>&1
  .build/debug/veldwerk-server export --format csv --excel nl --out "$work/export.csv" --data "$work/data" >/dev/null
  file="$work/export.csv"
fi
cp "$file" "$work/in.csv"
# CSV import options: separator 59 (;), quote 34 ("), charset 76 (UTF-8), from line 1, language 2067 (nl-BE).
soffice --headless -env:UserInstallation="file://$work/profile" --infilter="CSV:59,34,76,1,,2067" --convert-to xlsx --outdir "$work" "$work/in.csv" >/dev/null 2>&1
python3 - "$work/in.xlsx" <<'PY'
import sys, datetime, openpyxl
sheet = openpyxl.load_workbook(sys.argv[1]).active
header = [cell.value for cell in sheet[1]]
rows = list(sheet.iter_rows(min_row=2, values_only=True))
problems = []
for index, name in enumerate(header):
    kinds = {type(row[index]).__name__ for row in rows if row[index] not in (None, "")}
    print(f"{name:32} {', '.join(sorted(kinds)) or '(empty)'}")
    if name in ("started_at", "completed_at") and kinds - {"datetime"}:
        problems.append(f"{name} is not read as a date: {kinds}")
    if name in ("a_aantal_respondenten", "c_vte", "c_schepenen") and kinds - {"int", "float"}:
        problems.append(f"{name} is not read as a number: {kinds}")
if problems:
    print("\n".join(problems)); sys.exit(1)
print(f"{len(rows)} rows: numbers are numbers and times are dates in LibreOffice Calc (nl-BE).")
PY
