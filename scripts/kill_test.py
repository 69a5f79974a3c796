#!/usr/bin/env python3
"""Kill the client or the server with SIGKILL at random points during sync, then check the logs.

    scripts/kill_test.py client [--rounds 100] [--seed N]
    scripts/kill_test.py server [--rounds 100] [--seed N]

Uses the built programs in .build/debug (or $VELDWERK_BIN). Each round records new answers on a
laptop (the real `veldwerk` program), starts `veldwerk sync`, and kills the client (mode `client`)
or the server (mode `server`, restarted on the same port and database) at a random moment. At
the end one clean sync runs, and the script checks, straight in both SQLite files:
  - every change the laptop ever acknowledged (left its outbox) is in the server's log;
  - no change is in the server's log twice, and none is missing after the final sync;
  - the laptop's field states equal the server's in every scope the laptop reads.
Exits 0 when all hold, 1 otherwise. Prints a summary line with the figures.
"""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("VELDWERK_BIN", os.path.join(ROOT, ".build", "debug"))
# The laptop encrypts personal data under a passphrase; scripts give it through the environment.
os.environ.setdefault("VELDWERK_PASSPHRASE", "kill-test-passphrase")
ANSWERS = ["a_modus=telefonisch", "a_modus=video", "a_modus=face_to_face", "a_aantal_respondenten=2",
           "a_aantal_respondenten=3", "b_aanpak=1", "b_aanpak=2", "c_vte=1,5", "c_vte=2"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, data, port):
        self.data, self.port, self.process = data, port, None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen(
            [os.path.join(BIN, "veldwerk-server"), "serve", "--port", str(self.port), "--data", self.data, "--log-level", "error"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit("veldwerk-server exited at start")
                time.sleep(0.05)
        raise SystemExit("veldwerk-server did not start")

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def admin(data, *args):
    out = subprocess.run([os.path.join(BIN, "veldwerk-server"), "admin", *args, "--data", data, "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def veldwerk(home, *args, check=True):
    result = subprocess.run([os.path.join(BIN, "veldwerk"), *args, "--home", home], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise SystemExit(f"veldwerk {' '.join(args)} exited {result.returncode}: {result.stderr}{result.stdout}")
    return result


def rows(path, sql, args=()):
    db = sqlite3.connect(path, timeout=30)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["client", "server"])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    options = parser.parse_args()
    rng = random.Random(options.seed)
    work = tempfile.mkdtemp(prefix=f"veldwerk-kill-{options.mode}-")
    data, home = os.path.join(work, "server"), os.path.join(work, "laptop")
    server = Server(data, free_port())
    started = time.time()
    try:
        server.start()
        user = admin(data, "create-user", "--name", "Kim Kill", "--role", "interviewer")["user"]
        admin(data, "assign", "--user", user, "--municipality", "11001")
        code = admin(data, "enrolment-code", "--user", user)["code"]
        veldwerk(home, "enrol", "--server", server.url, "--code", code, "--name", "kill-laptop")
        veldwerk(home, "sync")
        laptop_db, server_db = os.path.join(home, "veldwerk.sqlite"), os.path.join(data, "veldwerk.sqlite")
        device = rows(laptop_db, "SELECT device FROM profile")[0][0]

        interviews = []
        acknowledged = set()
        kills = 0
        for round_number in range(options.rounds):
            if not interviews or rng.random() < 0.2:
                interviews.append(veldwerk(home, "interview", "new", "--municipality", "11001").stdout.strip())
            for interview in rng.sample(interviews, min(len(interviews), 3)):
                veldwerk(home, "interview", "set", interview, *rng.sample(ANSWERS, 3))
            sync = subprocess.Popen([os.path.join(BIN, "veldwerk"), "sync", "--home", home],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.0, 0.4))
            if options.mode == "client":
                if sync.poll() is None:
                    sync.send_signal(signal.SIGKILL)
                    kills += 1
                sync.wait()
            else:
                server.kill()
                kills += 1
                sync.wait()
                server.start()
            # What the laptop now counts as acknowledged (left the outbox) must be on the server, once.
            mine = {seq for (seq,) in rows(laptop_db, "SELECT dseq FROM change_log WHERE device = ?", (device,))}
            waiting = {seq for (seq,) in rows(laptop_db, "SELECT dseq FROM outbox")}
            acknowledged |= mine - waiting
            stored = {seq for (seq,) in rows(server_db, "SELECT dseq FROM change_log WHERE device = ?", (device,))}
            lost = acknowledged - stored
            if lost:
                raise SystemExit(f"round {round_number}: acknowledged changes missing on the server: {sorted(lost)[:10]}")

        veldwerk(home, "sync")
        mine = {seq for (seq,) in rows(laptop_db, "SELECT dseq FROM change_log WHERE device = ?", (device,))}
        stored = rows(server_db, "SELECT dseq, COUNT(*) FROM change_log WHERE device = ? GROUP BY dseq", (device,))
        doubled = [seq for seq, count in stored if count > 1]
        missing = mine - {seq for seq, _ in stored}
        waiting = rows(laptop_db, "SELECT COUNT(*) FROM outbox")[0][0]
        scopes = ("global", "municipality:11001")
        state_sql = "SELECT entity, entity_id, field, value, hlc FROM field_state WHERE scope IN (?, ?) ORDER BY 1, 2, 3"
        converged = rows(laptop_db, state_sql, scopes) == rows(server_db, state_sql, scopes)
        ok = not doubled and not missing and waiting == 0 and converged
        print(f"kill-{options.mode}: {options.rounds} rounds, {kills} kills, seed {options.seed}, {len(mine)} changes, "
              f"{len(acknowledged)} acknowledged during the rounds, missing {len(missing)}, doubled {len(doubled)}, "
              f"waiting {waiting}, converged {'yes' if converged else 'NO'}, {time.time() - started:.0f} s: {'passed' if ok else 'FAILED'}")
        return 0 if ok else 1
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
