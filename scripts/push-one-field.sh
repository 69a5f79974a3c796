#!/usr/bin/env bash
# Times one push of N concurrent versions of one contact note (base nil, each its own value)
# through the real server, as a laptop would send it: N=5000 scripts/push-one-field.sh
# Needs curl, python3 and a release build (swift build -c release --product veldwerk-server).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/veldwerk-server}
N=${N:-5000}
DATA=$(mktemp -d)
PORT=${PORT:-18431}
"$BIN" serve --port $PORT --data "$DATA" --log-level error > "$DATA/out.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
for i in $(seq 100); do curl -s "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
USER_ID=$("$BIN" admin create-user --name Ann --role interviewer --json --data "$DATA" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["user"])')
"$BIN" admin assign --user "$USER_ID" --municipality 11001 --data "$DATA" >/dev/null
CODE=$("$BIN" admin enrolment-code --user "$USER_ID" --json --data "$DATA" | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')
ENROL=$(curl -s -X POST -H 'Content-Type: application/json' -d "{\"code\":\"$CODE\",\"deviceName\":\"m\"}" "http://127.0.0.1:$PORT/v1/enrol")
python3 - "$ENROL" "$N" "$USER_ID" > "$DATA/body.json" <<'PY'
import json, sys, time
enrol = json.loads(sys.argv[1]); n = int(sys.argv[2]); user = sys.argv[3]
device = enrol["device"]; now = int(time.time() * 1000) - 60000
def hlc(wall): return "%016x-%08x-%s" % (wall, 0, device)
push = [{"id": "%s:%d" % (device, i + 1), "scope": "municipality:11001", "entity": "contactAttempt",
         "entityId": "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "field": "note", "value": "note %d" % i,
         "hlc": hlc(now + i), "author": user} for i in range(n)]
print(json.dumps({"device": device, "push": push, "cursors": {}, "clientTime": now + 60000}))
PY
TOKEN=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$ENROL")
# No "Expect: 100-continue" (curl adds it to bodies over 1 MB and waits a second; the client does not).
curl -s -H 'Expect:' -o "$DATA/resp.json" -w "status %{http_code}, push of $N versions: %{time_total} s\n" -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @"$DATA/body.json" "http://127.0.0.1:$PORT/v1/sync"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("accepted", len(d.get("accepted", [])), "rejected", len(d.get("rejected", [])), (d.get("rejected") or [None])[0])' "$DATA/resp.json" || head -c 300 "$DATA/resp.json"
sqlite3 "$DATA/veldwerk.sqlite" "SELECT COUNT(*) || ' kept conflicts' FROM conflict" 2>/dev/null || true
