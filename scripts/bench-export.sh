#!/usr/bin/env bash
# Export benchmark: time and peak memory of each export format against a reference measured in the
# same run (a raw GRDB scan of the same field_state rows in one read transaction, same binary, same
# start-up). Usage: scripts/bench-export.sh [COUNT] [DATA_DIR]
# Builds the release server, generates COUNT interviews (default 100000) into DATA_DIR once, then
# prints one line per format: seconds, peak RSS, and both as ratios to the reference.
set -euo pipefail
count=${1:-100000}
data=${2:-/tmp/veldwerk-export-bench}
cd "$(dirname "$0")/.."
swift build -c release --product veldwerk-server >/dev/null
server=.build/release/veldwerk-server
if [ ! -f "$data/veldwerk.sqlite" ]; then
  "$server" generate-interviews --count "$count" --seed 2024 --data "$data" >/dev/null
fi
measure() { # prints "seconds kilobytes"
  /usr/bin/time -f "%e %M" -o /tmp/veldwerk-bench-time "$@" >/dev/null 2>&1
  cat /tmp/veldwerk-bench-time
}
read -r ref_s ref_kb < <(measure "$server" export --reference-scan --format csv --out /dev/null --data "$data")
row() { awk -v f="$1" -v s="$2" -v kb="$3" -v rs="$ref_s" -v rkb="$ref_kb" \
  'BEGIN { printf "%-14s %8.2f %10.1f %8.2f %8.2f\n", f, s, kb / 1024, s / rs, kb / rkb }'; }
printf "%-14s %8s %10s %8s %8s\n" format seconds "peak MB" "x time" "x RSS"
row reference "$ref_s" "$ref_kb"
for format in csv csv-long jsonl sav quotes; do
  read -r s kb < <(measure "$server" export --format "$format" --state all --out "$data/export.$format" --data "$data")
  row "$format" "$s" "$kb"
done
ls -l "$data"/export.* | awk '{print $5, $9}'
