#!/usr/bin/env bash
# SIGKILLs veldwerk-server during pushes and restarts it on the same database (default 100 rounds;
# ROUNDS=10 for a short run), then checks that no acknowledged change is missing, none is stored
# twice, and laptop and server converge.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .build/debug/veldwerk ] && [ -x .build/debug/veldwerk-server ] || swift build
exec python3 scripts/kill_test.py server --rounds "${ROUNDS:-100}" "$@"
