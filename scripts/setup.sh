#!/usr/bin/env bash
# Installs what Veldwerk needs on a Debian machine (run as root or with sudo): the C libraries the
# server and client link, and the Python tools some tests use. Safe to run again.
set -euo pipefail

need_apt=()
# openssl and curl: the TLS end-to-end tests make a certificate with openssl and read headers with curl.
# chromium and chromium-driver: scripts/web-form-check.py fills the self-completion form in a real browser.
# postgresql: the second engine; scripts/postgres.sh runs a throw-away cluster of it for the tests.
# wrk: the load generator `veldwerk-bench replay` drives the server with.
for pkg in libsqlite3-dev libcurl4-openssl-dev libedit-dev zlib1g-dev pkg-config openssl curl chromium chromium-driver postgresql wrk; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
  # Debian's postgresql starts a cluster of its own on port 5432; Veldwerk's tests run theirs (scripts/postgres.sh).
  case " ${need_apt[*]} " in *" postgresql "*) $SUDO service postgresql stop >/dev/null 2>&1 || true ;; esac
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: Swift 6.1 or newer is needed (swift.org/install); it is not on PATH." >&2
  exit 1
fi

# Python tools some tests and scripts use: pyreadstat reads the SPSS export back as SPSS would,
# pexpect drives the CLI in a pseudo-terminal, schemathesis fuzzes the API. Installed from PyPI when missing.
if command -v python3 >/dev/null 2>&1; then
  # selenium and axe_selenium_python drive Chromium and check its pages with axe-core (scripts/web-form-check.py).
  for module in pyreadstat pexpect selenium axe_selenium_python; do
    if ! python3 -c "import $module" >/dev/null 2>&1; then
      echo "setup: pip install $module"
      python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "${module//_/-}" >/dev/null 2>&1 \
        || echo "setup: could not install $module; the tests that need it will say they were skipped" >&2
    fi
  done
  # pyxform 4.5.0, the XLSForm reference converter: scripts/xlsform-corpus.py compares Veldwerk's compiler with it.
  if ! python3 -c 'import pyxform, sys; sys.exit(0 if pyxform.__version__ == "4.5.0" else 1)' >/dev/null 2>&1; then
    echo "setup: pip install pyxform==4.5.0"
    python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "pyxform==4.5.0" >/dev/null 2>&1 \
      || echo "setup: could not install pyxform; scripts/xlsform-corpus.py will say so" >&2
  fi
  # schemathesis fuzzes the HTTP API against its OpenAPI document (scripts/schemathesis.sh), with the 4.x command line.
  if ! python3 -c 'import schemathesis, sys; sys.exit(0 if schemathesis.__version__.startswith("4.") else 1)' >/dev/null 2>&1; then
    echo "setup: pip install schemathesis 4"
    python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "schemathesis>=4,<5" >/dev/null 2>&1 \
      || echo "setup: could not install schemathesis; scripts/schemathesis.sh will say so" >&2
  fi
fi
