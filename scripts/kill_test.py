#!/usr/bin/env python3
"""Kill the client or the server with SIGKILL at random points during sync, then check the logs.

    scripts/kill_test.py client [--rounds 100] [--seed N] [--postgres URL]
    scripts/kill_test.py server [--rounds 100] [--seed N] [--postgres URL]
    scripts/kill_test.py nodes  [--rounds 100] [--seed N] --postgres URL [--nodes 3] [--laptops 3]

Uses the built programs in .build/debug (or $VELDWERK_BIN). Each round records new answers on a
laptop (the real `veldwerk` program), starts `veldwerk sync`, and kills the client (mode `client`)
or the server (mode `server`, restarted on the same port and database) at a random moment. At
the end one clean sync runs, and the script checks, straight in the laptop's SQLite file and the
server's database:
  - every change the laptop ever acknowledged (left its outbox) is in the server's log;
  - no change is in the server's log twice, and none is missing after the final sync;
  - the laptop's field states equal the server's in every scope the laptop reads.

With --postgres (a cluster's URL; scripts/postgres.sh starts one) the server runs on a database of
its own in that cluster instead of a SQLite file. Mode `nodes` runs several servers on that one
database behind nginx (installed from Debian when missing), with several laptops syncing through it
at once; each round one node, picked at random, is killed mid-push and restarted. nginx passes a push
a killed node dropped to the next node (pushes are idempotent). On top of the checks above, every
node's /v1/progress must be the same.
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
import urllib.request

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


def wait_listening(process, port, name, seconds, log=None):
    """Returns once `process` accepts connections on `port`; stops the script if it exits or takes too long."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"{name} exited at start" + (": " + open(log).read() if log and os.path.exists(log) else ""))
            time.sleep(0.05)
    raise SystemExit(f"{name} did not start")


class Server:
    def __init__(self, data, port, database=None):
        self.data, self.port, self.database, self.process = data, port, database, None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen(
            [os.path.join(BIN, "veldwerk-server"), "serve", "--port", str(self.port), "--data", self.data, "--log-level", "error",
             *(["--database", self.database] if self.database else [])],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
        wait_listening(self.process, self.port, "veldwerk-server", 60)

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def admin(store, *args):
    out = subprocess.run([os.path.join(BIN, "veldwerk-server"), "admin", *args, *store.options, "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


class ServerDatabase:
    """The server's database: its SQLite file, or a PostgreSQL database of its own (read through psql)."""

    def __init__(self, data, cluster=None):
        self.data, self.cluster, self.url = data, cluster, None
        if cluster:
            name = f"kill_{os.getpid()}_{random.randrange(1 << 30)}"
            psql(cluster, f"CREATE DATABASE {name}")
            self.name, self.url = name, cluster.rsplit("/", 1)[0] + "/" + name

    @property
    def options(self):
        return ["--database", self.url] if self.url else ["--data", self.data]

    def rows(self, sql, args=()):
        if not self.url:
            return rows(os.path.join(self.data, "veldwerk.sqlite"), sql, args)
        # psql variables stand for the parameters; the rows come back as JSON, so NULL stays None.
        parts = sql.split("?")
        text = parts[0] + "".join(f":'p{i}'" + part for i, part in enumerate(parts[1:]))
        variables = [arg for i, value in enumerate(args) for arg in ("--set", f"p{i}={value}")]
        out = psql(self.url, f"SELECT coalesce(json_agg(row_to_json(q)), '[]') FROM ({text}) q", variables)
        return [tuple(row.values()) for row in json.loads(out)]

    def drop(self):
        if self.url:
            psql(self.cluster, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)", check=False)


def psql(url, sql, variables=(), check=True):
    result = subprocess.run(["psql", "--no-psqlrc", "--quiet", "--tuples-only", "--no-align", "--set", "ON_ERROR_STOP=1",
                             *variables, "--dbname", url], input=sql, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise SystemExit(f"psql: {result.stderr}")
    return result.stdout


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


class Laptop:
    """One interviewer's laptop (the real `veldwerk` program) and what it has seen acknowledged."""

    def __init__(self, work, index, nis):
        self.home, self.nis, self.acknowledged, self.interviews = os.path.join(work, f"laptop-{index}"), nis, set(), []
        self.db = os.path.join(self.home, "veldwerk.sqlite")

    def enrol(self, store, url, index):
        user = admin(store, "create-user", "--name", f"Kim Kill {index}", "--role", "interviewer")["user"]
        admin(store, "assign", "--user", user, "--municipality", self.nis)
        code = admin(store, "enrolment-code", "--user", user)["code"]
        veldwerk(self.home, "enrol", "--server", url, "--code", code, "--name", f"kill-laptop-{index}")
        veldwerk(self.home, "sync")
        self.device = rows(self.db, "SELECT device FROM profile")[0][0]

    def record(self, rng):
        if not self.interviews or rng.random() < 0.2:
            self.interviews.append(veldwerk(self.home, "interview", "new", "--municipality", self.nis).stdout.strip())
        for interview in rng.sample(self.interviews, min(len(self.interviews), 3)):
            veldwerk(self.home, "interview", "set", interview, *rng.sample(ANSWERS, 3))

    def start_sync(self):
        return subprocess.Popen([os.path.join(BIN, "veldwerk"), "sync", "--home", self.home],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def mine(self):
        return {seq for (seq,) in rows(self.db, "SELECT dseq FROM change_log WHERE device = ?", (self.device,))}

    def note_acknowledged(self, server_db, round_number):
        """What the laptop now counts as acknowledged (left the outbox) must be on the server."""
        waiting = {seq for (seq,) in rows(self.db, "SELECT dseq FROM outbox")}
        self.acknowledged |= self.mine() - waiting
        stored = {seq for (seq,) in server_db.rows("SELECT dseq FROM change_log WHERE device = ?", (self.device,))}
        lost = self.acknowledged - stored
        if lost:
            raise SystemExit(f"round {round_number}: acknowledged changes of {self.device} missing on the server: {sorted(lost)[:10]}")

    def check(self, server_db):
        """After a clean sync: (changes, missing, doubled, waiting, converged)."""
        mine = self.mine()
        stored = server_db.rows("SELECT dseq, COUNT(*) FROM change_log WHERE device = ? GROUP BY dseq", (self.device,))
        doubled = [seq for seq, count in stored if count > 1]
        missing = mine - {seq for seq, _ in stored}
        waiting = rows(self.db, "SELECT COUNT(*) FROM outbox")[0][0]
        scopes = ("global", f"municipality:{self.nis}")
        state_sql = "SELECT entity, entity_id, field, value, hlc FROM field_state WHERE scope IN (?, ?) ORDER BY 1, 2, 3"
        converged = rows(self.db, state_sql, scopes) == server_db.rows(state_sql, scopes)
        return len(mine), len(missing), len(doubled), waiting, converged


class Balancer:
    """nginx in front of the nodes: round robin; a request a dead node dropped goes to the next node."""

    def __init__(self, work, ports):
        self.work, self.port, self.process = work, free_port(), None
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not os.path.exists(nginx):
            sudo = [] if os.geteuid() == 0 else ["sudo"]
            subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
            subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "nginx"], check=True,
                           env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, stdout=subprocess.DEVNULL)
        upstream = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;\n" for port in ports)
        user = "user root;\n" if os.geteuid() == 0 else ""
        config = os.path.join(work, "nginx.conf")
        with open(config, "w") as out:
            out.write(f"""{user}worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi;
  uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
  upstream veldwerk {{
{upstream}  }}
  server {{
    listen 127.0.0.1:{self.port};
    client_max_body_size 64m;
    location / {{
      proxy_pass http://veldwerk;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Pushes are idempotent (the server stores each change once), so a push a killed node dropped may go to the next.
      proxy_next_upstream error timeout http_502 non_idempotent;
      proxy_connect_timeout 2s;
    }}
  }}
}}
""")
        self.process = subprocess.Popen([nginx, "-c", config, "-p", work], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_listening(self.process, self.port, "nginx", 20, os.path.join(work, "nginx-error.log"))

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def progress(url, token):
    """A node's /v1/progress, without what depends on the moment it was asked."""
    request = urllib.request.Request(url + "/v1/progress", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        report = json.load(answer)
    report.pop("generatedAt", None)
    return report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["client", "server", "nodes"])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--postgres", default=os.environ.get("VELDWERK_TEST_POSTGRES_URL") or None,
                        help="a PostgreSQL cluster's URL: the server runs on a database of its own in it")
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--laptops", type=int, default=3)
    options = parser.parse_args()
    if options.mode == "nodes" and not options.postgres:
        parser.error("nodes needs --postgres (several servers share one PostgreSQL database)")
    rng = random.Random(options.seed)
    work = tempfile.mkdtemp(prefix=f"veldwerk-kill-{options.mode}-")
    data = os.path.join(work, "server")
    server_db = ServerDatabase(data, options.postgres)
    count = options.nodes if options.mode == "nodes" else 1
    servers = [Server(data, free_port(), server_db.url) for _ in range(count)]
    balancer = None
    started = time.time()
    try:
        for server in servers:
            server.start()
        if options.mode == "nodes":
            balancer = Balancer(work, [server.port for server in servers])
        url = balancer.url if balancer else servers[0].url
        municipalities = ["11001", "11002", "11004", "11005", "11007", "11008"]
        laptops = [Laptop(work, index, municipalities[index % len(municipalities)])
                   for index in range(options.laptops if options.mode == "nodes" else 1)]
        for index, laptop in enumerate(laptops):
            laptop.enrol(server_db, url, index)

        kills = 0
        for round_number in range(options.rounds):
            for laptop in laptops:
                laptop.record(rng)
            syncs = [laptop.start_sync() for laptop in laptops]
            time.sleep(rng.uniform(0.0, 0.4))
            if options.mode == "client":
                for sync in syncs:
                    if sync.poll() is None:
                        sync.send_signal(signal.SIGKILL)
                        kills += 1
                    sync.wait()
            else:
                victim = rng.choice(servers)
                victim.kill()
                kills += 1
                for sync in syncs:
                    sync.wait()
                victim.start()
            for laptop in laptops:
                laptop.note_acknowledged(server_db, round_number)

        # Two clean rounds: each laptop sends what is left, then pulls what the others sent meanwhile.
        for _ in range(2):
            for laptop in laptops:
                veldwerk(laptop.home, "sync")
        figures = [laptop.check(server_db) for laptop in laptops]
        changes = sum(f[0] for f in figures)
        missing, doubled, waiting = (sum(f[i] for f in figures) for i in (1, 2, 3))
        converged = all(f[4] for f in figures)
        acknowledged = sum(len(laptop.acknowledged) for laptop in laptops)
        agree = True
        if options.mode == "nodes":
            token = admin(server_db, "create-user", "--name", "Coco Kill", "--role", "coordinator")["token"]
            reports = [progress(server.url, token) for server in servers]
            agree = all(report == reports[0] for report in reports)
        ok = not missing and not doubled and waiting == 0 and converged and agree
        engine = "PostgreSQL" if options.postgres else "SQLite"
        nodes = f", {count} nodes behind nginx, dashboards {'agree' if agree else 'DIFFER'}" if options.mode == "nodes" else ""
        print(f"kill-{options.mode} ({engine}{nodes}): {options.rounds} rounds, {kills} kills, seed {options.seed}, "
              f"{len(laptops)} laptop(s), {changes} changes, {acknowledged} acknowledged during the rounds, missing {missing}, "
              f"doubled {doubled}, waiting {waiting}, converged {'yes' if converged else 'NO'}, {time.time() - started:.0f} s: "
              f"{'passed' if ok else 'FAILED'}")
        return 0 if ok else 1
    finally:
        if balancer:
            balancer.stop()
        for server in servers:
            server.stop()
        server_db.drop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
