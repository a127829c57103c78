#!/usr/bin/env python3
"""Browser journeys in Chromium (Playwright), against a running `kehittamo serve --demo`.

Each role's main journey is walked through the real pages by filling and submitting the real forms:
- employee: observation → idea from it → experiment plan (once empty, to see the error summary) →
  submit for review;
- key expert: review queue → the plan → approve with a comment;
- owner (the employee): start → diary entry → result report → complete;
- manager: dashboard and its filter form; opens a staff survey, which the employee answers (once
  with nothing chosen, to see the errors);
- customer: a panel coordinator invites a new address, the invitation mail's link is opened in a
  fresh browser, the person creates an account, votes on the round the coordinator opens and
  comments on a shared idea as a panel member;
- administrator: on a second, empty server (no --demo): the first-run setup, a municipality, units
  and a person with a role.
Every page reached is checked with axe-core (WCAG 2.0/2.1 A and AA) at 1280 and 320 px, and must not
be wider than the viewport.

Also what the Rust tests cannot see because nothing there runs scripts or lays out pages:
- the duplicate hint appears while an idea's title is typed, and the tab title is right;
- following: a comment by one person reaches the idea's author in the bell; a campaign is followed
  with its button;
- the notification settings and the unsubscribe page work at 320 px without horizontal scrolling.

    python3 tests/browser/journeys.py BASE_URL [CHROMIUM] [MAIL_DIR]

MAIL_DIR (or the environment variable MAIL_DIR) is the server's mail.file_dir: the server must run
with KEHITTAMO__MAIL__BACKEND=file and KEHITTAMO__MAIL__FILE_DIR=MAIL_DIR, so that the customer's
invitation link can be read. The administrator's journey starts the server binary KEHITTAMO_BIN
(default target/debug/kehittamo) on a free port with a fresh SQLite database in a temporary directory.
axe-core comes from tests/browser/node_modules (installed with npm from package.json if missing).
Exits non-zero on the first failed check, naming it.
"""

import email
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from axe_check import check_viewport, describe, describe_culprits, ensure_axe

if len(sys.argv) < 2:
    sys.exit("usage: python3 tests/browser/journeys.py BASE_URL [CHROMIUM] [MAIL_DIR]")
ROOT = Path(__file__).resolve().parents[2]
BASE = sys.argv[1].rstrip("/")
CHROMIUM = sys.argv[2] if len(sys.argv) > 2 else "/usr/bin/chromium"
MAIL_DIR = sys.argv[3] if len(sys.argv) > 3 else os.environ.get("MAIL_DIR", "")
KEHITTAMO_BIN = os.environ.get("KEHITTAMO_BIN", str(ROOT / "target" / "debug" / "kehittamo"))
PASSWORD = "kehittamo-demo-2026"
DEMO = "@demo.kehittamo.fi"
EMPLOYEE = "tyontekija" + DEMO
TRUSTEE = "luottamus" + DEMO
KEY_EXPERT = "avainosaaja" + DEMO
MANAGER = "johto" + DEMO
COORDINATOR = "esihenkilo" + DEMO  # coordinates the demo's "Ikäihmisten asiakasraati"
PANEL = "Ikäihmisten asiakasraati"
WIDE, NARROW = (1280, 900), (320, 800)
TIMEOUT_MS = 30_000
RUN = time.strftime("%H%M%S")  # makes this run's titles and addresses unique

AXE = ensure_axe()
PAGES = {}          # role → pages checked
VIOLATIONS = 0
WIDEST = (0, "")    # widest document at 320 px, and where
STARTED = time.time()


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        sys.exit(1)


class Person:
    """One role in its own browser context, checking every page it reaches."""

    def __init__(self, browser, role, who=None, base=BASE):
        self.role, self.base = role, base
        # The app's CSP forbids inline scripts; bypassed so that axe can be injected.
        self.context = browser.new_context(viewport={"width": WIDE[0], "height": WIDE[1]},
                                           locale="fi-FI", bypass_csp=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        if who:
            self.sign_in(who)

    def sign_in(self, who, password=PASSWORD):
        self.goto("/login", "the sign-in page")
        self.page.fill("input[name=email]", who)
        self.page.fill("input[name=password]", password)
        self.submit("main form button[type=submit]", f"the landing page after signing in as {who}")
        check(self.page.locator("form[action='/logout']").count() >= 1, f"{self.role}: signed in as {who}")

    @property
    def path(self):
        """The page's path and query (a long query, such as a token, shortened)."""
        parts = urlsplit(self.page.url)
        query = parts.query if len(parts.query) <= 60 else parts.query[:40] + "…"
        return parts.path + (f"?{query}" if query else "")

    def goto(self, path, what, status=200):
        resp = self.page.goto(self.base + path, wait_until="load")
        return self.inspect(what, resp, status)

    def submit(self, target, what, status=200):
        """Clicks a button or link (a selector or a locator) that navigates, and checks the page it
        leads to. Form posts answer 303 and the page is the one redirected to."""
        button = self.page.locator(target).first if isinstance(target, str) else target
        with self.page.expect_navigation(wait_until="load") as nav:
            button.click()
        return self.inspect(what, nav.value, status)

    def inspect(self, what, resp, status):
        """The page's status, then the page itself."""
        got = resp.status if resp else None
        check(got == status, f"{self.role}: {what} ({self.path}) answers {status}" + ("" if got == status else f", got {got}"))
        return self.audit(what, resp)

    def audit(self, what, resp=None):
        """axe and the document's width at 1280 and 320 px."""
        global VIOLATIONS, WIDEST
        where = f"{self.role}: {what} ({self.path})"
        PAGES[self.role] = PAGES.get(self.role, 0) + 1
        widths = []
        for w, h in (WIDE, NARROW):
            r = check_viewport(self.page, AXE, w, h)
            VIOLATIONS += len(r["violations"])
            if r["violations"]:
                check(False, f"{where} at {w} px: axe violation "
                             + "; ".join(describe(v) for v in r["violations"]))
            if r["overflow"]:
                check(False, f"{where} at {w} px: the document is {r['scroll_width']} px wide: "
                             + describe_culprits(r["culprits"]))
            if w == NARROW[0] and r["scroll_width"] > WIDEST[0]:
                WIDEST = (r["scroll_width"], f"{self.path} ({self.role})")
            widths.append(r["scroll_width"])
        self.page.set_viewport_size({"width": WIDE[0], "height": WIDE[1]})
        self.narrow_width = widths[1]
        print(f"ok   {where}: no axe violations at 1280 or 320 px, {widths[1]} px wide at 320 px", flush=True)
        return resp

    def text(self, selector="main"):
        return self.page.inner_text(selector)

    def choose_unit(self, selector, name):
        """Selects the option of a unit select whose text (without the tree's indent) is `name`."""
        value = self.page.eval_on_selector(
            selector, "(s, name) => { const o = [...s.options].find(o => o.textContent.trim().replace(/^[-–—·\\s]+/, '') === name); return o ? o.value : null; }", name)
        check(value is not None, f"{self.role}: {selector} offers the unit {name}")
        self.page.select_option(selector, value)
        return value

    def error_summary(self, what, fields=()):
        """The page re-shown with errors: the summary is there and focused, the tab title says
        Virhe:, every link of the summary leads to a field on the page; `fields` are among them."""
        p = self.page
        check(p.locator(".error-summary").count() == 1 and p.locator(".error-summary").is_visible(),
              f"{self.role}: {what}: the error summary is shown")
        try:
            p.wait_for_function("document.activeElement && document.activeElement.matches('.error-summary')",
                                timeout=3000)
        except Exception:  # noqa: BLE001 – reported by the check below
            pass
        focused = p.evaluate("document.activeElement ? document.activeElement.outerHTML.slice(0, 80) : null")
        check(p.evaluate("document.activeElement && document.activeElement.matches('.error-summary')"),
              f"{self.role}: {what}: focus is on the error summary (it is on {focused!r})")
        check(p.title().startswith("Virhe:"), f"{self.role}: {what}: the tab title starts with 'Virhe:' ({p.title()!r})")
        links = p.evaluate("""() => [...document.querySelectorAll('.error-summary a')].map(a => {
            const href = a.getAttribute('href') || '';
            const id = href.startsWith('#') ? decodeURIComponent(href.slice(1)) : null;
            return {href, ok: !!(id && document.getElementById(id))};
        })""")
        broken = [link["href"] for link in links if not link["ok"]]
        check(links and not broken, f"{self.role}: {what}: all {len(links)} summary links lead to a field on the page"
              + (f"; no target for {broken}" if broken else ""))
        hrefs = {link["href"] for link in links}
        missing = [f for f in fields if f"#f-{f}" not in hrefs]
        check(not missing, f"{self.role}: {what}: the summary names {', '.join(fields)}"
              + (f"; missing {missing}" if missing else ""))

    def close(self):
        self.context.close()


def wait_for_mail(to, needle, timeout=30):
    """The text of the newest .eml in MAIL_DIR addressed to `to` that contains `needle`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = []
        for f in Path(MAIL_DIR).glob("*.eml"):
            msg = email.message_from_bytes(f.read_bytes(), policy=policy.default)
            if to.lower() not in str(msg["To"]).lower():
                continue
            body = msg.get_body(preferencelist=("plain", "html"))
            text = body.get_content() if body else ""
            if needle in text:
                found.append((f.stat().st_mtime, text))
        if found:
            return max(found)[1]
        time.sleep(0.5)
    return None


def readyz(base):
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_empty_server():
    """The server binary on a free port with a new, empty SQLite database (no --demo)."""
    check(Path(KEHITTAMO_BIN).is_file(), f"the server binary for the empty database exists ({KEHITTAMO_BIN})")
    tmp = tempfile.mkdtemp(prefix="kehittamo-journeys-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, KEHITTAMO__DATABASE__URL=f"{tmp}/empty.sqlite3", KEHITTAMO__MAIL__BACKEND="memory",
               KEHITTAMO__SERVER__PORT=str(port), KEHITTAMO__SERVER__BASE_URL=base, KEHITTAMO__LOG__FILTER="warn")
    log = open(f"{tmp}/server.log", "wb")
    proc = subprocess.Popen([KEHITTAMO_BIN, "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        if proc.poll() is not None or readyz(base):
            break
        time.sleep(0.2)
    ready = proc.poll() is None and readyz(base)
    if not ready:
        proc.kill()
        proc.wait()
    check(ready, f"a second server on an empty database answers at {base}"
          + ("" if ready else f" (log: {Path(tmp, 'server.log').read_text(errors='replace')[-500:]})"))
    return proc, base, tmp


# ---------------------------------------------------------------------------------------------------------------------
# The checks that were here before the journeys.

def earlier_checks(browser):
    author = Person(browser, "employee", EMPLOYEE)
    page = author.page
    author.goto("/ideas/new", "the idea form")
    check(page.title() == "Jätä idea – Kehittämö", f"the idea form's tab title is {page.title()!r}")
    page.type("#f-title", "Tekstiviesti ennen", delay=40)
    page.wait_for_selector("#similar-ideas li", timeout=8000)
    check("Tekstiviesti" in page.inner_text("#similar-ideas"), "the duplicate hint lists a similar idea while typing")
    author.audit("the idea form showing similar ideas")

    page.fill("#f-title", "Selainpolun idea kuljetuksista")
    page.fill("textarea[name=problem]", "Kuljetukset varataan kolmessa paikassa.")
    page.fill("textarea[name=proposal]", "Kokeillaan yhteistä kalenteria.")
    page.locator("input[name=unit_ids]").first.check()
    author.submit("main form button[type=submit]", "the new idea")
    idea = page.url.split("?")[0]
    check("/ideas/" in idea, f"the idea was created at {idea}")

    trustee = Person(browser, "trustee", TRUSTEE)
    trustee.goto(urlsplit(idea).path, "an employee's new idea")
    trustee.page.fill("textarea[name=body]", "Hyvä ajatus, tätä on toivottu.")
    trustee.submit(trustee.page.locator("form[action$='/comments'] button[type=submit]").first,
                   "the idea with the trustee's comment")

    author.goto("/notifications", "the notifications")
    check("Ideaasi kommentoitiin: Selainpolun idea kuljetuksista" in author.text(),
          "the author sees the comment in the bell, as their own idea")

    trustee.goto("/campaigns/1", "a campaign")
    trustee.submit("form[action='/follows/campaign/1'] button", "the campaign, followed")
    check("Lopeta seuraaminen" in trustee.text(), "the campaign page's follow button follows it")

    author.goto("/profile", "the profile")
    check(page.locator("select[name=kind_idea_commented]").count() == 1, "the profile offers notification settings")
    check(author.narrow_width <= NARROW[0], "the profile fits 320 px")
    author.goto("/unsubscribe?token=not-a-token", "a bad unsubscribe link", status=400)
    check("Linkki on vanhentunut" in author.text() and author.narrow_width <= NARROW[0],
          "a bad unsubscribe link explains itself at 320 px")
    trustee.close()
    return author


# ---------------------------------------------------------------------------------------------------------------------
# The journeys.

def employee_plans(emp):
    """Observation → idea → experiment plan → submitted for review. Returns the experiment's path."""
    p = emp.page
    situation = f"Asiakas odotti kotikäyntiä turhaan ({RUN}), kun käyntiaika oli muuttunut."
    emp.submit("nav a[href='/observations']", "the observations")
    p.fill("#f-situation", situation)
    p.fill("#f-challenge", "Tieto muuttuneesta käyntiajasta ei kulkenut asiakkaalle asti.")
    p.fill("#f-resolution", "Soitin asiakkaalle ja kerroin uuden ajan.")
    emp.choose_unit("#f-unit_id", "Kotihoito Ii")
    emp.submit("form[action='/observations'] button[type=submit]", "my observations after saving one")
    check("observation_saved" in p.url and situation in emp.text(), "employee: the observation is saved and listed")

    item = p.locator("ol.idea-list > li", has_text=situation)
    item.locator("input[name=observation_ids]").check()
    emp.submit("button[name=action][value=to_idea]", "the idea form made from the observation")
    check("/ideas/new" in p.url and "observation_ids=" in p.url, "employee: the observation opens the idea form")
    check(situation in p.input_value("#f-problem"), "employee: the idea's problem is prefilled from the observation")
    check(p.locator("input[name=unit_ids]:checked").count() >= 1, "employee: the idea's unit is prefilled from the observation")

    title = f"Käyntiaikojen muutokset tekstiviestillä {RUN}"
    p.fill("#f-title", title)
    p.fill("#f-proposal", "Lähetetään asiakkaalle tekstiviesti aina, kun käyntiaika muuttuu.")
    emp.submit("main form[action='/ideas'] button[type=submit]", "the new idea")
    check(re.search(r"/ideas/\d+", p.url) is not None and title in p.title(), f"employee: the idea is created ({p.url})")
    idea_path = urlsplit(p.url).path

    emp.submit("a[href^='/experiments/new?idea_id=']", "the experiment plan form from the idea")
    check(p.locator("input[type=hidden][name=idea_ids]").count() == 1, "employee: the plan form carries the idea")

    # Once empty: every field emptied, then saved.
    for sel in ["#f-title", "#f-hypothesis", "#f-what_tried", "#f-customer_involvement", "#f-starts_on",
                "#f-ends_on", "#f-budget", "#f-team"]:
        p.fill(sel, "")
    p.select_option("#f-unit_id", "")
    emp.submit("main form[action='/experiments'] button[type=submit]", "the empty plan, refused", status=422)
    emp.error_summary("the empty experiment plan", ["title", "unit_id", "hypothesis", "what_tried", "starts_on", "ends_on"])

    # Corrected on the re-shown form.
    plan = f"Tekstiviesti muuttuneesta käyntiajasta {RUN}"
    start = date.today() + timedelta(days=7)
    p.fill("#f-title", plan)
    emp.choose_unit("#f-unit_id", "Kotihoito Ii")
    p.fill("#f-hypothesis", "Kun asiakas saa tekstiviestin muuttuneesta ajasta, turhat odotukset vähenevät puoleen.")
    p.fill("#f-what_tried", "Kotihoidon toiminnanohjaaja lähettää tekstiviestin jokaisesta siirretystä käynnistä.")
    p.fill("#f-customer_involvement", "Kysymme kymmeneltä asiakkaalta, oliko viestistä apua.")
    p.fill("#f-starts_on", start.isoformat())
    p.fill("#f-ends_on", (start + timedelta(days=60)).isoformat())
    p.fill("#f-budget", "150")
    p.fill("#f-team", "")
    p.check("#f-touches_personal_data")
    row = p.locator("fieldset.indicator-row").first
    for name, value in [("name", "Turhat odotukset"), ("measure", "kpl/kk"), ("baseline", "12"),
                        ("target", "6"), ("method", "Toiminnanohjauksen poikkeamakirjaus")]:
        row.locator(f"input[name=ind_{name}]").fill(value)
    check(p.locator("input[type=hidden][name=idea_ids]").count() == 1, "employee: the re-shown plan form still carries the idea")
    emp.submit("main form[action='/experiments'] button[type=submit]", "the saved experiment plan")
    check(re.search(r"/experiments/\d+", p.url) is not None and plan in emp.text("h1"), f"employee: the plan is saved ({p.url})")
    experiment = urlsplit(p.url).path
    check("Turhat odotukset" in emp.text(), "employee: the plan shows its indicator")

    emp.submit(f"form[action='{experiment}/submit'] button", "the plan after submitting it for review")
    check("Lähetetty" in emp.text(".meta") or "Odottaa" in emp.text(".meta"),
          f"employee: the plan is submitted ({emp.text('.meta')!r})")
    return experiment, plan, idea_path


def key_expert_reviews(browser, experiment, plan):
    ke = Person(browser, "key expert", KEY_EXPERT)
    p = ke.page
    ke.submit("nav a[href='/reviews']", "the review queue")
    check(plan in ke.text(), "key expert: the submitted plan is in the review queue")
    ke.submit(p.locator("main a", has_text=plan), "the submitted plan")
    check(urlsplit(p.url).path == experiment, f"key expert: the queue links to the plan ({p.url})")
    check(p.locator("form[action$='/review']").count() == 1, "key expert: the plan offers the review form")
    p.check("#decision-approve")
    p.fill("form[action$='/review'] textarea[name=comment]", "Hyvä ja rajattu kokeilu. Muistakaa kysyä asiakkaiden lupa.")
    ke.submit("form[action$='/review'] button[type=submit]", "the plan after approving it")
    check("Hyväksytty" in ke.text(".meta"), f"key expert: the plan is approved ({ke.text('.meta')!r})")
    check("Muistakaa kysyä asiakkaiden lupa" in ke.text(), "key expert: the review comment is shown")
    ke.close()


def owner_runs(emp, experiment):
    emp.role = "owner"
    p = emp.page
    emp.goto(experiment, "my approved experiment")
    emp.submit(f"form[action='{experiment}/start'] button", "my experiment after starting it")
    check("Käynnissä" in emp.text(".meta"), f"owner: the experiment is running ({emp.text('.meta')!r})")

    entry = f"Ensimmäinen viikko: 4 siirrettyä käyntiä, kaikille lähti viesti ({RUN})."
    if not p.input_value("form[action$='/log'] input[name=entry_on]"):
        p.fill("form[action$='/log'] input[name=entry_on]", date.today().isoformat())
    p.fill("form[action$='/log'] textarea[name=body]", entry)
    emp.submit("form[action$='/log'] button[type=submit]", "my experiment with a diary entry")
    check(entry in emp.text(), "owner: the diary entry is shown")

    emp.submit(f"a[href='{experiment}/report/edit']", "the result report form")
    answers = {
        "what_we_did": "Lähetimme tekstiviestin jokaisesta siirretystä käynnistä kahden kuukauden ajan.",
        "what_made_us_dare": "Asiakkaiden palaute turhista odotuksista ja esihenkilön tuki.",
        "where_we_succeeded": "Turhat odotukset vähenivät selvästi.",
        "what_we_would_change": "Viesti lähtisi automaattisesti toiminnanohjausjärjestelmästä.",
        "what_we_learned": "Pieni viesti säästää sekä asiakkaan että hoitajan aikaa.",
        "operational_impact": "Noin tunti hoitajan aikaa viikossa vapautui.",
        "customer_feedback": "Asiakkaat pitivät viestejä hyödyllisinä.",
    }
    textareas = p.locator("main form textarea")
    check(textareas.count() == len(answers), f"owner: the report asks {textareas.count()} questions")
    for name, value in answers.items():
        p.fill(f"textarea[name={name}]", value)
    actuals = p.locator("input[name^='actual.']")
    check(actuals.count() == 1, "owner: the report asks the indicator's actual value")
    actuals.first.fill("5")
    p.fill("#f-one_off", "-150")
    p.fill("#f-yearly", "2000")
    p.check("#recommend-yes")
    emp.submit("main form[action$='/report'] button[type=submit]", "the saved result report")

    emp.goto(experiment, "my experiment with its report")
    check(answers["what_we_learned"] in emp.text(), "owner: the experiment shows what we learned")
    emp.submit(f"form[action='{experiment}/complete'] button", "my experiment after completing it")
    check("Päättynyt" in emp.text(".meta"),
          f"owner: the experiment is completed ({emp.text('.meta')!r})")
    emp.submit(f"a[href='{experiment}/report']", "the result report")
    check(answers["where_we_succeeded"] in emp.text(), "owner: the result report shows the answers")


def showcase_published_and_withdrawn(browser, experiment):
    """A key expert shows the completed experiment in public after the preview and the checklist;
    a resident finds it on /showcase by municipality without signing in, sees its share card,
    subscribes to the feed; taken down, its address answers 410 and it leaves the feed."""
    ke = Person(browser, "key expert (showcase)", KEY_EXPERT)
    p = ke.page
    ke.goto(experiment, "the completed experiment")
    title = p.inner_text("main h1").strip()
    ke.submit(f"main a[href='{experiment}/public']", "the page that makes it public")
    ke.goto(f"{experiment}/public/preview", "the preview, as the public will see it")
    check(title in ke.text(), "key expert (showcase): the preview shows the experiment")
    ke.goto(f"{experiment}/public", "the page that makes it public again")
    ke.submit(f"form[action='{experiment}/public'] button[type=submit]", "the checklist sent unconfirmed", status=422)
    ke.error_summary("the unconfirmed checklist", ["no_personal_data", "pictures_consented", "names_consented"])
    for item in ("no_personal_data", "pictures_consented", "names_consented"):
        p.check(f"#f-{item}")
    ke.submit(f"form[action='{experiment}/public'] button[type=submit]", "the experiment, now public")
    check("shown_publicly" in p.url, "key expert (showcase): the experiment is shown in public")

    resident = Person(browser, "resident")
    r = resident.page
    resident.goto("/showcase", "the public showcase")
    check(r.context.cookies() == [], "resident: the showcase sets no cookies")
    value = r.eval_on_selector("#municipality", "(s) => [...s.options].find(o => o.textContent.trim() === 'Ii').value")
    r.select_option("#municipality", value)
    resident.submit("form[action='/showcase'] button[type=submit]", "the showcase for Ii")
    public_path = "/showcase/experiments/" + experiment.rsplit("/", 1)[1]
    check(title in resident.text(), "resident: the experiment is among Ii's results")
    resident.submit(f"main a[href='{public_path}']", "the public experiment")
    og = r.eval_on_selector("meta[property='og:title']", "m => m.content")
    check(og == title, f"resident: the share card carries the title ({og!r})")
    check(r.input_value("#share-link").endswith(public_path), "resident: the link to copy is the page's own")
    feed = r.request.get(BASE + "/showcase/feed.atom")
    check(feed.ok and title in feed.text(), "resident: the Atom feed has the experiment")

    ke.goto(f"{experiment}/public", "the public experiment's page of settings")
    ke.submit(f"form[action='{experiment}/public/withdraw'] button[type=submit]", "the experiment, taken down")
    # The server answers 410 at once; this browser may keep its copy for the minute the page
    # allows caching, so the address is asked directly and then in another spelling.
    check(r.request.get(BASE + public_path).status == 410, "resident: the old address answers 410 Gone")
    resident.goto(public_path + "?lang=fi", "the withdrawn experiment's old address", status=410)
    feed = r.request.get(BASE + "/showcase/feed.atom")
    check(title not in feed.text(), "resident: the feed no longer has it")
    resident.close()
    ke.close()


def manager_dashboard_and_survey(browser, emp):
    mgr = Person(browser, "manager", MANAGER)
    p = mgr.page
    mgr.submit("nav a[href='/dashboard']", "the dashboard")
    mgr.choose_unit("#f-unit", "Kotihoito")
    mgr.submit("form[action='/dashboard'] button[type=submit]", "the dashboard filtered to Kotihoito")
    check("unit=" in p.url, f"manager: the filter is in the address ({p.url})")

    mgr.submit("nav a[href='/surveys']", "the surveys")
    mgr.submit("main a[href='/surveys/new']", "the new survey form")
    title = f"Työhyvinvointi ja kehittäminen {RUN}"
    p.fill("#f-title", title)
    p.select_option("#f-unit_id", "")
    emp_statements = p.input_value("#f-statements").strip().splitlines()
    check(len(emp_statements) >= 3, f"manager: the survey form suggests {len(emp_statements)} statements")
    mgr.submit("main form[action='/surveys'] button[type=submit]", "the opened survey")
    survey = urlsplit(p.url).path
    check(re.fullmatch(r"/surveys/\d+", survey) is not None and title in mgr.text("h1"), f"manager: the survey is open ({p.url})")

    emp.role = "employee"
    q = emp.page
    emp.submit("nav a[href='/surveys']", "the surveys")
    emp.submit(q.locator("main a", has_text=title), "the survey to answer")
    check(urlsplit(q.url).path == survey, "employee: the survey list links to the survey")
    # Sent with nothing chosen, the page answers with its error summary (the browser's own
    # validation must not stop the form: every form of the app leaves that to the server).
    answers = q.locator("main form[action$='/answers']")
    blocked = answers.evaluate("f => !f.noValidate && !f.checkValidity()")
    check(not blocked, "employee: the survey form sent with nothing chosen reaches the server (the browser's own "
                       "validation stops it: its radios are required and the form has no novalidate)")
    emp.submit(answers.locator("button[type=submit]"), "the survey answered with nothing chosen", status=422)
    statements = [i[2:] for i in q.eval_on_selector_all("fieldset.likert", "els => els.map(e => e.id)")]
    emp.error_summary("the unanswered survey", statements)
    fieldsets = q.locator("fieldset.likert")
    check(fieldsets.count() == len(emp_statements), f"employee: the survey asks {fieldsets.count()} statements")
    for i in range(fieldsets.count()):
        fieldsets.nth(i).locator("input[type=radio]").nth(3).check()
    emp.submit("main form[action$='/answers'] button[type=submit]", "the survey after answering")
    check("survey_answered" in q.url and q.locator("form[action$='/answers']").count() == 0,
          "employee: the answers are saved and the form is gone")

    mgr.goto(survey, "the survey with one answer")
    mgr.submit(f"a[href='{survey}/results']", "the survey's results")
    mgr.close()


def customer_joins(browser):
    check(bool(MAIL_DIR) and Path(MAIL_DIR).is_dir(),
          f"the invitation mail can be read: MAIL_DIR is the server's mail.file_dir ({MAIL_DIR or 'not set'})")
    coord = Person(browser, "panel coordinator", COORDINATOR)
    p = coord.page
    coord.submit("nav a[href='/panels']", "the panels")
    coord.submit(p.locator("main a", has_text=PANEL).first, "the panel")
    panel = urlsplit(p.url).path
    check(re.fullmatch(r"/panels/\d+", panel) is not None, f"panel coordinator: the panel list links to the panel ({p.url})")
    coord.submit(f"a[href='{panel}/members']", "the panel's members")
    invitee = f"uusi.asiakas.{RUN}@example.fi"
    p.fill("form[action$='/invitations'] input[name=email]", invitee)
    coord.submit("form[action$='/invitations'] button[type=submit]", "the members after inviting a new address")
    check(invitee in coord.text(), "panel coordinator: the invitation is listed")

    mail = wait_for_mail(invitee, "/panel-invitation?token=")
    check(mail is not None, f"the invitation mail to {invitee} arrives in {MAIL_DIR}")
    link = re.search(r"https?://\S+/panel-invitation\?token=\S+", mail).group(0)
    # A fresh browser, as the person who has no account yet.
    cust = Person(browser, "customer")
    c = cust.page
    cust.goto(urlsplit(link).path + "?" + urlsplit(link).query, "the panel invitation")
    check(PANEL in cust.text(), "customer: the invitation names the panel")
    cust.submit("form[action='/panel-invitation'] button[type=submit]", "the invitation with nothing filled in", status=422)
    cust.error_summary("the empty invitation form", ["name", "password"])
    c.fill("#f-name", "Uuno Uusi-Asiakas")
    c.fill("#f-password", "Kotihoito-raati-2026")
    cust.submit("form[action='/panel-invitation'] button[type=submit]", "the panel after joining")
    check(urlsplit(c.url).path == panel and c.locator("form[action='/logout']").count() >= 1,
          f"customer: the account is made, signed in and in the panel ({c.url})")

    # The coordinator opens a round of three shared ideas.
    coord.goto(panel, "the panel")
    coord.submit(f"a[href='{panel}/rounds/new']", "the new round form")
    boxes = p.locator("#f-idea_ids input[name=idea_ids]")
    check(boxes.count() >= 3, f"panel coordinator: the round form offers {boxes.count()} shared ideas")
    for i in range(3):
        boxes.nth(i).check()
    round_title = f"Mikä idea kokeiluun ensin? {RUN}"
    p.fill("#f-title", round_title)
    p.fill("#f-best_marks", "1")
    p.fill("#f-worst_marks", "1")
    coord.submit("main form[action$='/rounds'] button[type=submit]", "the new round")
    check(round_title in coord.text("h1"), f"panel coordinator: the round is created ({p.url})")

    cust.goto(panel, "the panel with the new round")
    cust.submit(c.locator("main a", has_text=round_title), "the ballot")
    ideas = c.locator("fieldset.ballot-idea")
    check(ideas.count() == 3, f"customer: the ballot lists {ideas.count()} ideas")
    ideas.nth(0).locator("input[name=best]").check()
    ideas.nth(2).locator("input[name=worst]").check()
    cust.submit("form.ballot button[type=submit]", "the ballot after voting")
    check("ballot_saved" in c.url and ideas.nth(0).locator("input[name=best]:checked").count() == 1
          and ideas.nth(2).locator("input[name=worst]:checked").count() == 1, "customer: the ballot is saved with its marks")

    # A comment as a panel member on a shared idea.
    cust.goto(panel, "the panel")
    shared = c.locator("#shares-heading ~ ul li[id^=share-] > a[href^='/ideas/']").first
    cust.submit(shared, "a shared idea")
    form = c.locator("article.panel-voice form[action$='/comments']").first
    check(form.count() == 1, "customer: the shared idea offers the panel comment form")
    comment = f"Minulle tekstiviesti riittäisi hyvin ({RUN})."
    form.locator("textarea[name=body]").fill(comment)
    cust.submit(form.locator("button[type=submit]"), "the shared idea with my panel comment")
    check(comment in cust.text(), "customer: the panel comment is shown on the idea")
    cust.close()
    coord.close()


def administrator_sets_up(browser):
    proc, base, tmp = start_empty_server()
    try:
        adm = Person(browser, "administrator", base=base)
        p = adm.page
        adm.goto("/", "the first page of an empty service (to the setup)")
        check(urlsplit(p.url).path == "/setup", f"administrator: an empty service opens the setup ({p.url})")
        adm.submit("main form[action='/setup'] button[type=submit]", "the empty setup form, refused", status=422)
        adm.error_summary("the empty setup form", ["organisation_name", "name", "email", "password"])
        p.fill("#f-organisation_name", "Testikuntayhtymä")
        p.fill("#f-name", "Ensi Ylläpitäjä")
        p.fill("#f-email", "yllapito@example.fi")
        p.fill("#f-password", "Ensimmainen-salasana-2026")
        adm.submit("main form[action='/setup'] button[type=submit]", "the administration after the setup")
        check(urlsplit(p.url).path == "/admin" and p.locator("form[action='/logout']").count() >= 1,
              f"administrator: the setup signs the first administrator in ({p.url})")

        adm.submit("main a[href='/admin/municipalities']", "the municipalities")
        p.fill("form[action='/admin/municipalities'] input[name=name]", "Testilä")
        adm.submit("form[action='/admin/municipalities'] button[type=submit]", "the municipalities after adding one")
        check("Testilä" in adm.text(), "administrator: the municipality is listed")

        adm.submit("nav.breadcrumb a[href='/admin']", "the administration")
        adm.submit("main a[href='/admin/units']", "the units")
        p.fill("#f-name", "Perusturva")
        p.locator("input[name=municipality_ids]").first.check()
        adm.submit("form[action='/admin/units'] button[type=submit]", "the first unit, added")
        check(re.fullmatch(r"/admin/units/\d+", urlsplit(p.url).path) is not None and p.input_value("#f-name") == "Perusturva",
              f"administrator: the unit is created and opened for editing ({p.url})")
        adm.submit("nav.breadcrumb a[href='/admin']", "the administration")
        adm.submit("main a[href='/admin/units']", "the units")
        p.fill("#f-name", "Kotihoito Testilä")
        adm.choose_unit("#f-parent_id", "Perusturva")
        p.locator("input[name=municipality_ids]").first.check()
        adm.submit("form[action='/admin/units'] button[type=submit]", "the second unit, added under the first")
        adm.submit("nav.breadcrumb a[href='/admin']", "the administration")
        adm.submit("main a[href='/admin/units']", "the units")
        tree = adm.text("ul.tree")
        check("Perusturva" in tree and "Kotihoito Testilä" in tree, "administrator: both units are in the tree")

        adm.submit("nav.breadcrumb a[href='/admin']", "the administration")
        adm.submit("main a[href='/admin/people']", "the people")
        p.fill("#f-name", "Testi Työntekijä")
        p.fill("#f-email", "testi.tyontekija@example.fi")
        p.fill("#f-password", "Tyontekijan-salasana-2026")
        p.locator("label", has_text="Kotihoito Testilä").click()
        adm.submit("form[action='/admin/people'][method=post] button[type=submit]", "the new person")
        check(re.fullmatch(r"/admin/people/\d+", urlsplit(p.url).path) is not None, f"administrator: the person is created ({p.url})")
        p.select_option("#f-role", "key_expert")
        adm.choose_unit("#f-unit_id", "Kotihoito Testilä")
        adm.submit("form[action$='/roles'] button[type=submit]", "the person with a role")
        check("Kotihoito Testilä" in adm.text("#roles-heading ~ .table-scroll"), "administrator: the role is granted for the unit")
        adm.submit("nav.breadcrumb a[href='/admin']", "the administration")
        adm.submit("main a[href='/admin/people']", "the people with the new person")
        check("testi.tyontekija@example.fi" in adm.text(), "administrator: the person is listed")
        adm.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


with sync_playwright() as pw:
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    employee = earlier_checks(browser)
    experiment, plan, idea = employee_plans(employee)
    key_expert_reviews(browser, experiment, plan)
    owner_runs(employee, experiment)
    showcase_published_and_withdrawn(browser, experiment)
    manager_dashboard_and_survey(browser, employee)
    customer_joins(browser)
    administrator_sets_up(browser)
    employee.close()
    browser.close()

print("pages visited: " + ", ".join(f"{role} {n}" for role, n in PAGES.items())
      + f"; {sum(PAGES.values())} in all, each at 1280 and 320 px")
print(f"axe violations: {VIOLATIONS}; widest document at 320 px: {WIDEST[0]} px ({WIDEST[1]})")
print(f"browser journeys passed in {time.time() - STARTED:.0f} s")
