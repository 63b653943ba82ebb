"""The live site in real Chromium: a change reaches the site and its search with no click, and no stale cache."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import chromium_page, shot
from live_support import PDF, client, file_report, live_site, page_text, wait_for

from xietiao.store.engine import Store

pytestmark = pytest.mark.browser
REPORT = "桩基检测报告已通过专家评审，主体结构开始浇筑"
ITEM = "2026-11-10"  # led by 区财政局 (live_support)


def _search(page, word: str) -> list[str]:  # type: ignore[no-untyped-def]
    box = page.locator("input.md-search__input")
    box.fill(word)
    box.press("End")  # Material searches on keyup: fill() alone never searches
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    return page.eval_on_selector_all(
        ".md-search-result__item a.md-search-result__link", "els => els.map(e => e.getAttribute('href'))"
    )


def _row(html: str, number: str) -> str:
    """The table row of an item, as HTML ("" when it is not there)."""
    found = re.search(rf"<tr>(?:(?!</tr>).)*?>{re.escape(number)}</a>.*?</tr>", html, re.S)
    return found.group(0) if found else ""


def test_a_report_and_a_closure_reach_the_site_and_its_search_without_a_click(store: Store, tmp_path: Path) -> None:
    with live_site(store, tmp_path) as (base, _app), chromium_page() as page:
        czj, fgj = client(base, "czj"), client(base, "fgj")
        file_report(czj, ITEM, REPORT)
        waited = wait_for(lambda: REPORT in page_text(base, "projects/P-2026-0001/"))
        page.goto(f"{base}/projects/P-2026-0001/")
        assert REPORT in page.inner_text("article")
        # The line under the title is filled from the publish stamp.
        stamp = page.locator("[data-xt-stamp]").first
        page.wait_for_function("() => document.querySelector('[data-xt-stamp]').textContent.includes('最近更新')")
        assert "区政府专题会议纪要〔2026〕11号" in stamp.inner_text() and "月度进展" in stamp.inner_text()
        hits = _search(page, "桩基检测")
        assert any("projects/P-2026-0001/" in h for h in hits), hits
        shot(page, "live-01-report-found")
        # The unit asks to close the item with evidence; the bureau confirms: the site says closed.
        asked = czj.post(
            "/app/forms/closure/new",
            data={
                "csrf": czj.headers["X-CSRF-Token"],
                "action": "submit",
                "item": ITEM,
                "solved": "资金已全部拨付。",
                "done": "2026-11-25",
                "contact-name": "王工",
                "contact-phone": "13800000001",
            },
            files={"evidence": ("拨付凭证.pdf", PDF, "application/pdf")},
        )
        assert asked.status_code in (200, 303), asked.text
        closed = fgj.post(
            f"/app/ledger/{ITEM}/close", data={"csrf": fgj.headers["X-CSRF-Token"], "reason": "凭证已核实。"}
        )
        assert closed.status_code in (200, 303), closed.text
        wait_for(lambda: "已销号" in _row(page_text(base, "meetings/2026-11/"), ITEM))
        page.goto(f"{base}/meetings/2026-11/")
        line = page.locator("tr", has_text=ITEM).first
        assert "已销号" in line.inner_text()
        home = page_text(base, "")
        assert "自上次例会以来" in home and ITEM in home  # the home page lists it among the closures
        print(f"report visible after {waited:.1f} s")


def test_a_reader_who_reloads_sees_the_new_board_and_an_unchanged_page_is_304(store: Store, tmp_path: Path) -> None:
    from site_support import add_project

    with live_site(store, tmp_path) as (base, _app), chromium_page() as page:
        # What the server answered to each page load, as it came over the wire: a page's response
        # reports a revalidated copy as the cached 200, the raw headers event has the server's 304.
        statuses: dict[str, list[int]] = {}
        documents: dict[str, str] = {}
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on(
            "Network.requestWillBeSent",
            lambda e: documents.__setitem__(e["requestId"], e["request"]["url"]) if e["type"] == "Document" else None,
        )
        cdp.on(
            "Network.responseReceivedExtraInfo",
            lambda e: (
                statuses.setdefault(documents[e["requestId"]], []).append(e["statusCode"])
                if e["requestId"] in documents
                else None
            ),
        )
        page.goto(f"{base}/board/")
        page.goto(f"{base}/about/")
        assert "新建滨江污水处理厂" not in page_text(base, "board/")
        page.goto(f"{base}/board/")
        # The bureau accepts a new project meanwhile: the publish follows by itself.
        add_project(store, "P-2026-0003", "新建滨江污水处理厂", "区水利局")
        wait_for(lambda: "新建滨江污水处理厂" in page_text(base, "board/"))
        page.reload()
        assert page.locator("a.xt-cell", has_text="P-2026-0003").count() == 1  # no stale copy from the cache
        shot(page, "live-02-board-after-publish")
        page.reload()  # nothing published since: the browser's copy is confirmed, not sent again
        page.goto(f"{base}/about/")  # a page the publish did not change
        board, about = statuses[f"{base}/board/"], statuses[f"{base}/about/"]
        assert board[-1] == 304 and 200 in board[:-1], board
        assert about == [200, 304], about
