"""Accessibility and phone checks in Chromium: axe-core from the local test cache, sideways scroll, narrow cells."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browser import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS
from conftest import PASSWORD
from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[1]
# Pinned in tests/axe/package.json; scripts/test.sh installs it from the npm registry into .test-cache/.
AXE_VERSION = str(json.loads((ROOT / "tests" / "axe" / "package.json").read_text("utf-8"))["dependencies"]["axe-core"])
AXE_DIR = ROOT / ".test-cache" / "npm" / "node_modules" / "axe-core"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 812}
NARROW_PX = 100  # no table cell with text narrower than this at phone width (about 8 characters)
SHOT_MAX_PX = 8_000  # a full-page screenshot is cut here: the rest of a long list adds nothing to look at
BLOCKING = ("serious", "critical")


def axe_source() -> str:
    """axe-core as installed by scripts/test.sh from the npm registry; read from disk, never fetched."""
    meta = AXE_DIR / "package.json"
    if not meta.exists():
        pytest.fail(
            f"axe-core {AXE_VERSION} is missing from {AXE_DIR.parent}: run `bash scripts/test.sh`, which installs "
            f"it with npm (node and npm are needed), or `npm install --prefix .test-cache/npm axe-core@{AXE_VERSION}`"
        )
    version = json.loads(meta.read_text("utf-8"))["version"]
    if version != AXE_VERSION:
        pytest.fail(f"axe-core {version} in {AXE_DIR}, the tests pin {AXE_VERSION}: rerun `bash scripts/test.sh`")
    return (AXE_DIR / "axe.min.js").read_text("utf-8")


@contextmanager
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: scripts/test.sh installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


OUTSIDE: list[str] = []  # every request a page made to anything but the server under test


@contextmanager
def tab(browser: Browser, viewport: dict[str, int], base: str, username: str = "") -> Iterator[Page]:
    """A fresh context (its own cookies) at this size, logged in as `username` when one is given."""
    context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=viewport["width"] < 600)  # type: ignore[arg-type]
    local = (base, "data:", "blob:", "about:")
    context.on("request", lambda r: None if r.url.startswith(local) else OUTSIDE.append(r.url))
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        if username:
            page.goto(f"{base}/app/login")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/app/")
        yield page
    finally:
        context.close()


# -- axe -----------------------------------------------------------------------------------------

_RUN_AXE = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({
    rule: v.id, impact: v.impact || '', help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                              why: (n.failureSummary || '').slice(0, 300)}))}));
}"""


@dataclass(frozen=True)
class Violation:
    page: str
    rule: str
    impact: str
    help: str
    nodes: tuple[dict[str, str], ...]

    def line(self) -> str:
        first = self.nodes[0] if self.nodes else {}
        return (
            f"{self.impact} {self.rule} on {self.page}: {len(self.nodes)} element(s), e.g. {first.get('target')} "
            f"{first.get('html', '')!r} ({self.help}; {first.get('why', '')})"
        )


def run_axe(page: Page, source: str, label: str) -> list[Violation]:
    """Every violation axe finds on the page as it stands (the page's CSP does not apply to the evaluator)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)
    found = page.evaluate(_RUN_AXE)
    return [Violation(label, v["rule"], v["impact"], v["help"], tuple(v["nodes"])) for v in found]


@dataclass
class AxeTally:
    """Figures over all pages: rule-page pairs and elements, by impact."""

    violations: list[Violation] = field(default_factory=list)
    pages: int = 0

    def blocking(self) -> list[Violation]:
        return [v for v in self.violations if v.impact in BLOCKING]

    def summary(self) -> str:
        lines = [f"axe pages checked: {self.pages}"]
        for impact in ("critical", "serious", "moderate", "minor"):
            vs = [v for v in self.violations if v.impact == impact]
            lines.append(f"axe {impact}: {len(vs)} rule-page pairs, {sum(len(v.nodes) for v in vs)} elements")
        return "\n".join(lines)


# -- phone layout --------------------------------------------------------------------------------

_LAYOUT = """(narrow) => {
  const doc = document.scrollingElement || document.documentElement;
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 1 && r.height > 1
      && el.checkVisibility({visibilityProperty: true}); };
  const where = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const out = {sideways: doc.scrollWidth - doc.clientWidth, scrollers: [], narrow: [], beyond: []};
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (/(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1 && shown(el))
      out.scrollers.push(where(el) + ' ' + el.scrollWidth + '>' + el.clientWidth);
  }
  for (const cell of document.querySelectorAll('td, th')) {
    const text = cell.innerText.trim();
    if (!text || !shown(cell)) continue;
    const w = cell.getBoundingClientRect().width;
    if (w < narrow) out.narrow.push(Math.round(w) + 'px ' + JSON.stringify(text.slice(0, 20)));
  }
  const leaves = 'a, button, input, select, textarea, p, li, h1, h2, h3, td, th, label, span';
  for (const el of document.body.querySelectorAll(leaves)) {
    const control = /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(el.tagName);
    if (!shown(el) || (!control && !(el.innerText || '').trim())) continue;  // an empty overlay is no content
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && r.left < window.innerWidth)
      out.beyond.push(where(el) + ' right=' + Math.round(r.right));
  }
  return out;
}"""


@dataclass(frozen=True)
class Layout:
    page: str
    sideways: int
    scrollers: tuple[str, ...]
    narrow: tuple[str, ...]
    beyond: tuple[str, ...]

    def problems(self) -> list[str]:
        out = []
        if self.sideways > 0:
            out.append(f"{self.page}: the page scrolls sideways by {self.sideways}px")
        out += [f"{self.page}: scrolls sideways inside {s}" for s in self.scrollers[:5]]
        out += [f"{self.page}: table cell narrower than {NARROW_PX}px: {n}" for n in self.narrow[:5]]
        out += [f"{self.page}: cut off at the right edge: {b}" for b in self.beyond[:5]]
        return out


def measure_layout(page: Page, label: str) -> Layout:
    r = page.evaluate(_LAYOUT, NARROW_PX)
    return Layout(label, int(r["sideways"]), tuple(r["scrollers"]), tuple(r["narrow"]), tuple(r["beyond"]))


def screenshot(page: Page, name: str) -> Path:
    """The page from its top, whole unless longer than SHOT_MAX_PX."""
    path = ARTIFACTS / f"{name}.png"
    size = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    clip = {"x": 0, "y": 0, "width": size[0], "height": min(size[1], SHOT_MAX_PX)}
    page.screenshot(path=str(path), full_page=True, clip=clip)  # type: ignore[arg-type]
    return path


# -- walking the catalogue -----------------------------------------------------------------------

_SEND_EMPTY = """() => {
  const here = location.pathname;
  // getAttribute: a form's .action is shadowed by its own buttons named "action"
  const form = [...document.querySelectorAll('form[method=post]')].find(
      f => new URL(f.getAttribute('action') || here, location.href).pathname === here);
  if (!form) return false;
  for (const el of form.elements) {
    if (el.type === 'hidden' || el.type === 'file' || el.tagName === 'BUTTON') continue;
    if (el.type === 'checkbox' || el.type === 'radio') el.checked = false;
    else if (el.tagName === 'SELECT') el.selectedIndex = 0;
    else el.value = '';
  }
  form.noValidate = true;
  const button = form.querySelector('button[value=submit]')
      || form.querySelector('button[type=submit], button:not([type]), input[type=submit]');
  if (button && button.disabled) return false;
  window.__xtSend = () => (button ? button.click() : form.requestSubmit());
  return true;
}"""

# Anything that looks like a refusal: announced or not (an unannounced one is reported by unannounced_errors).
_ERRORS_SHOWN = """() => [...document.querySelectorAll('[role=alert], [aria-invalid=true], .field-error, .error')]
  .filter(e => e.checkVisibility()).length"""


def send_empty(page: Page) -> bool:
    """Send the page's own form with every field emptied; True once the answer shows errors."""
    if not page.evaluate(_SEND_EMPTY):
        return False
    with page.expect_navigation():
        page.evaluate("() => window.__xtSend()")
    return bool(page.evaluate(_ERRORS_SHOWN))


def search(page: Page, word: str) -> None:
    """Open the site's search, type a word and wait for results (Material searches on keyup)."""
    box = page.locator("input.md-search__input")
    toggle = page.locator("label.md-header__button[for=__search]")
    if toggle.is_visible():  # on a phone the box opens from the header's search button
        toggle.click()
    box.fill(word)
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=30_000)
    settle(page)


# Finite animations and transitions still running (Material grows the search overlay for .4 s on phones).
_MOVING = """() => document.getAnimations().filter(a => a.playState === 'running'
    && a.effect && a.effect.getComputedTiming().iterations !== Infinity).length"""


def settle(page: Page) -> None:
    """Wait until nothing on the page is still moving, so sizes are measured as a reader sees them."""
    page.wait_for_function(f"() => ({_MOVING})() === 0", timeout=10_000)


# -- forms: errors tied to fields; thumbs and keyboards on phones ----------------------------------

_UNLINKED_ERRORS = """() => [...document.querySelectorAll('.field-error')].filter(e => e.checkVisibility())
  .filter(e => !e.id || !document.querySelector('[aria-describedby~="' + CSS.escape(e.id) + '"]'))
  .map(e => e.textContent.trim().slice(0, 40))"""


def unlinked_errors(page: Page) -> list[str]:
    """Error messages no field names in its aria-describedby (a screen reader would not read them with it)."""
    return list(page.evaluate(_UNLINKED_ERRORS))


_UNANNOUNCED = """() => [...document.querySelectorAll('.error, .field-error')].filter(e => e.checkVisibility())
  .filter(e => !e.closest('[role=alert], [role=status], [aria-live]'))
  .filter(e => !e.id || !document.querySelector('[aria-describedby~="' + CSS.escape(e.id) + '"]'))
  .map(e => e.textContent.trim().slice(0, 40))"""


def unannounced_errors(page: Page) -> list[str]:
    """Messages on a form sent back that neither a live region announces nor a field names (read with it)."""
    return list(page.evaluate(_UNANNOUNCED))


_THUMB = """(least) => {
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 1 && r.height > 1
      && el.checkVisibility({visibilityProperty: true}); };
  const name = (el) => (el.getAttribute('name') || el.textContent || el.getAttribute('aria-label') || '')
      .trim().slice(0, 20);
  const small = [], keyboards = [];
  const targets = 'header a, header button, main button, main a.button, main select, main summary, '
      + 'main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main label.inline, '
      + 'main nav a, main .ledger-links a, main .pager a';  // links that move between pages
  for (const el of document.querySelectorAll(targets)) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.height < least - 0.5) small.push(el.tagName.toLowerCase() + ' ' + JSON.stringify(name(el)) + ' '
        + Math.round(r.width) + 'x' + Math.round(r.height));
  }
  for (const el of document.querySelectorAll('input[name$="-phone"], input[name=phone]'))
    if (el.type !== 'tel') keyboards.push('phone field ' + el.name + ' is type=' + el.type);
  for (const el of document.querySelectorAll('input[type=date], input[type=month]')) {
    const lang = (el.closest('[lang]') || {}).lang || '';
    if (!lang.startsWith('zh')) keyboards.push('date field ' + el.name + ' has no Chinese lang');
  }
  return {small, keyboards};
}"""

THUMB_PX = 44


def thumb_problems(page: Page, label: str) -> list[str]:
    """Targets lower than a thumb (44 px) and fields that bring the wrong keyboard or picker."""
    r = page.evaluate(_THUMB, THUMB_PX)
    return [f"{label}: target under {THUMB_PX}px: {s}" for s in r["small"][:5]] + [
        f"{label}: {k}" for k in r["keyboards"][:5]
    ]


_FOCUS_SHOWN = """() => { const el = document.activeElement; if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
  const text = (el.tagName === 'SELECT' ? '' : el.textContent) || el.name || '';  // a list's options say nothing
  return {tag: el.tagName.toLowerCase(), text: text.trim().slice(0, 30), name: el.getAttribute('name') || '',
          ring: ring}; }"""


_FOCUS_IS = """([sel, text]) => { const el = document.activeElement;
  return !!el && el.matches(sel) && (!text || el.textContent.trim() === text); }"""


# Start the keyboard from the page's own content (its heading), past the menus every page repeats.
_FROM_CONTENT = """() => { const start = document.querySelector('main h1, article h1, main, article');
  if (!start) return false; start.setAttribute('tabindex', '-1'); start.focus(); return true; }"""


def unseen_focus(page: Page, label: str, stops: int = 8) -> list[str]:
    """Tab `stops` times from the page's heading; the stops where the focus could not be seen."""
    unseen: list[str] = []
    if not page.evaluate(_FROM_CONTENT):
        return [f"{label}: no main content to start from"]
    for _ in range(stops):
        page.keyboard.press("Tab")
        focus = page.evaluate(_FOCUS_SHOWN)
        if focus is None:
            break
        if not focus["ring"]:
            unseen.append(f"{label}: no visible focus on {focus['tag']} {focus['text'] or focus['name']!r}")
    return unseen


def tab_to(page: Page, accept: str, text: str = "", limit: int = 120) -> list[str]:
    """Press Tab until the focused element matches the CSS selector `accept` (and says `text`); returns
    the stops whose focus could not be seen (no outline of 2px or more, no shadow). Fails if never reached."""
    unseen: list[str] = []
    if page.evaluate(_FOCUS_IS, [accept, text]):  # already there (an autofocus field)
        return unseen
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(_FOCUS_SHOWN)
        if focus is None:
            continue
        if not focus["ring"]:
            unseen.append(f"{focus['tag']} {focus['text'] or focus['name']}")
        if page.evaluate(_FOCUS_IS, [accept, text]):
            return unseen
    raise AssertionError(f"{accept} is never reached with Tab ({limit} presses)")
