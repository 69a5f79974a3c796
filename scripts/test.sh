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
if [ $# -eq 0 ]; then
  # The same store and end-to-end suites again on PostgreSQL: a throw-away cluster on a free loopback
  # port, run by an unprivileged user, stopped and removed however the run ends.
  pgdir="/tmp/veldwerk-test-pg-$$"
  trap 'scripts/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true' EXIT
  url=$(scripts/postgres.sh start "$pgdir")
  # At most a few tests at once: each holds PostgreSQL connections and round trips of its own, and on two
  # cores dozens at once would only make every push wait (the test binary takes the width; swift test does not).
  VELDWERK_TEST_POSTGRES_URL="$url" .build/debug/veldwerkPackageTests.xctest --testing-library swift-testing \
    --filter 'ServerTests|EndToEndTests' --experimental-maximum-parallelization-width "${PG_TEST_WIDTH:-6}"
  # The kill scripts on PostgreSQL: one server SIGKILLed mid-push, then three nodes behind nginx with one killed.
  ROUNDS=5 scripts/kill-client.sh --postgres "$url"
  ROUNDS=5 scripts/kill-server.sh --postgres "$url"
  ROUNDS=5 VELDWERK_TEST_POSTGRES_URL="$url" scripts/kill-nodes.sh
fi
