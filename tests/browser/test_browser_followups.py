"""Three steps after the happy path, in real Chromium on the demo: a closure decided on its request,
a department raising an issue on another unit's project, an issue taken to the city and answered."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from browser import chromium_page, demo_copy, demo_template, live_server, login, logout, record, shot
from conftest import TODAY
from demo_records import next_meeting
from playwright.sync_api import expect

from generator.build import publish
from xietiao.cycle.escalation import city_of
from xietiao.cycle.issuelist import data_of
from xietiao.demo.generate import SECRET_MARKER
from xietiao.jsonvalue import Doc
from xietiao.publication import public_project
from xietiao.store.engine import Store

pytestmark = pytest.mark.browser

USERS = ("fgj", "leader", "czj")
REASON = "佐证材料与现场核实一致，问题已解决，同意销号。"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_template(tmp_path_factory.mktemp("demo"), TODAY, USERS)


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Iterator[Store]:
    with demo_copy(template, tmp_path / "data") as s:
        yield s


def _pending_closure(store: Store) -> tuple[str, str]:
    """A closure request the demo leaves waiting, on an item of a public project: (request, item)."""
    waiting = sorted(str(d["number"]) for d in store.all("closure", lambda d: d.get("status") == "submitted"))
    for number in waiting:
        item = record(store, "item", record(store, "closure", number)["data"]["item"])
        if not record(store, "project", item["project"])["confidential"] and item["status"] == "closure_requested":
            return number, str(item["number"])
    raise AssertionError("演示数据里没有待核实的销号申请")


def _site_row(page, base: str, item: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/ledger/")
    row = page.locator(f"article tr:has(a:text-is('{item}'))")
    expect(row).to_have_count(1)
    return str(row.inner_text())


def test_a_closure_request_is_decided_on_its_own_page_and_the_site_shows_the_item_closed(
    store: Store, tmp_path: Path
) -> None:
    request, item = _pending_closure(store)
    site = tmp_path / "site"
    assert publish(store, site, TODAY).ok
    with live_server(store, site, TODAY) as (base, _app), chromium_page() as page:
        before = _site_row(page, base, item)
        assert "申请销号" in before and "已销号" not in before and "正常" in before
        login(page, base, "fgj")
        page.click(f"main a:text-is('{request}')")  # the workbench's 待受理 list
        page.wait_for_url(f"{base}/app/records/closure/{request}")
        card = page.locator("#closure-item")
        expect(card).to_contain_text(item)
        expect(card).to_contain_text(str(record(store, "item", item)["content"]))
        evidence = page.locator("a:text('办结佐证材料（演示）.pdf')")
        assert page.request.get(f"{base}{evidence.get_attribute('href')}").body().startswith(b"%PDF")
        # Exactly the two decisions that exist: no bare 受理 that would leave the item asking for ever.
        assert sorted(page.locator("main button").all_inner_texts()) == ["确认销号", "退回销号申请"]
        page.click("button:text('确认销号')")  # no reason yet: refused, on the same page
        expect(page.locator("#decide [role=alert]")).to_contain_text("销号时必须写明理由")
        page.fill("#close-reason", REASON)
        shot(page, "followups-01-closure-request")
        page.click("button:text('确认销号')")
        expect(page.locator("[role=status]")).to_contain_text("已确认销号")
        expect(page.locator("#closure-item-status")).to_contain_text("已销号")
        assert page.locator("main button").count() == 0  # decided: nothing left to click
        page.click(f"#closure-item h2 a:text-is('{item}')")  # item numbers are links
        page.wait_for_url(f"{base}/app/ledger/{item}")
        expect(page.locator("td.st-closed")).to_contain_text("已销号")
        expect(page.locator("main")).to_contain_text(REASON)
        page.goto(f"{base}/app/")
        assert page.locator(f"main a:text-is('{request}')").count() == 0  # off the bureau's queue
        page.click("header a:text('站点发布')")
        page.click("button:text('立即重新发布站点')")
        expect(page.locator("#publish-status")).to_contain_text("发布完成", timeout=120_000)
        after = _site_row(page, base, item)
        assert re.search(r"已销号（\d{4}年\d{1,2}月\d{1,2}日）", after) and "正常" not in after, after
        shot(page, "followups-02-site-closed")
    published = "".join(p.read_text("utf-8", "replace") for p in site.resolve().rglob("*") if p.is_file())
    assert SECRET_MARKER not in published  # nothing kept off the site got onto it, search index included


def test_a_department_finds_another_units_project_by_typing_and_raises_an_issue(store: Store, tmp_path: Path) -> None:
    # Another unit's public project, part of whose name (as a clerk remembers it) others share too, so the
    # matches stay open as a list to click (a single match is chosen at once).
    public = store.all("project", public_project)

    def shared(p: Doc) -> bool:
        word = str(data_of(p)["name"])[2:8]
        return len(word) == 6 and sum(word in str(data_of(o)["name"]) for o in public) >= 2

    target = min((p for p in public if p["unit"] != "区财政局" and shared(p)), key=lambda p: str(p["number"]))
    number, name = str(target["number"]), str(data_of(target)["name"])
    with live_server(store, tmp_path / "site", TODAY) as (base, _app), chromium_page() as page:
        login(page, base, "czj")  # 区财政局 owns no project at all
        page.click("a.button:text('议题申报')")
        page.wait_for_url(f"{base}/app/forms/issue/new")
        options = page.locator("#f-project option").all_inner_texts()
        assert len(options) > 40 and not any(
            SECRET_MARKER in o for o in options
        )  # others' confidential ones are not offered
        search = page.locator("#f-project-search")
        search.fill("没有这个项目")
        expect(page.locator(".search-none")).to_be_visible()
        expect(page.locator(".search-none")).to_contain_text("项目登记")
        shot(page, "followups-03-no-project-found")
        word = name[2:8]  # part of the name, as a clerk remembers it
        search.fill(word)
        expect(page.locator(".search-none")).to_be_hidden()
        shown = page.locator("#f-project option:not([hidden])").all_inner_texts()
        assert len(shown) >= 2 and all(word in o for o in shown[1:]), shown  # the list narrowed to the matches
        page.locator(f"#f-project option[value='{number}']").click()
        expect(page.locator("#f-project")).to_have_value(number)
        search.fill(number)  # or the number: one match is chosen at once
        expect(page.locator("#f-project")).to_have_value(number)
        shot(page, "followups-04-project-found")
        page.select_option("#f-kind", "资金")
        page.fill("#f-problem", "项目配套资金拨付进度慢于工程进度。")
        page.select_option("#f-urgency", "紧急")
        page.fill("#f-coordinated", "区财政局已与项目业主对账两次，仍有缺口。")
        page.fill("#f-coordinated_by", "区财政局")
        page.fill("#f-ask", "请区政府协调年内安排配套资金。")
        page.check("input[name=needs_city][value=no]")
        page.fill("#f-contact", "孙丽")
        page.fill("input[name=contact-phone]", "13800000051")
        page.click("button[value=submit]")
        page.wait_for_selector("text=已提交，回执编号")
        issue = re.search(r"Q-2026-\d{4}", page.inner_text("h1"))
        assert issue and number in page.inner_text("main")
        logout(page)
        login(page, base, "fgj")
        page.click("header a:text('问题清单')")
        row = page.locator(f"#row-{issue.group(0)}")
        expect(row).to_contain_text("区财政局")
        expect(row).to_contain_text(name)
        expect(row).to_contain_text("待审核")


def _city_step(page, base: str, issue: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/app/issues")
    page.click(f"#row-{issue} a:text('登记报送和市里答复')")
    page.wait_for_url(re.compile(rf".*/app/records/issue/{issue}.*"))


def _reply(page, text: str, outcome: str) -> None:  # type: ignore[no-untyped-def]
    page.click("button:text('登记已报送市里')")
    expect(page.locator("[role=status]")).to_contain_text("已登记报送市里的日期")
    page.fill("#city-reply-text", text)
    page.check(f"input[name=outcome][value={outcome}]")
    page.click("button:text('登记市里答复')")
    expect(page.locator("[role=status]")).to_contain_text("已登记市里答复")


def _city_issues(store: Store) -> tuple[str, str]:
    """Found by what they are, not by number (the demo's numbering moves whenever its generator does):
    (an accepted issue on the next meeting's list, on a public project, that the bureau may put to a
    leader for the city; an issue a leader already approved for the city that has not been sent yet)."""

    def public(issue: Doc) -> bool:
        project = store.get("project", str(data_of(issue).get("project") or ""))
        return not issue.get("confidential") and project is not None and public_project(project)

    meeting = next_meeting(store)
    accepted = sorted(
        str(d["number"])
        for d in store.all("issue", lambda d: d.get("list_state") == "accepted" and d.get("meeting") == meeting)
        if public(d)
    )
    waiting = sorted(
        str(d["number"])
        for d in store.all("issue", lambda d: d.get("list_state") == "city")
        if city_of(d).get("approved_at") and not city_of(d).get("sent_on") and public(d)
    )
    assert accepted and waiting, "演示数据里应有下次例会已纳入清单的议题和已同意报市里、尚未报送的议题"
    return accepted[0], waiting[0]


def test_an_issue_goes_to_the_city_after_a_leaders_approval_and_the_reply_is_recorded(
    store: Store, tmp_path: Path
) -> None:
    issue, waiting = _city_issues(store)
    reply = "市自然资源和规划局复函：用地指标由市里统筹，具体报批仍由区里组织，请区级继续协调。"
    with live_server(store, tmp_path / "site", TODAY) as (base, _app), chromium_page() as page:
        login(page, base, "fgj")
        page.click("header a:text('问题清单')")
        page.click(f"#row-{issue} summary")
        page.fill(f"#row-{issue} input[name=note]", "涉及跨区用地指标调剂，区里无权审批。")
        page.click(f"#row-{issue} button:text('报市级协调')")
        expect(page.locator("[role=status]")).to_contain_text("已提请区领导审定")
        expect(page.locator(f"#row-{issue} .st")).to_have_text("报市级协调待审定")
        logout(page)

        login(page, base, "leader")
        expect(page.locator("main")).to_contain_text("报市级协调")  # counted on the leader's workbench
        page.click("header a:text('待审定')")
        card = page.locator(f"#city-{issue}")
        expect(card).to_contain_text("涉及跨区用地指标调剂")
        shot(page, "followups-05-leader-city")
        card.locator("button:text('同意报市级协调')").click()
        expect(page.locator("[role=status]")).to_contain_text("已同意报市级协调")
        logout(page)

        login(page, base, "fgj")
        _city_step(page, base, issue)
        with page.expect_download() as download:
            page.click("a:text('下载提请市级协调的函（Word）')")
        letter = "\n".join(
            p.text for p in docx.Document(io.BytesIO(Path(download.value.path()).read_bytes())).paragraphs
        )
        data = record(store, "issue", issue)["data"]
        assert "市重大项目协调例会办公室" in letter and "涉及跨区用地指标调剂" in letter and "代拟稿" not in letter
        assert str(data["ask"]) in letter and str(data["problem"]) in letter
        _reply(page, reply, "returned")
        history = page.locator("#city-history li")
        expect(history).to_have_count(4)
        assert [t.split(" · ")[0] for t in history.all_inner_texts()] == [
            "区发展改革局提请报市级协调",
            "区领导审定同意报市级协调",
            "协调请求已报送市里",
            "收到市里答复",
        ]
        expect(page.locator("#city-reply")).to_contain_text(reply)
        expect(page.locator("main")).to_contain_text("问题清单：已纳入清单")  # back on the district list
        shot(page, "followups-06-city-reply")

        _city_step(page, base, waiting)
        _reply(page, "市发展改革委复函：已协调市级审批部门，问题已解决。", "solved")
        expect(page.locator("main")).to_contain_text("问题清单：市级协调已办结")
    assert record(store, "issue", issue)["list_state"] == "accepted"
    assert record(store, "issue", waiting)["list_state"] == "city_solved"
