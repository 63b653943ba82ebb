"""Browser-test support: the real uvicorn server in a thread and Debian's Chromium via Playwright."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

import pytest
import uvicorn
from conftest import PASSWORD, fixed_now
from playwright.sync_api import Page

from cli.assemble import assemble_app
from xietiao.accounts import add_user
from xietiao.demo.generate import make_demo
from xietiao.store.engine import Store
from xietiao.units import bureau_name, government_name, unit_by_code

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(
    store: Store,
    site_dir: Path,
    today: date,
    *,
    auto_publish: bool = False,
    now: Callable[[], datetime] | None = None,
) -> Iterator[tuple[str, object]]:
    """The real app under real uvicorn on a loopback port; yields (base URL, app).

    `auto_publish` as `xietiao serve` runs it: every change published, and the daily publish.
    """

    app = assemble_app(store, site_dir=site_dir, today=lambda: today, now=now or fixed_now, auto_publish=auto_publish)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium_page() -> Iterator[Page]:
    """A fresh page in headless Debian Chromium (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: scripts/test.sh installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


def shot(page: Page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Page, base: str, username: str, password: str = PASSWORD, lands: str = "/app/") -> None:
    """Sign in through the app's login form, as a person would, and land on the workbench (or `lands`)."""
    page.goto(f"{base}/app/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{lands}")


def logout(page: Page) -> None:
    """Sign out with the header's 退出 button and land on the login page."""
    page.click("button:text('退出')")
    page.wait_for_url(re.compile(r".*/app/login$"))


def demo_template(folder: Path, today: date, usernames: tuple[str, ...]) -> Path:
    """The demo data once, with logins for the named accounts (unit codes, fgj, leader): copy it per test."""
    data = folder / "data"
    with Store(data, create=True) as store:
        make_demo(store, today, "demo", accounts=False)
        for name in usernames:
            unit = bureau_name() if name == "fgj" else government_name() if name == "leader" else None
            role = "bureau" if name == "fgj" else "leader" if name == "leader" else "unit"
            found = unit_by_code(name)
            add_user(store, name, unit or (found.name if found else ""), role, PASSWORD)
    return data


def demo_copy(template: Path, target: Path) -> Store:
    """A fresh copy of the template's data, opened (the caller closes it)."""
    shutil.copytree(template, target, ignore=shutil.ignore_patterns(".lock"))
    return Store(target)


def record(store: Store, kind: str, number: str) -> dict[str, Any]:
    """A stored record read as plain JSON, for tests to look into."""
    doc = store.get(kind, number)
    assert doc is not None, f"{kind} {number} is missing"
    return cast(dict[str, Any], doc)


_OVERLAPS = """rows => rows.flatMap(row => {
  const shown = [...row.children].filter(e => e.getClientRects().length);
  const boxes = shown.map(e => [e, e.getBoundingClientRect()]);
  const name = e => e.className || e.tagName;
  return boxes.flatMap(([a, p], i) => boxes.slice(i + 1)
    .filter(([b, q]) => p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1)
    .map(([b]) => `${row.closest('[id]').id}: ${name(a)} / ${name(b)}`));
})"""


def overlapping(page: Page, rows: str) -> list[str]:
    """Pairs of fields drawn over each other inside any of the `rows` (say, a grid area the layout forgot)."""
    return cast(list[str], page.eval_on_selector_all(rows, _OVERLAPS))
