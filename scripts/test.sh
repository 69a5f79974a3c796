#!/usr/bin/env bash
# One command to run the whole test suite: installs what is missing, builds everything, runs the tests.
# Tests use their own temporary databases and free loopback ports, and clean up.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
if [ $# -eq 0 ]; then
  # A short run of the kill scripts (the full 100 rounds: ROUNDS=100 scripts/kill-client.sh).
  ROUNDS=5 scripts/kill-client.sh
  ROUNDS=5 scripts/kill-server.sh
  # A short schemathesis run against the OpenAPI document (a longer one: MAX_EXAMPLES=200 scripts/schemathesis.sh).
  MAX_EXAMPLES=25 scripts/schemathesis.sh
  # The nginx configuration of docs/DEPLOY.md in front of a real server, end to end over TLS.
  scripts/check-nginx.sh
  # pyxform's own test forms, loaded into pyxform 4.5.0 and into Veldwerk: each matches, or is refused naming its cell.
  python3 scripts/xlsform-corpus.py
  # The self-completion form in headless Chromium: two respondents along two skip paths, axe-core on every page.
  python3 scripts/web-form-check.py
fi
swift test --skip-build "$@"
