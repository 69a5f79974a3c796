#!/usr/bin/env bash
# Takes a screenshot of the coordinators' dashboard with a demo study in it.
#
#   scripts/dashboard-screenshot.sh OUTPUT.png [PAGE] [OUTPUT2.png PAGE2 ...]
#   WIDTH=390 scripts/dashboard-screenshot.sh phone.png      (a phone: mobile emulation; warns when a page scrolls sideways)
#
# Starts veldwerk-server on a free port of 127.0.0.1 with a fresh database in a temporary folder,
# seeds it the way fieldwork would (admin commands for users and assignments, laptops enrolled and
# syncing over the API, a coordinator flagging an answer over the API), signs in through the login
# form in headless Chromium, and saves a full-page PNG of PAGE (default /dashboard?list=2024).
# In a PAGE, @flagged stands for the path of an interview with a flagged answer and a conflict.
#
# Needs: a built server (`swift build`), Debian's `chromium`, curl and python3 (which drives
# Chromium over its DevTools pipe). Set CHROMIUM to use another browser binary.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: scripts/dashboard-screenshot.sh OUTPUT.png [PAGE] [OUTPUT2.png PAGE2 ...]" >&2; exit 2; }
shots=()
while [ $# -gt 0 ]; do
    output=$1; page=${2:-/dashboard?list=2024}; shift; [ $# -gt 0 ] && shift
    case "$output" in /*) ;; *) output="$PWD/$output" ;; esac
    shots+=("$output" "$page")
done
root=$(cd "$(dirname "$0")/.." && pwd)

chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$chromium" ] || { echo "dashboard-screenshot: chromium is not installed (apt-get install -y chromium)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "dashboard-screenshot: python3 is needed to drive chromium" >&2; exit 2; }

bin=$(cd "$root" && swift build --show-bin-path)
if [ ! -x "$bin/veldwerk-server" ]; then (cd "$root" && swift build --product veldwerk-server); fi
server="$bin/veldwerk-server"

work=$(mktemp -d)
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
data="$work/data"

# 1. The server on a free port; its banner names the port.
"$server" serve --port 0 --data "$data" --log-level warning >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 100); do
    port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/server.out" | head -n1)
    [ -n "${port:-}" ] && break
    sleep 0.2
done
[ -n "${port:-}" ] || { echo "dashboard-screenshot: the server did not start:" >&2; cat "$work/server.err" >&2; exit 1; }
base="http://127.0.0.1:$port"

json_field() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p" | head -n1; }

# 2. People: a coordinator and twenty interviewers, each given fifteen neighbouring municipalities of the 2024 list.
token=$("$server" admin create-user --name "Sofie Claes" --role coordinator --json --data "$data" | json_field token)
names=("Lotte Peeters" "Arne Janssens" "Emma Maes" "Wout Jacobs" "Noor Mertens" "Jonas Willems" "Fien Claes" "Lucas Goossens"
    "Marie Wouters" "Bram De Smet" "Julie Dubois" "Stijn Hermans" "Lien Vermeulen" "Tom Aerts" "Zoë Van den Broeck" "Milan Pauwels"
    "Hanne Michiels" "Ruben Desmet" "Eline Coppens" "Kobe Segers")
mapfile -t codes < <(awk -F, 'NR > 1 && $9 == "1" { print $1 }' "$root/Sources/Shared/Resources/study/municipalities_flanders.csv" | sort)
users=(); devices=(); tokens=()
for i in "${!names[@]}"; do
    user=$("$server" admin create-user --name "${names[$i]}" --role interviewer --json --data "$data" | json_field user)
    users+=("$user")
    assigned=()
    for j in "${!codes[@]}"; do (( j / 15 == i )) && assigned+=(--municipality "${codes[$j]}"); done
    "$server" admin assign --user "$user" "${assigned[@]}" --data "$data" >/dev/null
    code=$("$server" admin enrolment-code --user "$user" --json --data "$data" | json_field code)
    enrolled=$(curl -sf "$base/v1/enrol" -H 'Content-Type: application/json' -d "{\"code\":\"$code\",\"deviceName\":\"laptop-$((i + 1))\"}")
    devices+=("$(printf '%s' "$enrolled" | json_field device)")
    tokens+=("$(printf '%s' "$enrolled" | json_field token)")
done

# 3. Fieldwork, pushed by each laptop as the client would: contact attempts and interviews.
#    Municipality j gets k = j * 7919 mod 300: k < 97 took part (the first 28 with a second respondent),
#    then 40 refused, 12 appointments, 10 interviews in progress, 50 contacted without result, the rest untouched.
#    Most interviews happen early in the fieldwork period, fewer later on.
form_id=flankerend_onderwijsbeleid
now_ms=$(( $(date +%s) * 1000 ))
hex16() { printf '%016x' "$1"; }
for i in "${!names[@]}"; do
    device=${devices[$i]}; user=${users[$i]}; seq=0; changes=""
    add() {  # scope entity id field json-value
        seq=$((seq + 1))
        changes+="${changes:+,}{\"id\":\"$device:$seq\",\"scope\":\"municipality:$1\",\"entity\":\"$2\",\"entityId\":\"$3\",\"field\":\"$4\",\"value\":$5,\"hlc\":\"$(hex16 $((now_ms + seq)))-00000000-$device\",\"author\":\"$user\"}"
    }
    attempt() {  # nis outcome day
        local id; id=$(cat /proc/sys/kernel/random/uuid)
        local at; at=$(date -u -d "2024-11-04 + $3 days 10:00" +%Y-%m-%dT%H:%M:%SZ)
        add "$1" contactAttempt "$id" municipality "\"$1\""; add "$1" contactAttempt "$id" at "\"$at\""
        add "$1" contactAttempt "$id" mode '"phone"'; add "$1" contactAttempt "$id" outcome "\"$2\""
        add "$1" contactAttempt "$id" interviewer "\"$user\""
    }
    interview() {  # nis state day function
        local id; id=$(cat /proc/sys/kernel/random/uuid)
        local at; at=$(date -u -d "2024-11-04 + $3 days 14:00" +%Y-%m-%dT%H:%M:%SZ)
        add "$1" interview "$id" municipality "\"$1\""; add "$1" interview "$id" questionnaire "\"$form_id\""
        add "$1" interview "$id" questionnaireVersion "\"$version\""; add "$1" interview "$id" interviewer "\"$user\""
        add "$1" interview "$id" mode '"face_to_face"'; add "$1" interview "$id" respondentFunction "\"$4\""
        add "$1" interview "$id" startedAt "\"$at\""
        add "$1" interview "$id" answers.a_modus '"face_to_face"'; add "$1" interview "$id" answers.a_functie "\"$4\""
        add "$1" interview "$id" answers.a_dienst '"onderwijs"'; add "$1" interview "$id" answers.a_aantal_respondenten 1
        add "$1" interview "$id" answers.b_meerjarenplan '"ja"'
        add "$1" interview "$id" state "\"$2\""
        [ "$2" = complete ] && add "$1" interview "$id" completedAt "\"$(date -u -d "$at + 1 hour" +%Y-%m-%dT%H:%M:%SZ)\""
        last_interview=$id; last_nis=$1
        return 0
    }
    if [ -z "${version:-}" ]; then
        version=$(curl -sf "$base/v1/sync" -H "Authorization: Bearer ${tokens[$i]}" -H 'Content-Type: application/json' \
            -d "{\"device\":\"$device\",\"push\":[],\"cursors\":{},\"clientTime\":$now_ms}" \
            | grep -o '"entityId":"flankerend_onderwijsbeleid@[^"]*"' | head -n1 | sed 's/.*@\([^"]*\)"/\1/')
    fi
    for j in "${!codes[@]}"; do
        (( j / 15 == i )) || continue
        nis=${codes[$j]}; k=$(( j * 7919 % 300 )); r=$(( (k * 37) % 97 )); day=$(( r * r * 95 / (97 * 97) ))
        if (( k < 97 )); then
            attempt "$nis" appointment $(( day > 3 ? day - 3 : 0 ))
            interview "$nis" complete "$day" "onderwijsregisseur"
            (( k < 28 )) && interview "$nis" complete "$day" "diensthoofd welzijn"
            if (( k == 5 )); then flag_target=$last_interview; conflict_nis=$last_nis; conflict_user=$i; fi
        elif (( k < 137 )); then attempt "$nis" refused "$day"
        elif (( k < 149 )); then attempt "$nis" appointment "$day"
        elif (( k < 159 )); then attempt "$nis" appointment "$day"; interview "$nis" draft "$day" "schepen van onderwijs"
        elif (( k < 209 )); then attempt "$nis" no-answer "$day"
        fi
    done
    curl -sf "$base/v1/sync" -H "Authorization: Bearer ${tokens[$i]}" -H 'Content-Type: application/json' \
        -d "{\"device\":\"$device\",\"push\":[$changes],\"cursors\":{},\"clientTime\":$now_ms}" >"$work/sync-$i.json"
    if grep -q '"rejected":\[{' "$work/sync-$i.json"; then
        echo "dashboard-screenshot: the server rejected changes of laptop $((i + 1)):" >&2; head -c 600 "$work/sync-$i.json" >&2; exit 1
    fi
done

# 4. Review work: a flagged answer, and a conflict: a second laptop of the same interviewer edits an
#    answer of the same interview without having seen the first laptop's version.
if [ -n "${flag_target:-}" ]; then
    curl -sf "$base/v1/review/interviews/$flag_target/flags" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d '{"question":"a_aantal_respondenten","comment":"One respondent? The invitation went to two staff members."}' >/dev/null
fi
if [ -n "${flag_target:-}" ]; then
    code=$("$server" admin enrolment-code --user "${users[$conflict_user]}" --json --data "$data" | json_field code)
    enrolled=$(curl -sf "$base/v1/enrol" -H 'Content-Type: application/json' -d "{\"code\":\"$code\",\"deviceName\":\"laptop-$((conflict_user + 1))-spare\"}")
    spare=$(printf '%s' "$enrolled" | json_field device); spare_token=$(printf '%s' "$enrolled" | json_field token)
    edit="{\"id\":\"$spare:1\",\"scope\":\"municipality:$conflict_nis\",\"entity\":\"interview\",\"entityId\":\"$flag_target\",\"field\":\"answers.a_functie\",\"value\":\"beleidsmedewerker onderwijs\",\"hlc\":\"$(hex16 $((now_ms + 100000)))-00000000-$spare\",\"author\":\"${users[$conflict_user]}\"}"
    curl -sf "$base/v1/sync" -H "Authorization: Bearer $spare_token" -H 'Content-Type: application/json' \
        -d "{\"device\":\"$spare\",\"push\":[$edit],\"cursors\":{},\"clientTime\":$now_ms}" >/dev/null
fi

# 5. The browser signs in through the form and photographs the page.
python3 - "$chromium" "$base" "$token" "${flag_target:-none}" "${shots[@]}" <<'PY'
import base64, fcntl, json, os, subprocess, sys, tempfile, time

chromium, base, token, flagged = sys.argv[1:5]
shots = list(zip(sys.argv[5::2], sys.argv[6::2]))
profile = tempfile.mkdtemp(prefix="veldwerk-chromium-")
to_browser_r, to_browser_w = os.pipe()
from_browser_r, from_browser_w = os.pipe()
os.set_inheritable(to_browser_r, True)
os.set_inheritable(from_browser_w, True)

def child_fds():
    # Chromium reads DevTools commands from fd 3 and writes replies to fd 4.
    high_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 100)
    high_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 100)
    os.dup2(high_r, 3)
    os.dup2(high_w, 4)

browser = subprocess.Popen(
    [chromium, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu", "--no-first-run",
     "--hide-scrollbars", "--force-device-scale-factor=1", f"--user-data-dir={profile}", "--window-size=1360,900", "about:blank"],
    preexec_fn=child_fds, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_browser_r)
os.close(from_browser_w)
reader = os.fdopen(from_browser_r, "rb")
writer = os.fdopen(to_browser_w, "wb")
pending = b""
next_id = 0
events = []

def receive():
    global pending
    while b"\0" not in pending:
        chunk = reader.read1(65536)
        if not chunk:
            raise SystemExit("chromium closed its DevTools pipe")
        pending += chunk
    message, pending = pending.split(b"\0", 1)
    return json.loads(message)

def call(method, params=None, session=None):
    global next_id
    next_id += 1
    message = {"id": next_id, "method": method, "params": params or {}}
    if session:
        message["sessionId"] = session
    writer.write(json.dumps(message).encode() + b"\0")
    writer.flush()
    while True:
        reply = receive()
        if reply.get("id") == next_id:
            if "error" in reply:
                raise SystemExit(f"{method}: {reply['error']}")
            return reply.get("result", {})
        events.append(reply)

def wait_for(method, session, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for index, event in enumerate(events):
            if event.get("method") == method and event.get("sessionId") == session:
                del events[index]
                return event
        events.append(receive())
    raise SystemExit(f"timed out waiting for {method}")

def navigate(session, url):
    events.clear()
    call("Page.navigate", {"url": url}, session)
    wait_for("Page.loadEventFired", session)

try:
    targets = call("Target.getTargets")["targetInfos"]
    target = next(t["targetId"] for t in targets if t["type"] == "page")
    session = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    call("Page.enable", session=session)
    call("Runtime.enable", session=session)
    call("Emulation.setDeviceMetricsOverride", {"width": 1360, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session)
    navigate(session, base + "/dashboard/login")
    events.clear()
    call("Runtime.evaluate", {"expression":
        "document.getElementById('token').value = %s; document.querySelector('form').submit(); true" % json.dumps(token)}, session)
    wait_for("Page.loadEventFired", session)
    location = call("Runtime.evaluate", {"expression": "location.pathname", "returnByValue": True}, session)["result"]["value"]
    if location != "/dashboard":
        raise SystemExit(f"signing in did not reach the dashboard (at {location})")
    width = int(os.environ.get("WIDTH", "1360"))
    mobile = width < 800
    for output, page in shots:
        page = page.replace("@flagged", "/dashboard/interviews/" + flagged)
        call("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile}, session)
        navigate(session, base + page)
        metrics = call("Page.getLayoutMetrics", session=session)
        height = int(metrics["cssContentSize"]["height"]) + 1
        scroll = call("Runtime.evaluate", {"expression": "document.documentElement.scrollWidth", "returnByValue": True}, session)["result"]["value"]
        if scroll > width:
            print(f"warning: {page} is {scroll}px wide at {width}px: the page scrolls sideways")
        call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}, session)
        time.sleep(0.3)
        shot = call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session)
        with open(output, "wb") as file:
            file.write(base64.b64decode(shot["data"]))
        print(f"Saved {output} ({page}, {height}px tall)")
finally:
    try:
        call("Browser.close")
    except BaseException:
        pass
    browser.wait(timeout=10)
PY
