#!/usr/bin/env python3
"""Self-completion in a real browser: headless Chromium, driven by Selenium, checked by axe-core.

Starts veldwerk-server on a free port with a fresh database, invites two municipalities over the API,
and fills the study's questionnaire in Chromium as a respondent would, along two skip paths: a wrong
number on the way (the error must stand next to its field and be announced), leaving and coming back
with the same link, the summary, submitting. Every page is checked with axe-core (no serious or
critical violations). The export then holds both interviews with exactly the answers typed and the
self-completion mode. Screenshots at 1280 and 360 px go to $SHOTS when set.

Needs: a built server (swift build), Debian's chromium and chromium-driver, and selenium and
axe-selenium-python from PyPI (scripts/setup.sh installs them).
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("VELDWERK_BIN") or subprocess.run(
    ["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
SHOTS = os.environ.get("SHOTS")
SENTENCE = "Een volledige zin als antwoord op deze vraag."
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def api(base, token, method, path, body=None):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return response.read().decode()


def wait_for(driver, condition):
    """Waits (at most 10 s) for the page that a click brings."""
    try:
        WebDriverWait(driver, 10).until(lambda d: condition(d))
        return True
    except Exception:
        return False


def audit(driver, seen):
    """axe-core on the current page (once per kind of page): no serious or critical violations."""
    kind = re.sub(r"/s/[^/]+", "/s/LINK", driver.current_url.split("?")[0])
    if kind in seen:
        return
    seen.add(kind)
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    for violation in bad:
        print("axe:", kind, violation["id"], violation["impact"], violation["help"])
    check(not bad, f"{kind}: {len(bad)} serious or critical accessibility violations")


def shoot(driver, name):
    if not SHOTS:
        return
    os.makedirs(SHOTS, exist_ok=True)
    for width in (1280, 360):
        driver.set_window_size(width, 900)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(height + 40, 8000))
        driver.save_screenshot(os.path.join(SHOTS, f"{name}-{width}.png"))
        wide = driver.execute_script("return document.documentElement.scrollWidth")
        check(wide <= width, f"{name} at {width} px scrolls sideways ({wide} px)")
    driver.set_window_size(1280, 1000)


def fill_page(driver, pick):
    """Answers every open field of the page: `pick` chooses among a group's radio or checkbox values."""
    names = []
    for element in driver.find_elements(By.CSS_SELECTOR, "[name^='q_']"):
        name = element.get_attribute("name")
        if name not in names:
            names.append(name)
    typed = {}
    for name in names:
        fields = driver.find_elements(By.NAME, name)
        kind = fields[0].get_attribute("type")
        if kind in ("radio", "checkbox"):
            if not any(field.is_selected() for field in fields):
                choice = pick(fields)
                driver.execute_script("arguments[0].click()", choice)
                typed[name[2:]] = choice.get_attribute("value")
            continue
        field = fields[0]
        if (field.get_attribute("value") or "").strip():
            continue
        mode = field.get_attribute("inputmode")
        value = "2015" if name == "q_d_overleg_sinds" else "2" if mode == "numeric" else "1,5" if mode == "decimal" else SENTENCE
        field.send_keys(value)
        typed[name[2:]] = value
    return typed


def respond(driver, link, pick, seen, wrong_first=False, leave_after_first=False, shots=False):
    """Fills the form from the link to the thank-you page; returns the answers typed, by question."""
    driver.get(link)
    check("/p/" in driver.current_url, f"the link leads to a page of questions, not {driver.current_url}")
    audit(driver, seen)
    if shots:
        shoot(driver, "web-page")
    answers = {}
    if wrong_first:
        field = driver.find_element(By.NAME, "q_a_aantal_respondenten")
        field.send_keys("veel")
        driver.find_element(By.CSS_SELECTOR, "button[value=next]").click()
        wait_for(driver, lambda d: d.find_elements(By.ID, "e-a_aantal_respondenten"))
        error = driver.find_element(By.ID, "e-a_aantal_respondenten").text
        check("geheel getal" in error, f"the wrong number gets its message next to the field: {error!r}")
        check(driver.find_element(By.NAME, "q_a_aantal_respondenten").get_attribute("aria-describedby").find("e-a_aantal_respondenten") >= 0,
              "the error is tied to its field")
        check(driver.find_elements(By.CSS_SELECTOR, "[role=alert]"), "the errors are announced (role=alert)")
        audit(driver, seen)
        if shots:
            shoot(driver, "web-errors")
        field = driver.find_element(By.NAME, "q_a_aantal_respondenten")
        field.clear()
    steps = 0
    while "/summary" not in driver.current_url:
        steps += 1
        check(steps < 40, "the form ends within 40 steps")
        if steps >= 40:
            return answers
        answers.update(fill_page(driver, pick))
        if leave_after_first and steps == 1:
            driver.find_element(By.CSS_SELECTOR, "button[value=save]").click()
            check(wait_for(driver, lambda d: "saved=1" in d.current_url and "bewaard" in d.page_source), "saving says the answers are kept")
            driver.get("about:blank")
            driver.get(link)
            check(driver.current_url.endswith("/p/2"), f"coming back, the link opens the first page with open questions ({driver.current_url})")
            driver.get(link + "/p/1")
            kept = driver.find_element(By.NAME, "q_a_functie").get_attribute("value")
            check(kept == answers.get("a_functie"), f"coming back with the link keeps the answers ({kept!r})")
            driver.get(link)
            continue
        before = driver.find_element(By.TAG_NAME, "html")
        driver.find_element(By.CSS_SELECTOR, "button[value=next]").click()
        wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "html") != before)
        audit(driver, seen)
    check("Overzicht" in driver.page_source, "the summary comes before submitting")
    audit(driver, seen)
    if shots:
        shoot(driver, "web-summary")
    driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
    check(wait_for(driver, lambda d: "Bedankt" in d.page_source), "submitting thanks the respondent")
    check(not driver.find_elements(By.CSS_SELECTOR, "input[name=csrf]"), "after submitting the answers are read-only")
    audit(driver, seen)
    if shots:
        shoot(driver, "web-thanks")
    return answers


def main():
    work = tempfile.mkdtemp(prefix="veldwerk-web-")
    server = subprocess.Popen([os.path.join(BIN, "veldwerk-server"), "serve", "--port", "0", "--data", work + "/data", "--log-level", "error"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    driver = None
    try:
        port = None
        for _ in range(100):
            line = server.stdout.readline()
            match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
            if match:
                port = match.group(1)
                break
        if not port:
            sys.exit("web-form-check: the server did not start")
        base = f"http://127.0.0.1:{port}"
        created = subprocess.run([os.path.join(BIN, "veldwerk-server"), "admin", "create-user", "--name", "Sofie Claes", "--role", "coordinator",
                                  "--json", "--data", work + "/data"], capture_output=True, text=True, check=True).stdout
        token = json.loads(created)["token"]
        first = json.loads(api(base, token, "POST", "/v1/cases/44084/invitations", {"email": "jeugd@aalter.be"}))
        second = json.loads(api(base, token, "POST", "/v1/cases/11001/invitations", {}))

        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=nl-BE"):
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
        seen = set()
        # Path 1: the first choice everywhere (yes: follow-up questions appear), a wrong number, leave and come back.
        typed_first = respond(driver, first["link"], lambda fields: fields[0], seen, wrong_first=True, leave_after_first=True, shots=True)
        # Path 2: the last choice everywhere (no, do not know: other questions are skipped).
        typed_second = respond(driver, second["link"], lambda fields: fields[-1], seen)

        export = api(base, token, "GET", "/v1/export?format=jsonl")
        rows = {}
        for line in export.splitlines():
            if line.strip():
                row = json.loads(line)
                rows[row.get("interview_id") or row.get("id")] = row
        for created, typed in ((first, typed_first), (second, typed_second)):
            row = rows.get(created["interview"])
            check(row is not None, f"the export holds interview {created['interview']}")
            if row is None:
                continue
            answers = row.get("answers", row)
            check(str(row.get("mode")) in ("zelf", "Zelf ingevuld door het bestuur"), f"its mode is self-completion, not {row.get('mode')!r}")
            for name in ("a_functie", "a_aantal_respondenten"):
                if name in typed:
                    got = answers.get(name)
                    want = typed[name]
                    check(str(got) == want, f"{name}: the export holds {got!r}, the respondent typed {want!r}")
        check(typed_first != typed_second, "the two paths answered differently")
        print(f"web-form-check: 2 respondents, {len(seen)} kinds of page audited, {len(failures)} failures")
    finally:
        if driver:
            driver.quit()
        server.terminate()
        server.wait(timeout=10)
        subprocess.run(["rm", "-rf", work])
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
