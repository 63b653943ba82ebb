"""The intranet site in real Chromium: board, a project, and Chinese search recall over meeting words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium_page, live_server, shot
from conftest import TODAY

from generator.build import publish
from generator.search.samples import sample_words
from xietiao.demo.generate import make_demo
from xietiao.model import item_of
from xietiao.store.engine import Store

pytestmark = pytest.mark.browser
SAMPLE = 40


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    root = tmp_path_factory.mktemp("site")
    with Store(root / "data", create=True) as store:
        make_demo(store, TODAY, "demo", accounts=False)
        result = publish(store, root / "site", TODAY)
        assert result.ok, result.error
        yield store, root / "site"


def _search(page, word: str) -> list[str]:  # type: ignore[no-untyped-def]
    box = page.locator("input[name=query]")
    box.fill(word)
    box.press("End")
    # The search marks the result list with the query it shows once its results are in.
    page.wait_for_function("q => document.querySelector('.md-search-result').dataset.query === q", arg=word)
    # The first results are shown and more are added as the list scrolls: scroll to the end.
    page.wait_for_timeout(300)
    seen, steady = -1, 0
    for _ in range(80):
        count = page.locator("a.md-search-result__link").count()
        steady = steady + 1 if count == seen else 0
        if steady >= 3:
            break
        seen = count
        # The next results are added when the list reaches its end; leave the end first so
        # that arriving there again counts as a new arrival.
        page.eval_on_selector(".md-search__scrollwrap", "e => e.scrollTo(0, e.scrollHeight - e.clientHeight - 300)")
        page.wait_for_timeout(60)
        page.eval_on_selector(".md-search__scrollwrap", "e => e.scrollTo(0, e.scrollHeight)")
        page.wait_for_timeout(100)
    return page.eval_on_selector_all("a.md-search-result__link", "els => els.map(e => e.getAttribute('href'))")


def test_board_project_and_search_in_chromium(demo_site: tuple[Store, Path]) -> None:
    store, site = demo_site
    outside: list[str] = []
    with live_server(store, site, TODAY) as (base, _app), chromium_page() as page:
        page.on(
            "request",
            lambda r: (
                outside.append(r.url)
                if not r.url.startswith(base) and not r.url.startswith(("data:", "blob:"))
                else None
            ),
        )
        page.goto(f"{base}/board/")
        tiles = page.locator("a[href*='projects/P-']")
        assert tiles.count() >= 50
        shot(page, "site-01-board")
        first = tiles.first
        number = re.search(r"P-\d{4}-\d{4}", first.get_attribute("href") or "").group(0)  # type: ignore[union-attr]
        first.click()
        page.wait_for_url(re.compile(rf".*/projects/{number}/"))
        assert "节点目标" in page.inner_text("article") and "三色" in page.inner_text("article")
        shot(page, "site-02-project")

        item = item_of(store.all("item")[0])
        found = _search(page, "财政预算")
        assert found, "财政预算 finds nothing"
        shot(page, "site-03-search")
        assert any("meetings/" in h for h in found)
        assert item.number  # the data is there to search in the next test
    assert outside == []


def test_search_recall_over_words_from_meeting_pages(demo_site: tuple[Store, Path]) -> None:
    store, site = demo_site
    # Items of confidential projects are kept off the site on purpose; the rest must be findable.
    secret = {str(p["number"]) for p in store.all("project", lambda d: bool(d.get("confidential")))}
    published = {str(m["number"]) for m in store.all("meeting", lambda d: d.get("status") == "published")}
    texts = [
        (f"meetings/{d['meeting']}/", str(d["content"]))
        for d in store.all("item")
        if d.get("project") not in secret and d.get("meeting") in published
    ]
    words = sample_words([(text, where) for where, text in texts], SAMPLE)
    assert len(words) == SAMPLE
    hits, misses = 0, []
    with live_server(store, site, TODAY) as (base, _app), chromium_page() as page:
        page.goto(f"{base}/")
        for word, where in words:
            links = _search(page, word)
            if any(where in (h or "") for h in links):
                hits += 1
            else:
                misses.append(word)
    recall = hits / len(words)
    print(f"\nsearch_recall_chromium: {recall:.1%} of {len(words)} words; missed: {misses}")
    assert recall >= 0.9


def test_project_list_filters_live_in_the_address_and_survive_back(demo_site: tuple[Store, Path]) -> None:
    store, site = demo_site
    with live_server(store, site, TODAY) as (base, _app), chromium_page() as page:
        page.goto(f"{base}/projects/")
        colour = page.locator(".xt-tools select").first
        options = colour.locator("option").all_inner_texts()
        assert options == ["全部", "正常", "滞后", "严重滞后"]  # by severity, not by code point
        colour.select_option(label="严重滞后")
        assert re.search(r"[?&]colour=red\b", page.url)
        visible = page.locator("article table tbody tr:not([hidden])")
        red = visible.count()
        assert 0 < red < page.locator("article table tbody tr").count()
        assert all(
            t == "严重滞后"
            for t in page.locator("article table tbody tr:not([hidden]) td:nth-child(3)").all_inner_texts()
        )
        visible.first.locator("a").first.click()
        page.wait_for_url(re.compile(r".*/projects/P-\d{4}-\d{4}/"))
        page.go_back()
        page.wait_for_load_state()
        assert page.locator(".xt-tools select").first.input_value() == "red"
        assert page.locator("article table tbody tr:not([hidden])").count() == red
        shot(page, "site-04-projects-filtered")


def test_a_project_number_finds_its_page_first(demo_site: tuple[Store, Path]) -> None:
    store, site = demo_site
    number = sorted(str(p["number"]) for p in store.all("project", lambda d: not d.get("confidential")))[5]
    with live_server(store, site, TODAY) as (base, _app), chromium_page() as page:
        page.goto(f"{base}/about/")
        links = _search(page, number)
        assert links and f"projects/{number}/" in links[0], links[:3]
