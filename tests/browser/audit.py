#!/usr/bin/env python3
"""Accessibility and narrow-screen audit in Chromium (Playwright + axe-core), against a running
`kehittamo serve --demo`.

For anonymous and each demo role, signs in and crawls same-origin links breadth-first from "/"
(GET only: no forms are submitted, except the language switcher, see below). Each page kind
(numeric ids folded, e.g. /ideas/{id}) is visited at most MAX_PER_KIND times and each role at most
MAX_PAGES pages. Every page is checked at 1280x900 and 320x800 with axe-core (WCAG 2.0/2.1 A and
AA) and for horizontal overflow (document scrollWidth wider than the viewport).

The crawl is in Finnish; then a sample of the pages is checked again in Swedish and English. A
signed-in person's language is stored on their account, so the switch is made with the header's
language form, and the original language is restored at the end.

    python3 tests/browser/audit.py http://127.0.0.1:8080 [--chromium PATH] [--axe axe.min.js] [--report out.json]

axe-core comes from tests/browser/node_modules (installed with npm from package.json if missing).
Exits non-zero if any page has an axe violation, is wider than the viewport, or fails to load (5xx
or a browser error); links to 4xx pages are listed but do not fail the run.
"""

import argparse
import json
import re
import sys
import time
from collections import defaultdict, deque
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from axe_check import AXE_TAGS, DEFAULT_AXE, check_viewport, ensure_axe

PASSWORD = "kehittamo-demo-2026"
ROLES = [
    ("anonymous", None),
    ("administrator", "admin@demo.kehittamo.fi"),
    ("manager", "johto@demo.kehittamo.fi"),
    ("unit-manager", "esihenkilo@demo.kehittamo.fi"),
    ("key-expert", "avainosaaja@demo.kehittamo.fi"),
    ("employee", "tyontekija@demo.kehittamo.fi"),
    ("customer", "asiakas@demo.kehittamo.fi"),
    ("trustee", "luottamus@demo.kehittamo.fi"),
]
VIEWPORTS = [(1280, 900), (320, 800)]
NARROW = 320
MAX_PAGES = 60          # pages per role (Finnish crawl)
MAX_PER_KIND = 3        # visits per page kind
LANG_SAMPLE = 8         # pages per role re-checked in each extra language
EXTRA_LANGS = ["sv", "en"]
TIMEOUT_MS = 30_000

# Paths never visited: downloads, static files, the API, anything that signs out or switches language.
SKIP = re.compile(
    r"\.(csv|xlsx|svg|json|md|atom|xml|txt|js|css|png|jpe?g|ico|pdf|zip)$"
    r"|^/(static|api)(/|$)|openapi|logout|^/language"
)


def kind_of(path):
    """The page kind: numeric ids and long tokens folded; all query variants (filters, paging) of
    a path are one kind, so listings do not eat the page budget."""
    parts = urlsplit(path)
    p = re.sub(r"/\d+(?=/|$)", "/{id}", parts.path)
    p = re.sub(r"/[0-9A-Za-z_-]{20,}(?=/|$)", "/{token}", p)
    return p + ("?…" if parts.query else "")


def local_path(url, origin):
    """The path and query of a same-origin URL worth visiting, else None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin or SKIP.search(parts.path):
        return None
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class Auditor:
    def __init__(self, browser, base, axe_source):
        self.browser = browser
        self.base = base
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
        self.axe_source = axe_source

    def new_page(self, context):
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return page

    def sign_in(self, email):
        """A fresh context (and page), signed in as `email` unless None. Raises if sign-in fails."""
        # CSP forbids inline scripts, so bypass it to inject axe.
        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, locale="fi-FI",
                                           bypass_csp=True)
        page = self.new_page(context)
        if email:
            page.goto(self.base + "/login")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", PASSWORD)
            page.click("main form button[type=submit]")
            page.wait_for_load_state()
            if page.locator("form[action='/logout']").count() == 0:
                raise RuntimeError(f"sign-in failed, still at {page.url}")
        return context, page

    def current_lang(self, page):
        return page.evaluate("document.documentElement.lang")

    def switch_lang(self, page, lang):
        """Switches language with the header's form (the one form this audit submits)."""
        # The public showcase switches language by its address, with links: use a page that
        # has the form.
        if not page.url.startswith(self.base) or page.locator("form.lang-switch").count() == 0:
            page.goto(self.base + "/")
        if self.current_lang(page) == lang:
            return
        page.click(f"form.lang-switch button[value={lang}]")
        page.wait_for_load_state()
        if self.current_lang(page) != lang:
            raise RuntimeError(f"language switch to {lang} failed")

    def audit(self, page, path, lang):
        """Loads `path` and checks it at each viewport. Returns (record, links found)."""
        rec = {"path": path, "kind": kind_of(path), "lang": lang, "status": None, "final": None,
               "error": None, "viewports": {}}
        links = []
        try:
            page.set_viewport_size({"width": VIEWPORTS[0][0], "height": VIEWPORTS[0][1]})
            resp = page.goto(self.base + path, wait_until="load", timeout=TIMEOUT_MS)
            rec["status"] = resp.status if resp else None
            rec["final"] = local_path(page.url, self.origin) or page.url
            ctype = resp.headers.get("content-type", "") if resp else ""
            if "html" not in ctype:
                rec["error"] = f"not HTML ({ctype or 'no response'})"
                return rec, links
            rec["title"] = page.title()
            links = page.eval_on_selector_all(
                "a[href]", "els => els.filter(a => !a.hasAttribute('download')).map(a => a.href)")
            for w, h in VIEWPORTS:
                rec["viewports"][str(w)] = check_viewport(page, self.axe_source, w, h)
        except PlaywrightError as e:
            rec["error"] = f"{type(e).__name__}: {str(e).splitlines()[0]}"
        except Exception as e:  # noqa: BLE001 – one bad page must not stop the audit
            rec["error"] = f"{type(e).__name__}: {e}"
        return rec, links

    def run_role(self, role, email):
        """Crawls as one role in Finnish, then re-checks a sample in the other languages."""
        out = {"email": email, "error": None, "pages": []}
        started = time.time()
        try:
            context, page = self.sign_in(email)
        except Exception as e:  # noqa: BLE001
            out["error"] = f"{type(e).__name__}: {e}"
            return out
        try:
            original = self.current_lang(page)
            self.switch_lang(page, "fi")
            # Breadth-first; the queue holds (path, the page that linked to it).
            queue, queued, per_kind = deque([("/", None)]), {"/"}, defaultdict(int)
            per_kind[kind_of("/")] = 1
            while queue and len(out["pages"]) < MAX_PAGES:
                path, referrer = queue.popleft()
                if page.is_closed():
                    page = self.new_page(context)
                rec, links = self.audit(page, path, "fi")
                rec["role"], rec["from"] = role, referrer
                out["pages"].append(rec)
                if rec["final"] and urlsplit(rec["final"]).path == "/login" and email:
                    rec["error"] = rec["error"] or "redirected to /login (signed out?)"
                for link in links:
                    p = local_path(link, self.origin)
                    if p is None or p in queued or per_kind[kind_of(p)] >= MAX_PER_KIND:
                        continue
                    queued.add(p)
                    per_kind[kind_of(p)] += 1
                    queue.append((p, path))
            # Sample: the first pages of distinct kinds that loaded fine.
            sample, kinds = [], set()
            for rec in out["pages"]:
                if rec["viewports"] and rec["kind"] not in kinds:
                    kinds.add(rec["kind"])
                    sample.append(rec["path"])
            for lang in EXTRA_LANGS:
                try:
                    self.switch_lang(page, lang)
                except Exception as e:  # noqa: BLE001
                    out["error"] = f"{lang}: {e}"
                    continue
                for path in sample[:LANG_SAMPLE]:
                    rec, _ = self.audit(page, path, lang)
                    rec["role"] = role
                    out["pages"].append(rec)
            self.switch_lang(page, original or "fi")
        except Exception as e:  # noqa: BLE001
            out["error"] = f"{type(e).__name__}: {e}"
        finally:
            context.close()
        out["seconds"] = round(time.time() - started, 1)
        return out


def summarise(roles):
    """Aggregates the page records: pages per role, violations by rule, widths at 320 px, errors."""
    rules = {}
    widths = {}
    errors, broken, overflowing = [], [], []
    for role, r in roles.items():
        for rec in r["pages"]:
            if 400 <= (rec["status"] or 0) < 500:
                broken.append({"role": role, "path": rec["path"], "status": rec["status"], "from": rec.get("from")})
            if rec["error"] or (rec["status"] or 0) >= 500:
                errors.append({"role": role, "lang": rec["lang"], "path": rec["path"],
                               "status": rec["status"], "error": rec["error"]})
            for w, vp in rec["viewports"].items():
                for v in vp["violations"]:
                    agg = rules.setdefault(v["rule"], {"impact": v["impact"], "help": v["help"],
                                                       "nodes": 0, "occurrences": 0, "kinds": set(),
                                                       "example": None})
                    agg["nodes"] += v["nodes"]
                    agg["occurrences"] += 1
                    agg["kinds"].add(rec["kind"])
                    agg["example"] = agg["example"] or {"path": rec["path"], "role": role,
                                                        "lang": rec["lang"], "width": int(w),
                                                        "target": v["target"]}
                if vp["overflow"]:
                    overflowing.append({"path": rec["path"], "role": role, "lang": rec["lang"],
                                        "viewport": int(w), "width": vp["scroll_width"]})
                if int(w) == NARROW:
                    key = rec["path"]
                    if key not in widths or vp["scroll_width"] > widths[key]["width"]:
                        widths[key] = {"path": key, "width": vp["scroll_width"], "role": role,
                                       "lang": rec["lang"], "culprits": vp["culprits"]}
    for agg in rules.values():
        agg["kinds"] = sorted(agg["kinds"])
    widest = sorted(widths.values(), key=lambda x: -x["width"])
    pages = {role: {"fi": sum(1 for p in r["pages"] if p["lang"] == "fi"),
                    "other": sum(1 for p in r["pages"] if p["lang"] != "fi"),
                    "error": r["error"]} for role, r in roles.items()}
    return {"pages": pages, "rules": dict(sorted(rules.items(), key=lambda kv: -kv[1]["nodes"])),
            "widest_320": widest[:10], "overflowing_320": [w for w in widest if w["width"] > NARROW],
            "overflowing": overflowing,
            "errors": errors, "broken_links": broken}


def print_summary(s):
    print("\nPages visited per role (fi crawl + sv/en sample):")
    for role, p in s["pages"].items():
        print(f"  {role:14} {p['fi']:3} + {p['other']:2}" + (f"   ERROR {p['error']}" if p["error"] else ""))
    print(f"\nViolations by rule ({len(s['rules'])} rules):")
    for rule, a in s["rules"].items():
        ex = a["example"]
        kinds = ", ".join(a["kinds"][:8]) + (f", … (+{len(a['kinds']) - 8})" if len(a["kinds"]) > 8 else "")
        print(f"  {rule} [{a['impact']}] {a['nodes']} nodes in {a['occurrences']} page checks – {a['help']}")
        print(f"      e.g. {ex['path']} ({ex['role']}, {ex['lang']}, {ex['width']}px): {ex['target']}")
        print(f"      pages: {kinds}")
    wide = sum(1 for o in s["overflowing"] if o["viewport"] != NARROW)
    print(f"\nWidest pages at {NARROW} px ({len(s['overflowing_320'])} distinct paths overflow at {NARROW} px,"
          f" {wide} page checks at wider viewports):")
    for w in s["widest_320"]:
        mark = "OVERFLOW" if w["width"] > NARROW else "ok"
        cause = ", ".join(f"{c['el']}→{c['right']}" for c in w["culprits"])
        print(f"  {w['width']:5}px {mark:8} {w['path']} ({w['role']}, {w['lang']}){'  ' + cause if cause else ''}")
    if s["broken_links"]:
        print(f"\nLinks to 4xx pages ({len(s['broken_links'])}, not counted as failures):")
        for b in s["broken_links"][:20]:
            print(f"  {b['path']} → {b['status']} ({b['role']}, linked from {b['from']})")
    if s["errors"]:
        print(f"\nPages that failed to load ({len(s['errors'])}):")
        for e in s["errors"][:20]:
            print(f"  {e['path']} ({e['role']}, {e['lang']}): status {e['status']} {e['error'] or ''}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base_url")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--axe", default=str(DEFAULT_AXE), help="path to axe.min.js")
    ap.add_argument("--report", help="write the full results here as JSON")
    args = ap.parse_args()
    base = args.base_url.rstrip("/")
    axe_source = ensure_axe(args.axe)

    roles = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        auditor = Auditor(browser, base, axe_source)
        for role, email in ROLES:
            print(f"auditing as {role}…", flush=True)
            roles[role] = auditor.run_role(role, email)
            print(f"  {len(roles[role]['pages'])} pages in {roles[role].get('seconds', '?')} s"
                  + (f", error: {roles[role]['error']}" if roles[role]["error"] else ""), flush=True)
        browser.close()

    summary = summarise(roles)
    print_summary(summary)
    if args.report:
        Path(args.report).write_text(json.dumps({"base_url": base, "tags": AXE_TAGS, "summary": summary,
                                                 "roles": roles}, ensure_ascii=False, indent=1),
                                     encoding="utf-8")
        print(f"\nreport written to {args.report}")
    failed = summary["rules"] or summary["overflowing"] or summary["errors"] or \
        any(r["error"] for r in roles.values())
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
