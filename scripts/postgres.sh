#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for Veldwerk's tests: Debian's postgresql packages (installed when
# missing), a cluster in a folder of its own, owned by an unprivileged user, listening on a free
# loopback port only, trusting local connections (nothing else can reach it).
#
#   scripts/postgres.sh start DIR   makes and starts a cluster in DIR; prints its URL (postgres://veldwerk@127.0.0.1:PORT/veldwerk)
#   scripts/postgres.sh stop DIR    stops it (fast shutdown) and removes DIR
#   scripts/postgres.sh url DIR     prints the URL of the cluster running in DIR
#
# Tests read the URL from VELDWERK_TEST_POSTGRES_URL (scripts/test.sh sets it); each test makes and
# drops its own database in that cluster.
set -euo pipefail

usage() { echo "usage: scripts/postgres.sh start|stop|url DIR" >&2; exit 64; }
[ $# -eq 2 ] || usage
action=$1; dir=$2
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

bindir() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$found" ] && [ -x "$found/initdb" ] && echo "$found"
}

# The cluster runs as an unprivileged user: PostgreSQL refuses to run as root, and a test cluster needs no privilege.
run_as() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u veldwerk-pg -- "$@"
  else
    "$@"
  fi
}

case "$action" in
start)
  if [ -z "$(bindir)" ]; then
    echo "postgres: installing postgresql (Debian)" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    # Debian's package starts a cluster of its own on 5432; the tests use theirs.
    $SUDO service postgresql stop >/dev/null 2>&1 || true
  fi
  BIN=$(bindir) || { echo "postgres: no PostgreSQL server found after installing it" >&2; exit 1; }
  if [ "$(id -u)" -eq 0 ] && ! id veldwerk-pg >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin veldwerk-pg
  fi
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown veldwerk-pg "$dir"
  chmod 700 "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  run_as "$BIN/initdb" --pgdata="$dir/data" --username=veldwerk --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  # Loopback TCP only (no socket in /var/run), enough connections for three nodes and the tests' own pools.
  run_as "$BIN/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --silent \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c max_connections=300 -c fsync=on" start \
    || { cat "$dir/server.log" >&2; exit 1; }
  run_as "$BIN/createdb" --host=127.0.0.1 --port="$port" --username=veldwerk veldwerk
  echo "$port" > "$dir/port"
  echo "postgres://veldwerk@127.0.0.1:$port/veldwerk"
  ;;
stop)
  BIN=$(bindir) || exit 0
  if [ -d "$dir/data" ]; then
    run_as "$BIN/pg_ctl" --pgdata="$dir/data" --mode=fast --wait --silent stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
url)
  [ -f "$dir/port" ] || { echo "postgres: no cluster in $dir" >&2; exit 1; }
  echo "postgres://veldwerk@127.0.0.1:$(cat "$dir/port")/veldwerk"
  ;;
*) usage ;;
esac
