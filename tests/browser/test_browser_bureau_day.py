"""The bureau's day in Chromium on the demo data: its to-do list, lighter plan and minutes forms, monthly reports
that say something new, one count everywhere, and the not-published mark (issue 14, points 6-10)."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser import chromium_page, live_server, login, logout, shot
from conftest import PASSWORD, TODAY
from demo_records import open_item_of, owed_after_a_report
from docx import Document
from playwright.sync_api import Page, expect

from generator.build import publish
from xietiao.accounts import add_user
from xietiao.demo.generate import SECRET_MARKER, make_demo
from xietiao.publication import withheld_projects
from xietiao.store.engine import Store

pytestmark = pytest.mark.browser

MEETING = "2026-21"  # the demo's next meeting, planned for Friday 4 December 2026; its call is overdue
ACCOUNTS = {
    "fgj": ("区发展改革局", "bureau"),
    "leader": ("区政府", "leader"),
    "czj": ("区财政局", "unit"),
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LATER = date(2026, 12, 21)  # four weeks on: items planned in November have turned yellow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with a few accounts and its site, built once for the module."""
    root = tmp_path_factory.mktemp("bureau-day")
    with Store(root / "data", create=True) as store:
        make_demo(store, TODAY, "demo", accounts=False)
        for name, (unit, role) in ACCOUNTS.items():
            add_user(store, name, unit, role, PASSWORD)
        result = publish(store, root / "site", TODAY)
        assert result.ok, result.error
    return root


@pytest.fixture
def demo(built: Path, tmp_path: Path) -> Iterator[tuple[Store, Path]]:
    """A fresh copy of the demo data for one test, and the site built from the same data."""
    shutil.copytree(built / "data", tmp_path / "data", ignore=shutil.ignore_patterns(".lock"))
    with Store(tmp_path / "data") as store:
        yield store, built / "site"


def _get(store: Store, kind: str, number: str) -> Any:
    """A record as plain JSON for the test to read (Any: the test reads what it knows is there)."""
    doc = store.get(kind, number)
    assert doc is not None, (kind, number)
    return doc


def _all(store: Store, kind: str) -> list[Any]:
    return list(store.all(kind))


def _figures(page: Page) -> dict[str, int]:
    """Every figure on the page that says what it counts (data-fig), as numbers."""
    found = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('[data-fig]')].map(e => [e.dataset.fig, e.textContent]))"
    )
    return {k: int(v) for k, v in found.items()}


def _no_ctrl_click(page: Page) -> None:
    assert page.locator("select[multiple]").count() == 0, page.url


# -- 6. the workbench is the bureau's to-do list --------------------------------------------------


def _unit_asks_to_close(page: Page, base: str, item: str, evidence: Path) -> None:
    login(page, base, "czj", PASSWORD)
    page.goto(f"{base}/app/forms/closure/new?item={item}")
    page.fill("#f-solved", "资金已全部拨付到位，问题已解决。")
    page.fill("#f-done", "2026-11-26")
    page.set_input_files("#f-evidence", str(evidence))
    page.fill("#f-contact", "孙婷")
    page.fill("input[name=contact-phone]", "13800000051")
    page.click("button[value=submit]")
    page.wait_for_selector("text=已提交，回执编号")
    logout(page)


def test_workbench_lists_what_is_due_with_links(demo: tuple[Store, Path], tmp_path: Path) -> None:
    store, site = demo
    item = open_item_of(store, "区财政局")
    evidence = tmp_path / "拨付凭证.pdf"
    evidence.write_bytes(PDF)
    with live_server(store, site, TODAY) as (base, _), chromium_page() as page:
        _unit_asks_to_close(page, base, item, evidence)
        login(page, base, "fgj", PASSWORD)
        shot(page, "day-01-workbench")
        call = page.locator("#todo-cycle tr").first
        expect(call).to_contain_text("发布议题征集通知")
        expect(call).to_contain_text("已逾期4个工作日（2026年11月23日到期）")  # Friday's meeting + 1 working day
        closure = page.locator(f"#todo-closures tr:has-text('{item}')")
        expect(closure).to_contain_text("申请销号")
        expect(page.locator("#todo-reports summary")).to_contain_text("还有1个工作日（2026年11月30日到期）")
        expect(page.locator("#todo-reports tr:has-text('区财政局')")).to_contain_text("未报")
        expect(page.locator("#todo-overdue")).to_be_visible()
        # Each row opens the page where it is done.
        closure.locator("a").click()
        page.wait_for_url(f"{base}/app/ledger/{item}")
        expect(page.locator("main")).to_contain_text("申请销号")
        page.go_back()
        page.locator("#todo-reports tr:has-text('区财政局') a:text-is('区财政局')").click()  # the unit, not an item
        page.wait_for_url(re.compile(r".*/app/reports\?month=2026-11$"))
        expect(page.locator("tr[data-unit='区财政局']")).to_be_visible()
        page.go_back()
        call.locator("a").click()
        page.wait_for_url(f"{base}/app/cycle/{MEETING}")
        expect(page.locator("button:text('发布议题征集通知')")).to_be_visible()
    # Weeks later, items planned in November are over a month late: yellow since the last meeting.
    with live_server(store, site, LATER) as (base, _), chromium_page() as page:
        login(page, base, "fgj", PASSWORD)
        worse = page.locator("#todo-colours tr")
        assert worse.count() > 0
        first = worse.first.inner_text()
        found = re.search(r"(\d{4}-\d{2}-\d{2}) 转为(滞后|严重滞后)", first)
        assert found, first
        shot(page, "day-02-workbench-colours")
        worse.first.locator("a").click()
        page.wait_for_url(f"{base}/app/ledger/{found.group(1)}")
        expect(page.locator("main")).to_contain_text(found.group(2))


# -- 7. lighter plan and minutes forms ------------------------------------------------------------


def _accept_first_proposed(page: Page, base: str) -> str:
    page.goto(f"{base}/app/")
    page.locator("#todo-cycle tr:has-text('审核问题清单') a").click()
    row = page.locator("tr[id^=row-]:has(.st:text('待审核'))").first
    number = str(row.get_attribute("id")).removeprefix("row-")
    row.locator("summary").click()
    row.locator("button:text('纳入清单')").click()
    expect(page.locator(f"#row-{number} .st")).to_have_text("已纳入清单")
    return number


def _open_call_from_workbench(page: Page, base: str) -> None:
    page.goto(f"{base}/app/")
    page.locator(f"#todo-cycle tr:has(a[href='/app/cycle/{MEETING}']) a").first.click()
    page.click("button:text('发布议题征集通知')")
    expect(page.locator("#meeting-status")).to_have_text("议题征集中")


def _send_plan(page: Page) -> None:
    page.click("form button:text('报送区领导审定')")
    expect(page.locator("#confirm-early")).to_contain_text("2026年11月30日")  # units may still propose
    page.click("#confirm-early button:text('确认现在报送')")
    expect(page.locator("#meeting-status")).to_have_text("方案待审定")


def _leader_approves_plan(page: Page, base: str) -> str:
    login(page, base, "leader", PASSWORD)
    page.click("header a:text('待审定')")
    card = page.locator(f"#m-{MEETING}")
    text = card.inner_text()
    card.locator("button:text('审定通过')").click()
    page.wait_for_selector('[role=status]:has-text("已审定")')
    logout(page)
    return str(text)


def _held_and_minutes(page: Page, base: str) -> None:
    login(page, base, "fgj", PASSWORD)
    page.goto(f"{base}/app/cycle/{MEETING}")
    page.click("button:text('登记例会已召开')")
    expect(page.locator("#meeting-status")).to_have_text("已召开")
    page.click("a.button:text('起草会议纪要')")
    page.wait_for_url(f"{base}/app/cycle/{MEETING}/minutes")


def test_plan_draft_confirmation_and_prefilled_minutes(demo: tuple[Store, Path]) -> None:
    store, site = demo
    with live_server(store, site, TODAY) as (base, _), chromium_page() as page:
        login(page, base, "fgj", PASSWORD)
        _open_call_from_workbench(page, base)
        accepted = _accept_first_proposed(page, base)
        issue = _get(store, "issue", accepted)
        project, unit = issue["data"]["project"], issue["unit"]
        page.goto(f"{base}/app/cycle/{MEETING}/plan")
        _no_ctrl_click(page)
        assert page.is_checked(f"#i-{accepted}")
        # Projects are a searchable list of ticks: typing part of a name leaves the matching ones (and the ticked).
        extra_number = next(
            str(d["number"])
            for d in _all(store, "project")
            if d.get("status") == "accepted"
            if d["number"] != project and not d["data"].get("confidential")
        )
        query = _get(store, "project", extra_number)["data"]["name"][:4]
        page.locator("input[aria-label=筛选项目]").fill(query)
        box = page.locator("#plan-projects")
        for label in box.locator("label:visible").all():
            assert query in label.inner_text() or label.locator("input").is_checked(), label.inner_text()
        assert box.locator("label:visible").count() < box.locator("label").count()
        box.locator(f"label:has(input[value='{extra_number}']) input").check()
        expect(page.locator("#plan-projects ~ [data-ticks-chosen]")).to_contain_text(extra_number)
        page.fill("#plan-start", "09:30")
        page.click("button:text('保存草稿')")
        expect(page.locator("#plan-saved")).to_be_visible()
        page.reload()
        assert (
            page.is_checked(f"#plan-projects input[value='{extra_number}']")
            and page.input_value("#plan-start") == "09:30"
        )
        assert _get(store, "meeting", MEETING)["status"] == "call_open"
        shot(page, "day-03-plan-draft")
        _send_plan(page)
        logout(page)
        _leader_approves_plan(page, base)
        _held_and_minutes(page, base)
        _no_ctrl_click(page)
        planned = _get(store, "meeting", MEETING)["issues"]
        rows = page.locator("#g-agreed .group-row")
        assert rows.count() == len(planned)  # one row per plan issue, no empty spares
        mine = planned.index(accepted)
        assert page.input_value(f"select[name=agreed-{mine}-project]") == project
        assert page.input_value(f"select[name=agreed-{mine}-lead_unit]") == unit
        assert page.input_value(f"input[name=agreed-{mine}-person-name]") == issue["data"]["contact"]["name"]
        name = _get(store, "project", project)["data"]["name"]
        assert name in page.inner_text(f"select[name=agreed-{mine}-issue] option:checked")  # names, not only numbers
        summaries = [t.split("（")[0] for t in page.locator("details.section > summary").all_inner_texts()]
        assert summaries == ["会议情况", "议题研究情况", "落实情况说明", "议定事项"]  # collapsible sections...
        expect(page.locator("details.section[open]")).to_have_count(len(summaries))  # ...open at first
        heights = [rows.nth(i).bounding_box()["height"] for i in range(rows.count())]  # type: ignore[index]
        total = page.evaluate("document.body.scrollHeight")
        print(f"\n纪要页：{len(planned)} 个议题，页面高 {total} px，每项议定事项 {max(heights):.0f} px 以内")
        assert max(heights) < 520  # one compact block per agreed item at 1280 px
        page.locator("details.section").nth(1).locator("summary").click()  # a section folds away
        expect(page.locator("#g-discussions")).to_be_hidden()
        shot(page, "day-04-minutes-prefilled")


# -- 8. monthly reports that say something new --------------------------------------------------


def _report_from_workbench(page: Page, item: str) -> None:
    page.locator(f"#owed-reports li:has(a:text-is('{item}')) a:text('报送本项')").click()
    expect(page.locator("#f-item")).to_have_value(item)


def test_unchanged_report_is_marked_and_confirmed(demo: tuple[Store, Path]) -> None:
    store, site = demo
    with live_server(store, site, TODAY) as (base, _), chromium_page() as page:
        first, done = owed_after_a_report(store, "区财政局", TODAY)[:2]
        filed = len([d for d in _all(store, "progress") if d["data"]["item"] == first])
        login(page, base, "czj", PASSWORD)
        _report_from_workbench(page, first)
        progress, plan = page.locator(".field.f-progress"), page.locator(".field.f-next_steps")
        expect(progress).to_have_class(re.compile(r"\bcarried\b"))  # still last month's text: marked
        expect(plan).to_have_class(re.compile(r"\bcarried\b"))
        page.fill("#f-progress", "资金已到位九成，剩余部分本月底前拨付。")
        expect(progress).not_to_have_class(re.compile(r"\bcarried\b"))  # rewritten: the mark goes
        expect(plan).to_have_class(re.compile(r"\bcarried\b"))
        shot(page, "day-05-report-marked")
        page.click("button[value=submit]")
        box = page.locator("#confirm-unchanged")
        expect(box).to_contain_text("下月打算")
        expect(box).not_to_contain_text("本月进展")
        assert len([d for d in _all(store, "progress") if d["data"]["item"] == first]) == filed  # not yet
        box.locator("button:text('内容确无变化，确认提交')").click()
        page.wait_for_selector("text=已提交，回执编号")
        # Done, yet the same plan for next month: flagged before it is filed, and to the bureau after.
        page.goto(f"{base}/app/")
        _report_from_workbench(page, done)
        page.select_option("#f-status", "已完成")
        page.fill("#f-progress", "资金已全部拨付。")
        page.fill("#f-percent", "100")
        page.click("button[value=submit]")
        expect(page.locator("#done-same-plan")).to_contain_text("完成比例已达100%")
        shot(page, "day-06-report-done-same-plan")
        page.click("#confirm-unchanged button:text('内容确无变化，确认提交')")
        page.wait_for_selector("text=已提交，回执编号")
        logout(page)
        login(page, base, "fgj", PASSWORD)
        page.goto(f"{base}/app/ledger/{done}")
        expect(page.locator("p.flagged").first).to_contain_text("已完成但下月打算未变")


# -- 9. one count, explained -------------------------------------------------------------------------


def _bulletin(page: Page) -> str:
    with page.expect_download() as info:
        page.click("a:text('下载落实情况通报（Word）')")
    path = info.value.path()
    return "\n".join(p.text for p in Document(io.BytesIO(Path(path).read_bytes())).paragraphs)


def test_the_same_question_gets_the_same_number_everywhere(demo: tuple[Store, Path]) -> None:
    store, site = demo
    with live_server(store, site, TODAY) as (base, _), chromium_page() as page:
        login(page, base, "fgj", PASSWORD)
        page.click("header a:text('台账')")
        page.wait_for_url(f"{base}/app/ledger")  # not the workbench's figures while the ledger is still loading
        app = _figures(page)
        assert int(page.inner_text("#ledger-count")) == app["open"]  # the rows listed are the ones counted
        expect(page.locator("#figures")).to_contain_text("统计口径")
        bulletin = _bulletin(page)
        site_pages = {}
        for path in ("", "ledger/", "board/"):
            page.goto(f"{base}/{path}")
            expect(page.locator("article")).to_contain_text("统计口径")
            site_pages[path or "home"] = _figures(page)
        page.goto(f"{base}/projects/")
        listed = _figures(page)["projects"]
    home = site_pages["home"]
    assert site_pages["ledger/"] == home and site_pages["board/"] == home and listed == home["projects"]
    # The site counts what it publishes; the app says both, and says which is which.
    assert (home["open"], home["closed"], home["projects"]) == (
        app["published-open"],
        app["published-closed"],
        app["published-projects"],
    )
    withheld = withheld_projects(store)
    assert app["open"] > home["open"] and app["projects"] == home["projects"] + sum(
        1 for n, why in withheld.items() if "不公开" in why and _get(store, "project", n)["status"] == "accepted"
    )
    assert sum(app[f"open-{i}"] for i in (1, 2, 3)) == app["open"]
    assert sum(home[f"projects-{i}"] for i in (1, 2, 3)) == home["projects"]
    totals = re.search(
        r"台账未销号议定事项(\d+)项，其中正常(\d+)项、滞后(\d+)项、严重滞后(\d+)项；已销号(\d+)项。已受理项目(\d+)个",
        bulletin,
    )
    shown = re.search(r"内网站点公开的为项目(\d+)个、未销号事项(\d+)项", bulletin)
    assert totals and shown, bulletin[:400]
    assert [int(x) for x in totals.groups()] == [
        app["open"],
        app["open-1"],
        app["open-2"],
        app["open-3"],
        app["closed"],
        app["projects"],
    ]
    assert [int(x) for x in shown.groups()] == [home["projects"], home["open"]]
    print(f"\n未销号议定事项：台账 {app['open']} 项，站点 {home['open']} 项", end="；")
    print(f"项目：台账 {app['projects']} 个，站点 {home['projects']} 个")


# -- 10. "not published" is what the flag means ----------------------------------------------------


def test_the_flag_reads_not_published_and_shows_on_plan_and_approval(demo: tuple[Store, Path]) -> None:
    store, site = demo
    internal = sorted(n for n, why in withheld_projects(store).items() if "不公开" in why)
    names = [_get(store, "project", n)["data"]["name"] for n in internal]
    assert internal, "演示数据里应有标为不公开的项目"
    # The site and its search index hold none of them.
    for path in site.resolve().rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".txt"):
            text = path.read_text("utf-8", errors="replace")
            assert SECRET_MARKER not in text and not any(n in text for n in names), path
    with live_server(store, site, TODAY) as (base, _), chromium_page() as page:
        login(page, base, "czj", PASSWORD)
        for form in ("project", "material"):
            page.goto(f"{base}/app/forms/{form}/new")
            flag = page.locator(".field.f-confidential")
            expect(flag).to_contain_text("不公开（仅内部）")
            expect(flag).to_contain_text("国家秘密")
            assert "涉密" not in page.inner_text("body")
        logout(page)
        login(page, base, "fgj", PASSWORD)
        page.goto(f"{base}/app/ledger")
        expect(page.locator("#figures .internal-mark")).to_contain_text("不公开（仅内部）")
        _open_call_from_workbench(page, base)
        page.goto(f"{base}/app/cycle/{MEETING}/plan")
        page.locator("input[aria-label=筛选项目]").fill(names[0][:4])
        secret = page.locator(f"#plan-projects label:has(input[value='{internal[0]}'])")
        expect(secret).to_contain_text("（不公开）")
        secret.locator("input").check()
        _send_plan(page)
        expect(page.locator("main")).to_contain_text("不公开")  # the meeting page marks it too
        logout(page)
        login(page, base, "leader", PASSWORD)
        page.click("header a:text('待审定')")
        card = page.locator(f"#m-{MEETING}")
        expect(card.locator(f"li:has-text('{internal[0]}') .internal-mark")).to_have_text("不公开")
        expect(card.locator(f"#withheld-{MEETING}")).to_contain_text("不会出现在内网站点")
        shot(page, "day-07-approval-internal-mark")
        assert "涉密" not in page.inner_text("body")
