"""What the live-publish tests share: a seeded store with a built site, the real server with publishing on."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from browser import live_server
from conftest import PASSWORD, TODAY, fixed_now
from site_support import add_item, seed

from generator.build import publish
from xietiao.store.engine import Store

UNIT_ITEMS = [f"2026-11-{n:02d}" for n in range(10, 60)]  # fifty open items led by 区财政局 (czj)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def seed_live(store: Store) -> None:
    seed(store)
    with store.batch():
        store.next_number("R-2026")  # the seed's report R-2026-0001 was written without its number series
        for number in UNIT_ITEMS:
            add_item(store, number, "P-2026-0001", f"区财政局落实第{number[-2:]}批配套资金", "区财政局", "2027-03-31")


@contextmanager
def live_site(store: Store, root: Path) -> Iterator[tuple[str, object]]:
    """The seeded site built once, then the real server publishing every change (as `xietiao serve`)."""
    seed_live(store)
    first = publish(store, root / "site", TODAY, built_at=fixed_now(), reason="首次发布")
    assert first.ok, first.error
    with live_server(store, root / "site", TODAY, auto_publish=True) as (base, app):
        yield base, app


def client(base: str, username: str) -> httpx.Client:
    """A logged-in HTTP client carrying its CSRF token, as another system would drive the API."""
    c = httpx.Client(base_url=base, timeout=60)
    r = c.post("/api/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf"]
    return c


def file_report(c: httpx.Client, item: str, text: str, month: str = "2026-11") -> str:
    data = {"item": item, "month": month, "status": "按计划推进", "progress": text, "percent": 60}
    r = c.post("/api/forms/progress", json={"action": "submit", "data": data})
    assert r.status_code == 201, r.text
    return str(r.json()["number"])


def wait_for(check: Callable[[], bool], seconds: float = 90.0) -> float:
    """Poll until `check` holds; returns how long it took. Fails the test at the deadline."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if check():
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"not seen within {seconds:.0f} s")


def page_text(base: str, path: str) -> str:
    r = httpx.get(f"{base}/{path}", timeout=30)
    return r.text if r.status_code == 200 else ""
