#!/usr/bin/env bash
# SIGKILLs `veldwerk sync` at random points (default 100 rounds; ROUNDS=10 for a short run), then checks
# that no acknowledged change is missing, none is stored twice, and laptop and server converge.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .build/debug/veldwerk ] && [ -x .build/debug/veldwerk-server ] || swift build
exec python3 scripts/kill_test.py client --rounds "${ROUNDS:-100}" "$@"
