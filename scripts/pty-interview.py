#!/usr/bin/env python3
"""Drives the real `veldwerk` binary in a pseudo-terminal through whole interviews, as a person would.

Self-contained: starts a real `veldwerk-server` on a free port with a fresh database, creates an
interviewer, an enrolment code and an assignment with `veldwerk-server admin`, enrols a fresh client
profile and syncs it. Then, for each of two skip paths through the default questionnaire:

  * `veldwerk interview new --municipality 11001 --run` in a pty, with wrong inputs on the way
    (a letter for an integer, a number out of range, an unknown choice, a too-short text);
  * the process is killed (SIGKILL) at a random prompt;
  * `veldwerk interview complete ID` must refuse (exit 7) while required questions are open;
  * `veldwerk interview run ID` must resume at the question where it was killed and finish with `complete`.

Finally it checks `veldwerk interviews --json`, logs contact attempts and checks `contact history`
and `cases`, syncs, and checks that everything was accepted.

Usage: scripts/pty-interview.py [--seed N] [--build-dir .build/debug] [--keep]
Needs: pexpect (pip install pexpect) and a built package (`swift build`).
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile

import pexpect

NIS = "11001"

# Lines to type per question (several: wrong inputs first, or the lines of a multi-line text ending with ".").
EVERY_BRANCH = {
    "a_modus": ["2"],
    "a_functie": ["Onderwijsregisseur"],
    "a_dienst": ["7"],
    "a_dienst_andere": ["Jeugddienst"],
    "a_aantal_respondenten": ["abc", "11", "2"],
    "b_visie_uitgeschreven": ["ja"],
    "b_meerjarenplan": ["1"],
    "b_doelstellingen": ["1 6"],
    "b_aanpak": ["zzz", "beide"],
    # Refused as too short, "Kort" comes back on the line and is typed on from there.
    "b_visie_omschrijving": ["Kort", ".", " en bondig: gelijke kansen voor elk kind,", "in elke school van de gemeente.", "."],
    "b_knelpunten": ["skip"],
    "c_vte": ["veel", "1,5"],
    "c_coordinator": ["ja"],
    "c_coordinatorrol": ["5"],
    "c_inbedding": ["3"],
    "c_uitbreiding": ["nee"],
    "c_schepenen": ["2"],
    "c_knelpunten": [""],
    "d_doelen": ["1"],
    "d_partners_intern": ["2"],
    "d_partners_onderwijs": ["1 2"],
    "d_partners_extern": ["skip"],
    "d_overleg": ["ja"],
    "d_overleg_frequentie": ["2"],
    "d_overleg_sinds": ["1850", "2015"],
    "d_digitaal": ["ja"],
    "d_knelpunten": ["skip"],
    "e_doelgroepen": ["1"],
    "e_brugfiguren": ["sommige"],
    "e_brugfiguren_scholen": ["4"],
    "e_schooltransitie": ["skip"],
    "e_huiswerk": ["skip"],
    "e_taal": ["skip"],
    "e_gezondheid": ["skip"],
    "e_opvang_vrijetijd": ["skip"],
    "e_financieel": ["2"],
    "e_subsidie_per_kind": ["25"],
    "e_infrastructuur": ["skip"],
    "e_voorbeeld": ["skip"],
    "f_knelpunten": ["1 9"],
    "f_knelpunt_andere": ["Afstand tot scholen"],
    "f_ondersteuning": ["skip"],
    "f_citaat_toestemming": ["ja"],
    "f_opmerkingen": ["skip"],
}

SHORTEST = {
    "a_modus": ["face_to_face"],
    "a_functie": ["Diensthoofd welzijn"],
    "a_dienst": ["1"],
    "a_aantal_respondenten": ["0", "1"],
    "b_visie_uitgeschreven": ["3"],
    "b_meerjarenplan": ["2"],
    "b_doelstellingen": ["", "2"],
    "b_aanpak": ["2"],
    "b_visie_omschrijving": ["Er is nog geen uitgeschreven visie.", "."],
    "b_knelpunten": [""],
    "c_vte": ["0"],
    "c_coordinator": ["nee"],
    "c_inbedding": ["1"],
    "c_uitbreiding": ["3"],
    "c_schepenen": ["0"],
    "c_knelpunten": [""],
    "d_doelen": ["1"],
    "d_partners_intern": ["1"],
    "d_partners_onderwijs": ["1"],
    "d_partners_extern": [""],
    "d_overleg": ["nee"],
    "d_digitaal": ["nee"],
    "d_knelpunten": [""],
    "e_doelgroepen": ["1"],
    "e_brugfiguren": ["nee"],
    "e_schooltransitie": [""],
    "e_huiswerk": [""],
    "e_taal": [""],
    "e_gezondheid": [""],
    "e_opvang_vrijetijd": [""],
    "e_financieel": [""],
    "e_infrastructuur": [""],
    "e_voorbeeld": [""],
    "f_knelpunten": ["1"],
    "f_ondersteuning": [""],
    "f_citaat_toestemming": ["nee"],
    "f_opmerkingen": [""],
}

FOLLOW_UPS = ["a_dienst_andere", "c_coordinatorrol", "d_overleg_frequentie", "d_overleg_sinds",
              "e_brugfiguren_scholen", "e_subsidie_per_kind", "f_knelpunt_andere"]

PROMPT = r"([a-z][a-z0-9_]*)> "
CONTINUATION = r"\.\.\. "


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)
    print("  ok:", message)


class Lab:
    def __init__(self, build_dir, work):
        self.client = os.path.join(build_dir, "veldwerk")
        self.server_bin = os.path.join(build_dir, "veldwerk-server")
        self.work = work
        self.data = os.path.join(work, "server")
        self.home = os.path.join(work, "client")
        self.env = dict(os.environ, NO_COLOR="1", TERM="xterm", VELDWERK_PASSPHRASE=os.environ.get("VELDWERK_PASSPHRASE", "pty-passphrase"),
                        VELDWERK_PASSPHRASE_CACHE_MINUTES="0")
        self.server = None

    def start_server(self):
        self.server_log = open(os.path.join(self.work, "server.log"), "w")
        self.server = subprocess.Popen([self.server_bin, "serve", "--port", "0", "--data", self.data],
                                       stdout=subprocess.PIPE, stderr=self.server_log, text=True)
        for line in self.server.stdout:
            match = re.search(r"listening on (http://\S+)", line)
            if match:
                self.url = match.group(1)
                break
        else:
            raise Failure("the server did not start; see " + self.server_log.name)
        print("server at", self.url)

    def stop_server(self):
        if self.server:
            self.server.send_signal(signal.SIGINT)
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()

    def admin(self, *args):
        out = subprocess.run([self.server_bin, "admin", *args, "--data", self.data, "--json"],
                             check=True, capture_output=True, text=True).stdout
        return json.loads(out)

    def veldwerk(self, *args, expect_status=0):
        done = subprocess.run([self.client, *args, "--home", self.home], capture_output=True, text=True, env=self.env)
        if expect_status is not None and done.returncode != expect_status:
            raise Failure(f"veldwerk {' '.join(args)} exited {done.returncode}, expected {expect_status}:\n{done.stdout}{done.stderr}")
        return done

    def spawn(self, *args, env=None):
        child = pexpect.spawn(self.client, [*args, "--home", self.home], env=env or self.env,
                              encoding="utf-8", timeout=20, dimensions=(50, 160))
        child.logfile_read = self.transcript
        return child

    def enrol(self):
        user = self.admin("create-user", "--name", "Pty Tester", "--role", "interviewer")["user"]
        code = self.admin("enrolment-code", "--user", user)["code"]
        self.admin("assign", "--user", user, "--municipality", NIS)
        self.veldwerk("enrol", "--server", self.url, "--code", code)
        self.veldwerk("sync")
        print("enrolled", user, "and synced")


def drive(child, answers, kill_at=None, last=None):
    """Answers prompts until the interview is complete (returns "completed") or, at prompt number
    `kill_at`, kills the process (returns ("killed", question))."""
    queues = {name: list(lines) for name, lines in answers.items()}
    count = 0
    while True:
        index = child.expect([PROMPT, CONTINUATION, r"Interview [0-9a-f]{8} is complete", pexpect.EOF])
        if index == 2:
            child.expect(pexpect.EOF)
            return "completed"
        if index == 3:
            raise Failure("the client ended before the interview was complete")
        count += 1
        question = child.match.group(1) if index == 0 else last
        if kill_at is not None and count == kill_at:
            child.kill(signal.SIGKILL)
            child.close(force=True)
            return ("killed", question)
        if index == 0 and question == "done":
            child.sendline("complete")
            continue
        if question not in queues:
            raise Failure(f"asked {question}, which this path should not ask")
        queue = queues[question]
        line = queue.pop(0) if queue else answers[question][-1]
        last = question
        child.sendline(line)


def interview_along(lab, name, answers, rng):
    print(f"\n== path: {name} ==")
    prompts = sum(len(lines) for lines in answers.values())
    kill_at = rng.randint(2, prompts - 2)
    child = lab.spawn("interview", "new", "--municipality", NIS, "--run")
    child.expect(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
    interview = child.match.group(1)
    print("interview", interview, "- killing at prompt", kill_at, "of about", prompts)
    result = drive(child, answers, kill_at=kill_at)
    check(result[0] == "killed", f"killed with SIGKILL at the prompt of {result[1]}")
    killed_at = result[1]

    refused = lab.veldwerk("interview", "complete", interview, "--json", expect_status=None)
    check(refused.returncode == 7, "`interview complete` refuses with exit code 7 while required questions are open")
    missing = [item["name"] for item in json.loads(refused.stdout)["missing"]]
    check(len(missing) > 0, f"it lists what is missing ({', '.join(missing[:3])}…)")

    child = lab.spawn("interview", "run", interview[:8])
    child.expect(PROMPT)
    resumed = child.match.group(1)
    check(resumed == killed_at, f"a new run resumes at {resumed} (killed at {killed_at})")
    # Answer the prompt already shown, then go on.
    child.sendline(answers[resumed][0])
    rest = dict(answers)
    rest[resumed] = answers[resumed][1:] or answers[resumed]
    check(drive(child, rest, last=resumed) == "completed", "the interview ends with `complete`")

    shown = json.loads(lab.veldwerk("interview", "show", interview, "--json").stdout)["interview"]
    check(shown["state"] == "complete" and shown.get("completedAt"), "state complete with completedAt")
    return interview, shown["answers"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=None, help="seed for the kill points (default: random, printed)")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--build-dir", default=os.path.join(root, ".build", "debug"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (server database, profile, transcript)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    print("seed", seed)
    rng = random.Random(seed)

    work = tempfile.mkdtemp(prefix="veldwerk-pty-")
    lab = Lab(args.build_dir, work)
    lab.transcript = open(os.path.join(work, "transcript.txt"), "w")
    ok = False
    try:
        lab.start_server()
        lab.enrol()

        # Colours on a terminal, none with NO_COLOR (checked on the first prompt of a throwaway run).
        env = dict(os.environ, TERM="xterm")
        env.pop("NO_COLOR", None)
        child = lab.spawn("interview", "new", "--municipality", NIS, "--run", env=env)
        child.expect("a_modus> ")
        check("\x1b[" in child.before, "colours on a terminal without NO_COLOR")
        child.sendline("quit")
        child.expect(pexpect.EOF)
        lab.transcript.flush()
        ids = re.findall(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", open(lab.transcript.name).read())
        lab.veldwerk("interview", "withdraw", ids[0])

        long_id, long_answers = interview_along(lab, "every branch", EVERY_BRANCH, rng)
        short_id, short_answers = interview_along(lab, "shortest", SHORTEST, rng)
        check(all(name in long_answers for name in FOLLOW_UPS), "the long path answered every follow-up question")
        check(not any(name in short_answers for name in FOLLOW_UPS), "the short path was never asked a follow-up question")
        check(long_answers["a_aantal_respondenten"] == 2 and long_answers["c_vte"] == 1.5, "typed numbers stored as numbers")
        check(long_answers["b_visie_omschrijving"] == "Kort en bondig: gelijke kansen voor elk kind,\nin elke school van de gemeente.",
              "a refused text came back for editing, and the two-line answer kept its lines")

        rows = json.loads(lab.veldwerk("interviews", "--json").stdout)
        states = {row["id"]: row["state"] for row in rows}
        check(states.get(long_id) == "complete" and states.get(short_id) == "complete", "`interviews --json` lists both as complete")
        check(all(not row["synced"] for row in rows), "…and not yet synced")

        print("\n== contacts and cases ==")
        lab.veldwerk("contact", "log", NIS, "--mode", "phone", "--outcome", "no-answer", "--at", "2025-01-10 09:00")
        lab.veldwerk("contact", "log", NIS, "--mode", "email", "--outcome", "appointment", "--at", "2025-01-11 10:00",
                     "--appointment", "2099-02-01 14:00", "--note", "schepen onderwijs")
        history = json.loads(lab.veldwerk("contact", "history", NIS, "--json").stdout)
        check([a["outcome"] for a in history["attempts"]] == ["no-answer", "appointment"], "contact history lists both attempts in order")
        check(history["attempts"][1]["note"] == "schepen onderwijs", "with the note")
        cases = json.loads(lab.veldwerk("cases", "--json").stdout)
        check(cases[0]["nis"] == NIS and cases[0]["status"] == "completed", "a completed interview makes the case completed")
        check(cases[0]["attempts"] == 2 and cases[0]["nextAppointment"], "cases shows the attempts and the next appointment")

        sync = json.loads(lab.veldwerk("sync", "--json").stdout)
        check(sync["rejected"] == 0 and sync["waiting"] == 0, f"sync sent everything ({sync['acknowledged']} changes), nothing rejected")
        rows = json.loads(lab.veldwerk("interviews", "--json").stdout)
        check(all(row["synced"] for row in rows), "`interviews --json` shows every interview synced")
        ok = True
        print("\nAll checks passed.")
    except (Failure, pexpect.ExceptionPexpect, subprocess.CalledProcessError) as error:
        print("\nFAILED:", error, file=sys.stderr)
        print("transcript:", lab.transcript.name, file=sys.stderr)
    finally:
        lab.stop_server()
        lab.transcript.close()
        if ok and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept", work)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
