"""Item numbers are links everywhere in the app: every agreed item's number a page shows sits inside a link to it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import PASSWORD, TODAY, Client, fixed_now

from xietiao.accounts import add_user
from xietiao.demo.generate import make_demo
from xietiao.store.engine import Store

# An item's number standing alone: not part of a longer run, and not the date of a "2026-11-28 10:00" stamp.
NUMBER = re.compile(r"(?<![\d-])(\d{4}-\d{2}-\d{2})(?![\d-]|\s\d{1,2}:)", re.ASCII)


class _Unlinked(HTMLParser):
    """Text outside <a> elements, form controls, scripts and the page's own title."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = {"a": 0, "textarea": 0, "option": 0, "script": 0, "title": 0, "h1": 0}
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.depth:
            self.depth[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth.get(tag):
            self.depth[tag] -= 1

    def handle_data(self, data: str) -> None:
        if not any(self.depth.values()):
            self.text.append(data)


def unlinked_items(html: str, items: set[str]) -> list[str]:
    parser = _Unlinked()
    parser.feed(html)
    return [n for chunk in parser.text for n in NUMBER.findall(chunk) if n in items]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    folder = tmp_path_factory.mktemp("links")
    with Store(folder / "data", create=True) as store:
        make_demo(store, TODAY, "demo", accounts=False)
        for name, unit, role in (
            ("fgj", "区发展改革局", "bureau"),
            ("czj", "区财政局", "unit"),
            ("leader", "区政府", "leader"),
        ):
            add_user(store, name, unit, role, PASSWORD)
        yield store, folder


def _client(app, username: str) -> Client:  # type: ignore[no-untyped-def]
    c = Client(app, base_url="http://testserver")
    r = c.post("/api/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200
    return c


def test_the_checker_sees_an_unlinked_number() -> None:
    page = '<p>见 2026-12-03 和 <a href="/app/ledger/2026-12-04">2026-12-04</a>，2026-12-05 10:00 提交</p>'
    assert unlinked_items(page, {"2026-12-03", "2026-12-04", "2026-12-05"}) == ["2026-12-03"]


def test_every_item_number_on_the_pages_is_a_link(demo: tuple[Store, Path]) -> None:
    from cli.assemble import assemble_app

    store, folder = demo
    app = assemble_app(store, site_dir=folder / "site", today=lambda: TODAY, now=fixed_now)
    items = {str(d["number"]) for d in store.all("item")}
    meeting = max((m for m in store.all("meeting") if m["status"] == "published"), key=lambda m: str(m["date"]))
    closure = next(d for d in store.all("closure") if d["status"] == "submitted")
    report = next(d for d in store.all("progress") if d["status"] == "accepted")
    supervised = str(store.all("supervision")[0]["items"][0])  # type: ignore[index]
    # A unit sees only the items it takes part in: the supervised item's lead unit looks at it.
    lead = str(next(d for d in store.all("item") if d["number"] == supervised)["lead_unit"])
    if store.get("user", "lead") is None:
        add_user(store, "lead", lead, "unit", PASSWORD)
    pages = {
        "fgj": [
            "/app/",
            "/app/ledger",
            "/app/ledger?status=all",
            f"/app/ledger/{supervised}",
            f"/app/cycle/{meeting['number']}",
            "/app/cycle/2026-21/plan",
            "/app/supervision",
            "/app/reports",
            f"/app/records/closure/{closure['number']}",
            f"/app/records/progress/{report['number']}",
            "/app/issues?state=all",
        ],
        "czj": ["/app/"],
        "lead": ["/app/", f"/app/ledger/{supervised}"],
        "leader": ["/app/", "/app/approvals", "/app/ledger"],
    }
    found: dict[str, list[str]] = {}
    shown = 0
    for username, paths in pages.items():
        with _client(app, username) as c:
            for path in paths:
                r = c.get(path)
                assert r.status_code == 200, (username, path)
                shown += len(re.findall(r'href="/app/ledger/\d{4}-\d{2}-\d{2}"', r.text))
                own = path.rpartition("/")[2] if path.startswith("/app/ledger/") else ""  # an item's own page
                if bad := unlinked_items(r.text, items - {own}):
                    found[f"{username} {path}"] = bad
    assert shown > 100  # the pages do show items: the check is not vacuous
    assert found == {}
