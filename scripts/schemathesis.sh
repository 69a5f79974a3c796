#!/usr/bin/env bash
# Fuzzes the HTTP API against its own OpenAPI document with schemathesis (4.x): starts veldwerk-server
# on a free loopback port with a fresh database and the default study, makes a coordinator API token
# and an enrolled interviewer laptop, and runs schemathesis against http://127.0.0.1:PORT/openapi.json
# once with each token. Fails on a server error (5xx), a status, content type or header the document
# does not list, a body that breaks its schema, or a route that answers without a valid token.
#
#   scripts/schemathesis.sh                       # the short run (MAX_EXAMPLES=25: about a minute)
#   MAX_EXAMPLES=200 scripts/schemathesis.sh      # a longer run by hand
#
# Environment:
#   MAX_EXAMPLES  most generated cases per operation in the fuzzing phase (default 25)
#   SEED          unset: a derandomized run, the same cases every time; a number: random cases from it
#   PHASES        default examples,coverage,fuzzing; add stateful to follow links between operations
#   WORKERS       concurrent requests (default 1)
#   SERVER        the binary (default .build/debug/veldwerk-server, built when missing)
#   SCHEMA        a document file to test instead of the served one, e.g. while editing it
# Extra arguments go to `schemathesis run`, e.g. --include-path /v1/sync (it runs in a temporary
# folder: give a --report-dir as an absolute path). Needs python3 with schemathesis 4 (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
max_examples=${MAX_EXAMPLES:-25}
if [ -n "${SEED:-}" ]; then generation=(--seed "$SEED"); cases="seed $SEED"; else generation=(--generation-deterministic); cases="derandomized"; fi
phases=${PHASES:-examples,coverage,fuzzing}
workers=${WORKERS:-1}
server=${SERVER:-.build/debug/veldwerk-server}

if ! python3 -c 'import schemathesis, sys; sys.exit(0 if schemathesis.__version__.startswith("4.") else 1)' 2>/dev/null; then
    echo "schemathesis.sh: schemathesis 4 is not installed for python3; run scripts/setup.sh (or pip install 'schemathesis>=4,<5')." >&2
    exit 2
fi
[ -x "$server" ] || swift build --product veldwerk-server

work=$(mktemp -d)
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
data="$work/data"

# The server on a free port; its banner names the port.
"$server" serve --port 0 --data "$data" --log-level error >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
port=""
for _ in $(seq 1 150); do
    port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/server.out" | head -n1)
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
done
[ -n "$port" ] || { echo "schemathesis.sh: the server did not start:" >&2; cat "$work/server.err" >&2; exit 1; }
base="http://127.0.0.1:$port"

# A coordinator's API token, and an interviewer's laptop enrolled over the API with two municipalities.
json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
coordinator=$("$server" admin create-user --name "Schemathesis Coördinator" --role coordinator --json --data "$data" | json_field token)
interviewer=$("$server" admin create-user --name "Schemathesis Interviewer" --role interviewer --json --data "$data" | json_field user)
"$server" admin assign --user "$interviewer" --municipality 11001 --municipality 44021 --data "$data" >/dev/null
code=$("$server" admin enrolment-code --user "$interviewer" --json --data "$data" | json_field code)
# The laptop enrols over the API and syncs a complete interview, so the interview and review routes have one.
read -r device_token device interview < <(python3 - "$base" "$code" "$coordinator" "$interviewer" <<'PY'
import json, sys, time, urllib.request
base, code, coordinator, interviewer = sys.argv[1:5]

def call(path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = None if body is None else json.dumps(body).encode()
    with urllib.request.urlopen(urllib.request.Request(base + path, data=data, headers=headers), timeout=30) as response:
        return json.load(response)

enrolled = call("/v1/enrol", {"code": code, "deviceName": "schemathesis"})
token, device = enrolled["token"], enrolled["device"]
form = call("/v1/questionnaires", token=coordinator)["items"][0]
interview = "00000000-0000-4000-8000-000000000001"
now = int(time.time() * 1000)
fields = {
    "municipality": "11001", "questionnaire": form["id"], "questionnaireVersion": form["version"], "interviewer": interviewer,
    "mode": "face_to_face", "respondentFunction": "onderwijsregisseur", "startedAt": "2025-01-14T09:30:00Z",
    "answers.a_functie": "onderwijsregisseur", "answers.a_aantal_respondenten": 1, "answers.b_meerjarenplan": "ja",
    "state": "complete", "completedAt": "2025-01-14T10:30:00Z",
}
push = [
    {"id": f"{device}:{seq}", "scope": "municipality:11001", "entity": "interview", "entityId": interview, "field": field, "value": value,
     "hlc": f"{now:016x}-{seq:08x}-{device}", "author": interviewer}
    for seq, (field, value) in enumerate(fields.items(), start=1)
]
synced = call("/v1/sync", {"device": device, "push": push, "cursors": {}, "clientTime": now}, token)
if synced["rejected"]:
    sys.exit(f"the seeded interview was refused: {synced['rejected']}")
print(token, device, interview)
PY
) || true
[ -n "${interview:-}" ] || { echo "schemathesis.sh: could not enrol the laptop and sync an interview" >&2; exit 1; }
export SCHEMATHESIS_HOOKS="$PWD/scripts/schemathesis_hooks.py" VELDWERK_DEVICE="$device" VELDWERK_INTERVIEW="$interview" VELDWERK_INTERVIEWER="$interviewer"

# The document the server serves, or with SCHEMA=FILE a local copy being edited (no rebuild needed).
if [ -n "${SCHEMA:-}" ]; then location=("$(realpath "$SCHEMA")" --url "$base"); else location=("$base/openapi.json"); fi

# Every check but three that do not fit this API: positive_data_acceptance (a request that fits the schema
# may still name a municipality or user that does not exist: 404 or 422), negative_data_rejection (the server
# ignores fields it does not know, on purpose, and checks some values more loosely than the document's
# patterns), unsupported_method (Hummingbird answers 404, not 405, for a method a path does not serve).
excluded=positive_data_acceptance,negative_data_rejection,unsupported_method

# Run from the temporary folder, so schemathesis's own cache of failures does not land in the work tree.
run() { # name token [options]
    echo "== schemathesis as the $1 (at most $max_examples fuzzed cases per operation, $cases) =="
    (cd "$work" && python3 -m schemathesis.cli run "${location[@]}" \
        --header "Authorization: Bearer $2" \
        --checks all --exclude-checks "$excluded" \
        --phases "$phases" --max-examples "$max_examples" "${generation[@]}" \
        --workers "$workers" --request-timeout 30 --no-color --output-truncate true \
        "${@:3}")
}
status=0
# The interviewer may only sync and ask who they are: every other route must refuse them (403), which
# schemathesis would otherwise warn about as "authentication failed".
run interviewer "$device_token" --warnings off "$@" || status=1
run coordinator "$coordinator" "$@" || status=1
if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "schemathesis.sh: the server died during the run:" >&2; tail -n 40 "$work/server.err" >&2; status=1
elif [ -s "$work/server.err" ]; then
    echo "schemathesis.sh: the server logged errors:" >&2; tail -n 40 "$work/server.err" >&2
fi
exit "$status"
