"""A late item closed in Chromium: monthly report, closure request with a PDF, 销号, the site recoloured."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from browser import chromium_page, live_server, login, logout, shot
from conftest import PASSWORD, TODAY
from playwright.sync_api import expect

from generator.build import publish
from generator.sitedata import read_site_data
from xietiao.accounts import add_user
from xietiao.demo.generate import make_demo
from xietiao.ledger.items import register_item
from xietiao.store.engine import Store
from xietiao.units import UnitKind, unit_by_name

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PLANNED = date(2026, 8, 14)  # more than 3 months before TODAY: the item is red (严重滞后)
CONTENT = "8月14日前完成项目配套道路红线调整并取得规划许可"
REASON = "规划许可证已核实，配套道路红线调整完成，同意销号。"


@dataclass(frozen=True)
class Case:
    item: str
    project: str
    unit: str
    username: str


def _green_project(store: Store) -> tuple[str, str]:
    """A public demo project that is green today and led by an ordinary unit (not the bureau)."""
    site = read_site_data(store, TODAY)
    for number in sorted(site.colours):
        project = site.projects[number]
        unit = unit_by_name(project.unit)
        if (
            site.colours[number].colour.value == "green"
            and unit
            and unit.kind not in (UnitKind.BUREAU, UnitKind.GOVERNMENT)
        ):
            return number, unit.name
    raise AssertionError("演示数据里没有绿色的项目")


def _meeting_before(store: Store, day: date) -> dict[str, object]:
    held = [m for m in store.all("meeting") if m["status"] == "published" and str(m["date"]) < day.isoformat()]
    return max(held, key=lambda m: str(m["date"]))


@pytest.fixture
def case(tmp_path: Path) -> Iterator[tuple[Store, Case]]:
    """The demo, plus one red item on an otherwise green project (the demo has no project late for one
    reason only), two accounts, and the site built once."""
    with Store(tmp_path / "data", create=True) as store:
        make_demo(store, TODAY, "demo", accounts=False)
        project, unit = _green_project(store)
        meeting = _meeting_before(store, date(2026, 7, 31))
        item = register_item(
            store,
            "fgj",
            meeting=str(meeting["number"]),
            project=project,
            content=CONTENT,
            lead_unit=unit,
            planned=PLANNED,
            person={"name": "周敏", "phone": "13800000041"},
            created=f"{meeting['date']}T16:00:00+08:00",
        )
        username = unit_by_name(unit).code  # type: ignore[union-attr]
        add_user(store, "fgj", "区发展改革局", "bureau", PASSWORD)
        add_user(store, username, unit, "unit", PASSWORD)
        result = publish(store, tmp_path / "site", TODAY)
        assert result.ok, result.error
        yield store, Case(str(item["number"]), project, unit, username)


def _board_colour(page, base: str, project: str) -> str:  # type: ignore[no-untyped-def]
    """The project's tile on the site's three-colour board: green, yellow or red."""
    page.goto(f"{base}/board/")
    tile = page.locator(f"a.xt-cell[href$='projects/{project}/']")
    expect(tile).to_have_count(1)
    found = re.search(r"\bxt-(green|yellow|red)\b", tile.get_attribute("class") or "")
    assert found, tile.get_attribute("class")
    return found.group(1)


def _site_ledger_row(page, base: str, item: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/ledger/")
    row = page.locator(f"article tr:has(a:text-is('{item}'))")
    expect(row).to_have_count(1)
    return row.inner_text()


def _unit_reports_and_asks_to_close(page, base: str, c: Case, evidence: Path) -> None:  # type: ignore[no-untyped-def]
    login(page, base, c.username)
    mine = page.locator(f"tr:has(a:text-is('{c.item}'))")
    assert "严重滞后" in mine.inner_text()  # the unit sees it is badly late
    mine.locator(f"a:text-is('{c.item}')").click()
    page.wait_for_url(f"{base}/app/ledger/{c.item}")

    page.click("a.button:text('报送月度进展')")
    assert page.input_value("#f-item") == c.item
    page.fill("#f-month", "2026-11")
    page.select_option("#f-status", "已完成")
    page.fill("#f-progress", "配套道路红线调整方案已获批，11月20日取得建设工程规划许可证。")
    page.fill("#f-percent", "100")
    page.click("button[value=submit]")
    page.wait_for_selector("text=已提交，回执编号")
    shot(page, "ledger-01-progress-filed")

    page.goto(f"{base}/app/ledger/{c.item}")
    assert "推进中" in page.inner_text("td.st-in_progress")
    page.click("a.button:text('申请销号')")
    assert page.input_value("#f-item") == c.item
    page.fill("#f-solved", "红线调整已完成，已取得建设工程规划许可证（附扫描件）。")
    page.fill("#f-done", "2026-11-20")
    page.set_input_files("#f-evidence", str(evidence))
    page.fill("#f-contact", "周敏")
    page.fill("input[name=contact-phone]", "13800000041")
    page.click("button[value=submit]")
    page.wait_for_selector("text=已提交，回执编号")
    assert evidence.name in page.inner_text("main")
    page.goto(f"{base}/app/ledger/{c.item}")
    expect(page.locator("td.st-closure_requested")).to_contain_text("申请销号")
    shot(page, "ledger-02-closure-requested")
    logout(page)


def _bureau_closes(page, base: str, c: Case) -> None:  # type: ignore[no-untyped-def]
    login(page, base, "fgj")
    page.click("header a:text('台账')")
    row = page.locator(f"tr[data-number='{c.item}']")
    expect(row).to_contain_text("申请销号")
    # First the request and its evidence, as the row's link suggests.
    row.locator("summary:text('销号')").click()
    row.locator("a:text('先看销号申请和佐证材料')").click()
    page.wait_for_url(f"{base}/app/ledger/{c.item}")
    link = page.locator("a:text('红线许可.pdf')")
    expect(link).to_have_count(1)
    assert page.request.get(f"{base}{link.get_attribute('href')}").body() == PDF
    page.go_back()
    row = page.locator(f"tr[data-number='{c.item}']")
    row.locator("summary:text('销号')").click()
    row.locator("textarea[name=reason]").fill(REASON)
    shot(page, "ledger-03-bureau-closing")
    row.locator("button:text('确认销号')").click()
    page.wait_for_load_state()
    expect(page.locator(f"tr[data-number='{c.item}']")).to_have_count(0)  # off the open ledger
    page.select_option("select[name=status]", "closed")
    page.click("form.filters button:text('筛选')")
    closed = page.locator(f"tr[data-number='{c.item}']")
    expect(closed).to_contain_text("已销号")
    expect(closed).to_contain_text(REASON)


def _publish(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.click("header a:text('站点发布')")
    page.click("button:text('立即重新发布站点')")
    # The page reloads itself while the publish runs.
    expect(page.locator("#publish-status")).to_contain_text("发布完成", timeout=120_000)
    shot(page, "ledger-04-published")


def test_unit_closes_a_late_item_and_the_board_turns_green(case: tuple[Store, Case], tmp_path: Path) -> None:
    store, c = case
    evidence = tmp_path / "红线许可.pdf"
    evidence.write_bytes(PDF)
    with live_server(store, tmp_path / "site", TODAY) as (base, _app), chromium_page() as page:
        assert _board_colour(page, base, c.project) == "red"
        shot(page, "ledger-00-site-board-before")
        before = _site_ledger_row(page, base, c.item)
        assert "已挂号" in before and "严重滞后" in before and "已销号" not in before

        _unit_reports_and_asks_to_close(page, base, c, evidence)
        _bureau_closes(page, base, c)
        assert store.get("item", c.item)["status"] == "closed"  # type: ignore[index]
        _publish(page, base)

        after = _site_ledger_row(page, base, c.item)
        assert "已销号（2026年11月20日）" in after and "严重滞后" not in after, after
        assert _board_colour(page, base, c.project) == "green"
        shot(page, "ledger-05-site-board-after")
        page.goto(f"{base}/projects/{c.project}/")
        project_page = page.inner_text("article")
        assert "三色状态：正常" in project_page
        assert re.search(re.escape(c.item) + r".*已销号（2026年11月20日）", project_page), project_page
        shot(page, "ledger-06-site-project-after")
