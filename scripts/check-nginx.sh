#!/usr/bin/env bash
# Runs the nginx configuration of docs/DEPLOY.md (docs/deploy/nginx-veldwerk.conf) in front of a real
# veldwerk-server and checks the whole path through it: a laptop enrols with a certificate made for
# this run and a pinned enrolment code, records an interview and syncs it; answers carry HSTS, the
# dashboard cookie is Secure, plain HTTP is redirected. Installs nginx (Debian) when it is missing.
# Usage: scripts/check-nginx.sh   (after `swift build`; exits non-zero on the first failed check)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "check-nginx: installing nginx"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nginx openssl curl >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
BIN=.build/debug
[ -x "$BIN/veldwerk-server" ] && [ -x "$BIN/veldwerk" ] || swift build

WORK=$(mktemp -d /tmp/veldwerk-nginx.XXXXXX)
SERVER_PID=""; NGINX_PID=""
cleanup() {
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "check-nginx: FAILED: $*" >&2; [ -f "$WORK/error.log" ] && tail -5 "$WORK/error.log" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
BACKEND=$(free_port); HTTPS=$(free_port); PLAIN=$(free_port)

# A certificate authority and a certificate for localhost, made for this run.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/ca.key" -out "$WORK/ca.pem" -days 1 \
  -subj "/CN=Veldwerk check CA" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/server.key" -out "$WORK/server.csr" -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$WORK/ext"
openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial -days 1 -extfile "$WORK/ext" \
  -out "$WORK/fullchain.pem" 2>/dev/null

# veldwerk-server on loopback, plain HTTP, trusting the proxy's forwarded headers.
"$BIN/veldwerk-server" serve --host 127.0.0.1 --port "$BACKEND" --data "$WORK/data" \
  --public-url "https://localhost:$HTTPS" --trusted-proxy 127.0.0.1 > "$WORK/server.log" 2>&1 &
SERVER_PID=$!

# The documented site file, with this run's ports, name and certificate; everything else as shipped.
sed -e "s|listen 443 ssl;|listen 127.0.0.1:$HTTPS ssl;|" -e "s|listen 80;|listen 127.0.0.1:$PLAIN;|" -e '/listen \[::\]/d' \
    -e "s|server_name veldwerk.example.org;|server_name localhost;|" \
    -e "s|/etc/letsencrypt/live/veldwerk.example.org/fullchain.pem|$WORK/fullchain.pem|" \
    -e "s|/etc/letsencrypt/live/veldwerk.example.org/privkey.pem|$WORK/server.key|" \
    -e "s|proxy_pass http://127.0.0.1:8080;|proxy_pass http://127.0.0.1:$BACKEND;|" \
    docs/deploy/nginx-veldwerk.conf > "$WORK/site.conf"
grep -q "127.0.0.1:$BACKEND" "$WORK/site.conf" || fail "the site file's proxy_pass line changed; update this script"
USER_LINE=""; [ "$(id -u)" -eq 0 ] && USER_LINE="user root;"
cat > "$WORK/nginx.conf" <<CONF
$USER_LINE
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/error.log;
events { worker_connections 64; }
http {
  access_log $WORK/access.log;
  client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy; fastcgi_temp_path $WORK/fastcgi;
  uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
  include $WORK/site.conf;
}
CONF
"$NGINX" -t -q -c "$WORK/nginx.conf" -p "$WORK" -g 'daemon off;' || fail "nginx refused the configuration"
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" -g 'daemon off;' &
NGINX_PID=$!

URL="https://localhost:$HTTPS"
for _ in $(seq 1 100); do
  curl -sf --cacert "$WORK/ca.pem" "$URL/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

# 1. HTTPS through nginx reaches the server, with HSTS.
headers=$(curl -sS -D - -o /dev/null --cacert "$WORK/ca.pem" "$URL/healthz") || fail "no HTTPS answer through nginx"
grep -qi '^strict-transport-security: max-age=' <<<"$headers" || fail "no HSTS header: $headers"
echo "check-nginx: HTTPS through nginx answers, with HSTS"

# 2. Plain HTTP is redirected to HTTPS.
redirect=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$PLAIN/dashboard")
[[ "$redirect" == 301\ https://* ]] || fail "plain HTTP was not redirected: $redirect"
echo "check-nginx: plain HTTP is redirected to HTTPS"

# 3. The dashboard cookie is Secure (the proxy says X-Forwarded-Proto https).
coordinator=$("$BIN/veldwerk-server" admin create-user --name "Cas Coordinator" --role coordinator --json --data "$WORK/data")
token=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' <<<"$coordinator")
cookie=$(curl -sS -D - -o /dev/null --cacert "$WORK/ca.pem" --data-urlencode "token=$token" "$URL/dashboard/login" | grep -i '^set-cookie:' || true)
grep -q 'Secure' <<<"$cookie" || fail "the dashboard cookie is not Secure: $cookie"
echo "check-nginx: the dashboard cookie is Secure"

# 4. A laptop enrols with a code that carries nginx's certificate key, records an interview and syncs it.
interviewer=$("$BIN/veldwerk-server" admin create-user --name "Ine Maes" --role interviewer --json --data "$WORK/data")
user=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["user"])' <<<"$interviewer")
"$BIN/veldwerk-server" admin assign --user "$user" --municipality 11001 --data "$WORK/data" >/dev/null
codes=$("$BIN/veldwerk-server" admin enrolment-codes --pin-certificate "$WORK/fullchain.pem" --json --data "$WORK/data")
code=$(python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["enrolmentCode"]["code"])' <<<"$codes")
[[ "$code" == *.* ]] || fail "the enrolment code carries no key pin: $code"
LAPTOP="$WORK/laptop"
export VELDWERK_PASSPHRASE="check-nginx-passphrase" VELDWERK_PASSPHRASE_CACHE_MINUTES=0
"$BIN/veldwerk" enrol --server "$URL" --code "$code" --cacert "$WORK/ca.pem" --home "$LAPTOP" >/dev/null || fail "enrolment through nginx"
"$BIN/veldwerk" sync --home "$LAPTOP" >/dev/null || fail "first sync through nginx"
id=$("$BIN/veldwerk" interview new --municipality 11001 --home "$LAPTOP")
"$BIN/veldwerk" interview set "$id" a_modus=telefonisch --home "$LAPTOP" >/dev/null
"$BIN/veldwerk" sync --home "$LAPTOP" >/dev/null || fail "second sync through nginx"
waiting=$("$BIN/veldwerk" status --json --home "$LAPTOP" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pendingChanges"])')
[ "$waiting" = "0" ] || fail "$waiting changes still wait after syncing through nginx"
echo "check-nginx: a laptop enrolled with a pinned code and synced an interview through nginx"

echo "check-nginx: all checks passed (nginx $("$NGINX" -v 2>&1 | sed 's|.*/||'))"
