"""axe-core and page-width checks shared by audit.py (the crawl) and journeys.py (the forms).

axe-core comes from tests/browser/node_modules (installed with npm from package.json when missing).
A browser context that runs these checks must be made with bypass_csp=True: the app's CSP forbids
the inline script that carries axe.
"""

import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Runs axe and returns the violations in a compact form.
AXE_RUN = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
    target: v.nodes.length ? v.nodes[0].target.join(' ') : null,
  }));
}"""

# Page width, and the elements that first stick out past the viewport, to point at the cause of an
# overflow. An element inside a scrolling/clipping ancestor does not count, unless it is positioned
# absolutely against something outside that ancestor (e.g. a .visually-hidden span in a scrolled table).
MEASURE = """(vw) => {
  const width = document.documentElement.scrollWidth;
  if (width <= vw) return {width, culprits: []};
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    [...el.classList].slice(0, 2).map(c => '.' + c).join('');
  const escapes = pos => pos === 'absolute' || pos === 'fixed';
  const clipped = el => {
    let esc = escapes(getComputedStyle(el).position);
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (esc && s.position === 'static' && s.transform === 'none') continue;
      if (s.overflowX !== 'visible') return true;
      if (s.position !== 'static') esc = escapes(s.position);
    }
    return false;
  };
  const out = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    if (el.getBoundingClientRect().right > vw + 0.5 && !clipped(el)) out.add(el);
  }
  // The outermost offending elements, with their parent for context.
  const culprits = [...out].filter(el => !out.has(el.parentElement)).slice(0, 3).map(el => ({
    el: (el.parentElement ? name(el.parentElement) + ' > ' : '') + name(el),
    right: Math.round(el.getBoundingClientRect().right),
  }));
  // Text running out of its box (a long word that cannot wrap).
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let t; culprits.length < 3 && (t = walker.nextNode());) {
    const p = t.parentElement;
    if (!t.textContent.trim() || out.has(p) || clipped(p) || getComputedStyle(p).overflowX !== 'visible') continue;
    range.selectNodeContents(t);
    const right = range.getBoundingClientRect().right;
    if (right > vw + 0.5) culprits.push({el: name(p) + ' "' + t.textContent.trim().slice(0, 40) + '"', right: Math.round(right)});
  }
  return {width, culprits};
}"""


def ensure_axe(path=DEFAULT_AXE):
    """The axe-core source; installs it with npm when the default copy is missing."""
    path = Path(path)
    if not path.exists() and path == DEFAULT_AXE:
        print("installing axe-core with npm…", flush=True)
        # --no-save: package.json already names axe-core; do not rewrite its version range.
        subprocess.run(["npm", "install", "--prefix", str(HERE), "--no-package-lock", "--no-save",
                        "--no-audit", "--no-fund", "axe-core"], check=True, stdout=subprocess.DEVNULL)
    return path.read_text(encoding="utf-8")


def check_viewport(page, axe_source, width, height):
    """Resizes the page to width×height and checks it there: returns the axe violations, the
    document's scroll width and, when that is wider than the viewport, the likely culprits."""
    page.set_viewport_size({"width": width, "height": height})
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    violations = page.evaluate(AXE_RUN, AXE_TAGS)
    m = page.evaluate(MEASURE, width)
    return {"violations": violations, "scroll_width": m["width"], "overflow": m["width"] > width,
            "culprits": m["culprits"]}


def describe(violation):
    """One violation as a line: rule, impact, node count, first target and help text."""
    return (f"{violation['rule']} [{violation['impact']}] on {violation['nodes']} node(s), "
            f"e.g. {violation['target']} – {violation['help']}")


def describe_culprits(culprits):
    return ", ".join(f"{c['el']}→{c['right']}px" for c in culprits) or "no single element found"
