#!/usr/bin/env bash
# Three veldwerk-server nodes on one PostgreSQL database behind nginx; laptops sync through it while a
# random node is SIGKILLed in the middle of pushes each round and restarted (default 20 rounds;
# ROUNDS=5 for a short run). Checks that every acknowledged change is stored once, every laptop
# converges with the server, and the dashboards' figures (/v1/progress) agree on every node.
# Uses VELDWERK_TEST_POSTGRES_URL (a cluster URL from scripts/postgres.sh) or starts a cluster of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .build/debug/veldwerk ] && [ -x .build/debug/veldwerk-server ] || swift build
url="${VELDWERK_TEST_POSTGRES_URL:-}"
if [ -z "$url" ]; then
  pgdir="/tmp/veldwerk-kill-nodes-pg-$$"
  trap 'scripts/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true' EXIT
  url=$(scripts/postgres.sh start "$pgdir")
fi
python3 scripts/kill_test.py nodes --postgres "$url" --rounds "${ROUNDS:-20}" "$@"
