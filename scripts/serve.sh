#!/usr/bin/env bash
# One command from a fresh clone to a running server: installs system packages, builds, and starts
# `veldwerk-server serve` on an embedded SQLite database (./data) with the default study loaded.
# Extra arguments go to `serve`, e.g. scripts/serve.sh --port 9090 --host 0.0.0.0
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --product veldwerk-server
swift build --product veldwerk
exec .build/debug/veldwerk-server serve "$@"
