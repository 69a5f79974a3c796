#!/usr/bin/env bash
# One command to run the whole test suite: installs what is missing, builds everything, runs the tests.
# Tests use their own temporary databases and free loopback ports, and clean up.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
