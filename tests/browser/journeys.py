#!/usr/bin/env python3
"""Browser journeys in Chromium (Playwright), against a running `kehittamo serve --demo`.

What the Rust tests cannot see because nothing there runs scripts or lays out pages:
- the duplicate hint appears while an idea's title is typed, and the tab title is right;
- following: a comment by one person reaches the idea's author in the bell; a campaign is followed
  with its button;
- the notification settings and the unsubscribe page work at 320 px without horizontal scrolling.

    python3 tests/browser/journeys.py http://127.0.0.1:8080
Exits non-zero on the first failed check, naming it.
"""

import sys

from playwright.sync_api import sync_playwright

BASE = sys.argv[1].rstrip("/")
CHROMIUM = sys.argv[2] if len(sys.argv) > 2 else "/usr/bin/chromium"
PASSWORD = "kehittamo-demo-2026"
EMPLOYEE = "tyontekija@demo.kehittamo.fi"
TRUSTEE = "luottamus@demo.kehittamo.fi"


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        sys.exit(1)


def sign_in(browser, who, width=1280):
    page = browser.new_context(viewport={"width": width, "height": 900}, locale="fi-FI").new_page()
    page.goto(BASE + "/login")
    page.fill("input[name=email]", who)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    author = sign_in(browser, EMPLOYEE)

    author.goto(BASE + "/ideas/new")
    check(author.title() == "Jätä idea – Kehittämö", f"the idea form's tab title is {author.title()!r}")
    author.type("#f-title", "Tekstiviesti ennen", delay=40)
    author.wait_for_selector("#similar-ideas li", timeout=8000)
    check("Tekstiviesti" in author.inner_text("#similar-ideas"), "the duplicate hint lists a similar idea while typing")

    author.fill("#f-title", "Selainpolun idea kuljetuksista")
    author.fill("textarea[name=problem]", "Kuljetukset varataan kolmessa paikassa.")
    author.fill("textarea[name=proposal]", "Kokeillaan yhteistä kalenteria.")
    author.locator("input[name=unit_ids]").first.check()
    author.click("main form button[type=submit]")
    author.wait_for_load_state()
    idea = author.url.split("?")[0]
    check("/ideas/" in idea, f"the idea was created at {idea}")

    trustee = sign_in(browser, TRUSTEE)
    trustee.goto(idea)
    trustee.fill("textarea[name=body]", "Hyvä ajatus, tätä on toivottu.")
    trustee.locator("form[action$='/comments'] button[type=submit]").first.click()
    trustee.wait_for_load_state()

    author.goto(BASE + "/notifications")
    check("Ideaasi kommentoitiin: Selainpolun idea kuljetuksista" in author.inner_text("main"),
          "the author sees the comment in the bell, as their own idea")

    trustee.goto(BASE + "/campaigns/1")
    trustee.click("form[action='/follows/campaign/1'] button")
    trustee.wait_for_load_state()
    check("Lopeta seuraaminen" in trustee.inner_text("main"), "the campaign page's follow button follows it")

    narrow = sign_in(browser, EMPLOYEE, width=320)
    narrow.goto(BASE + "/profile")
    check(narrow.locator("select[name=kind_idea_commented]").count() == 1, "the profile offers notification settings")
    check(fits(narrow), "the profile fits 320 px")
    narrow.goto(BASE + "/unsubscribe?token=not-a-token")
    check("Linkki on vanhentunut" in narrow.inner_text("main") and fits(narrow), "a bad unsubscribe link explains itself at 320 px")
    browser.close()
print("browser journeys passed")
