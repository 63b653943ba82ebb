"""The site search in real Chromium on the demo data: what it finds, in what order, what it shows and hides."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium_page, live_server, shot
from conftest import TODAY

from generator.build import publish
from generator.output.compress import precompress
from generator.search.query import SiteSearch
from generator.search.samples import sample_crossing, sample_words
from generator.search.stage import build_search
from xietiao.demo.generate import make_demo
from xietiao.store.engine import Store

pytestmark = pytest.mark.browser
SECRET_NAME = "XT机密甲乙丙丁项目"
SECRET_TEXT = "XT机密庚辛壬癸概况"
TYPED = "<script>alert('xss1')</script><img src=x onerror=alert(2)>"


def _secret_project(store: Store) -> None:
    data: dict[str, Any] = {
        "name": SECRET_NAME,
        "overview": SECRET_TEXT,
        "category": "产业",
        "plans": [],
        "owner": "XX经开集团",
        "lead_unit": "区经信局",
        "town": "东城街道",
        "investment": "100.00",
        "milestones": [],
        "persons": [],
        "confidential": True,
    }
    store.insert(
        "project",
        {
            "number": "P-2026-0999",
            "form": "project",
            "unit": "区经信局",
            "author": "t",
            "status": "accepted",
            "data": data,
            "confidential": True,
            "versions": [],
            "return_reason": "",
            "created": "2026-06-01T09:00:00+08:00",
            "updated": "2026-06-01T09:00:00+08:00",
        },
        actor="t",
        action="登记",
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    root = tmp_path_factory.mktemp("search")
    with Store(root / "data", create=True) as store:
        make_demo(store, TODAY, "demo", accounts=False)
        _secret_project(store)
        first = _published(store)[0]
        # A unit's typed text with markup in it: searchable as text, shown as text.
        store.update(
            "item", str(first["number"]), lambda d: d.update(content=f"{d['content']}{TYPED}"), actor="t", action="t"
        )
        result = publish(store, root / "site", TODAY)  # mkdocs.yml is strict: a warning fails the build
        assert result.ok, result.error
        # The demo's pages make one segment; the index is made again in eight, so that the script's
        # merging of segments is what these tests check (the other browser tests search one).
        built = (root / "site").resolve()
        assert build_search(built, root / "segments-cache", segment_pages=8).segments == 8
        precompress(built, None, lambda rel: rel.startswith("search/"))
        yield store, root / "site"


@pytest.fixture(scope="module")
def browser_page(site: tuple[Store, Path]) -> Iterator[tuple[str, object, list[str], list[str]]]:
    store, folder = site
    outside: list[str] = []
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    with live_server(store, folder, TODAY) as (base, _app), chromium_page() as opened:
        page: Any = opened  # Playwright's Page (tests/browser.py types it as object)
        page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else outside.append(r.url))
        page.on("dialog", on_dialog)
        yield base, page, outside, dialogs


def _published(store: Store) -> list[dict[str, Any]]:
    secret = {str(p["number"]) for p in store.all("project", lambda d: bool(d.get("confidential")))}
    meetings = {str(m["number"]) for m in store.all("meeting", lambda d: d.get("status") == "published")}
    return [d for d in store.all("item") if d.get("project") not in secret and d.get("meeting") in meetings]


def _type(page, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Type into the header's box as a reader does; the hrefs of the first results."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")
    page.wait_for_function("q => document.querySelector('.md-search-result').dataset.query === q", arg=query)
    links: list[str] = page.eval_on_selector_all(
        ".md-search-result__item a", "els => els.map(e => e.getAttribute('href'))"
    )
    return links


def test_sub_word_and_cross_word_queries_find_their_pages(site, browser_page) -> None:  # type: ignore[no-untyped-def]
    store, folder = site
    base, page, outside, _ = browser_page
    texts = [(str(d["content"]), f"meetings/{d['meeting']}/") for d in _published(store)]
    pairs = sample_words(texts, 40) + sample_crossing(texts, 40)
    assert len(pairs) == 80
    page.goto(f"{base}/about/")
    assert any("meetings/" in h for h in _type(page, "预算"))  # inside 财政预算: a part of a word
    found = page.evaluate(
        "async qs => { const out = []; for (const q of qs) out.push("
        "(await window.xietiaoSearch(q)).filter(r => r.exact).map(r => r.url)); return out; }",
        [q for q, _ in pairs],
    )
    missed = [q for (q, where), urls in zip(pairs, found, strict=True) if where not in urls]
    assert missed == []
    # The script and the Python reader of the same files agree, page for page and in order.
    reader = SiteSearch(folder)
    assert found == [[f.url for f in reader.find(q) if f.exact] for q, _ in pairs]
    assert outside == []


def test_an_exact_number_is_the_first_result(site, browser_page) -> None:  # type: ignore[no-untyped-def]
    store, _ = site
    base, page, outside, _ = browser_page
    page.goto(f"{base}/")
    items = _published(store)
    for item in (items[0], items[len(items) // 2], items[-1]):
        links = _type(page, str(item["number"]))
        assert links and f"/meetings/{item['meeting']}/" in links[0], (item["number"], links[:3])
    project = str(items[3]["project"])
    links = _type(page, project)
    assert links and f"/projects/{project}/" in links[0], links[:3]
    # Exact before loose: a phrase's verbatim pages come first, the pages with only its pieces after.
    _type(page, "用地报批")
    partial = page.eval_on_selector_all(
        ".md-search-result__item", "els => els.map(e => e.textContent.includes('部分匹配'))"
    )
    assert partial and partial == sorted(partial)
    assert outside == []


def test_a_confidential_projects_words_find_nothing(site, browser_page) -> None:  # type: ignore[no-untyped-def]
    store, folder = site
    base, page, outside, _ = browser_page
    secret = store.all("project", lambda d: bool(d.get("confidential")))
    public = " ".join(str(p["data"]["name"]) for p in store.all("project", lambda d: not d.get("confidential")))
    names = [str(p["data"]["name"]) for p in secret if str(p["data"]["name"]) not in public]
    assert SECRET_NAME in names and len(names) >= 2
    page.goto(f"{base}/about/")
    for query in [*names, SECRET_TEXT, "甲乙丙丁", "P-2026-0999", *(str(p["number"]) for p in secret)]:
        assert _type(page, query) == [], query
        assert "没有找到" in page.inner_text(".md-search-result__meta")
    everything = " ".join(p.read_text("utf-8") for p in (folder / "search").rglob("*.json"))
    assert not any(n in everything for n in names)
    assert outside == []


def test_a_result_is_short_highlighted_and_inert(site, browser_page) -> None:  # type: ignore[no-untyped-def]
    base, page, outside, dialogs = browser_page
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{base}/about/")
        if width < 600:  # on a phone the box opens from the header's search button
            page.click("label.md-header__button[for=__search]")
        links = _type(page, "电力接入")
        assert links
        first = page.locator(".md-search-result__item").first
        marks = first.locator("mark").all_inner_texts()
        assert marks and all(m in ("电力接入", "电力", "接入") for m in marks)
        teaser = first.locator(".md-search-result__teaser").inner_text()
        assert len(teaser) <= 110
        assert first.locator("h1").inner_text() and first.locator(".xt-search-where").inner_text()
        assert first.bounding_box()["height"] < 220  # a phone screen holds three or more results
        shot(page, f"search-{width}")
    links = _type(page, "xss1")
    assert links
    teaser = page.locator(".md-search-result__teaser").first.inner_text()
    assert "<script>alert('xss1')</script>" in teaser  # shown as typed, as text
    assert page.locator(".md-search-result img, .md-search-result script").count() == 0
    page.keyboard.press("Enter")  # the first result opens, the words marked
    page.wait_for_load_state()
    assert "xss1" in page.locator("article mark").first.inner_text()
    assert dialogs == [] and outside == []
