"""The next meeting's own follow-ups in real Chromium on the demo: the material owed for its plan
(task, prefilled form, checklist, pack for the leader) and the units due to explain at it."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import docx
import pytest
from browser import chromium_page, demo_copy, demo_template, live_server, login, logout, overlapping, record, shot
from conftest import PASSWORD, TODAY
from demo_records import next_meeting
from playwright.sync_api import expect

from xietiao.accounts import add_user
from xietiao.cycle.materials import workdays_before
from xietiao.cycle.plan import normalised, suggest
from xietiao.cycle.workdays import load_calendar
from xietiao.ledger.board import item_assessment
from xietiao.ledger.colours import Colour, zh_date
from xietiao.model import item_of
from xietiao.publication import public_project
from xietiao.store.engine import Store
from xietiao.units import unit_by_name

pytestmark = pytest.mark.browser

USERS = ("fgj", "leader")  # and the units the tests pick from the demo (see _accounts)
INTERNAL = "项目地块与军事管理区相邻，相关内容仅供会上参阅。"
POOR = "连续两个月进展报告内容雷同，配套资金仍未落实。"


@dataclass(frozen=True)
class Planned:
    """What the material test needs, found in the demo by what it is (its numbers change with the generator)."""

    meeting: str  # the next meeting, not yet called
    project: str  # the first project the suggested plan brings in through an accepted issue...
    issue: str  # ...that issue...
    other: str  # ...whose responsible unit has another public project, not on the plan
    unit: str


def _planned(store: Store) -> Planned:
    meeting = next_meeting(store)
    plan = normalised(store, suggest(store, meeting))
    for project in plan.projects:
        doc = store.get("project", project)
        issue = next((n for n in plan.issues if record(store, "issue", n)["data"]["project"] == project), None)
        if doc is None or issue is None or not public_project(doc):
            continue
        unit = str(doc["unit"])
        mine = store.all("project", public_project)
        others = sorted(str(p["number"]) for p in mine if p["unit"] == unit and p["number"] not in plan.projects)
        if others:
            return Planned(meeting, project, issue, others[0], unit)
    raise AssertionError("下次例会的建议方案里没有责任单位另有方案外项目的项目")


def _poorly_done_item(store: Store) -> tuple[str, str]:
    """(unit, item): a unit with a supervision on record, and an open, green item it leads that only the
    bureau's mark can put on the next meeting."""
    for unit in sorted({str(r["unit"]) for r in store.all("supervision")}):
        docs = [d for d in store.all("item") if d["lead_unit"] == unit and d["status"] != "closed"]
        green = sorted(str(d["number"]) for d in docs if item_assessment(item_of(d), TODAY).colour is Colour.GREEN)
        if green:
            return unit, green[0]
    raise AssertionError("演示数据里没有收到过督办、又有未逾期事项的单位")


def _code(unit: str) -> str:
    found = unit_by_name(unit)
    assert found is not None, unit
    return found.code


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = demo_template(tmp_path_factory.mktemp("demo"), TODAY, USERS)
    with Store(data) as store:  # logins for the units the tests pick
        for unit in {_planned(store).unit, _poorly_done_item(store)[0]}:
            add_user(store, _code(unit), unit, "unit", PASSWORD)
    return data


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Iterator[Store]:
    with demo_copy(template, tmp_path / "data") as s:
        yield s


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _plan_approved(page, base: str, meeting: str, due: str = "") -> None:  # type: ignore[no-untyped-def]
    """The bureau calls the meeting and sends the suggested plan; the leader approves it."""
    login(page, base, "fgj")
    page.goto(f"{base}/app/cycle/{meeting}")
    page.click("button:text('发布议题征集通知')")
    page.click("a.button:text('拟定建议方案')")
    if due:
        page.fill("#plan-due", due)
    page.click("button:text('报送区领导审定')")
    # Units may still propose on the demo's today (Saturday; their deadline is next week): confirm sending now.
    page.click("#confirm-early button:text('确认现在报送')")
    expect(page.locator("#meeting-status")).to_have_text("方案待审定")
    logout(page)
    login(page, base, "leader")
    page.click("header a:text('待审定')")
    page.click(f"#m-{meeting} button:text('审定通过')")
    expect(page.locator("[role=status]")).to_contain_text("建议方案已审定")
    logout(page)


def _task_row(page, project: str):  # type: ignore[no-untyped-def]
    return page.locator(f"#material-tasks tr[data-project='{project}']")


def _checklist_state(page, base: str, meeting: str, project: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/app/cycle/{meeting}")
    return str(page.locator(f"#material-checklist tr[data-project='{project}'] td.st").inner_text())


def _fill_material(page) -> None:  # type: ignore[no-untyped-def]
    if not page.input_value("#f-progress"):
        page.fill("#f-progress", "主体工程施工中。")
    page.fill("#f-secret_notes", INTERNAL)
    page.check("input[name=confidential][value=no]")


def test_material_is_owed_per_planned_project_checked_off_and_packed_for_the_leader(
    store: Store, tmp_path: Path
) -> None:
    p = _planned(store)
    meeting = record(store, "meeting", p.meeting)
    issue = record(store, "issue", p.issue)["data"]
    # A due day of our own (two working days before the meeting, not the default one) reaches the unit's task.
    due = workdays_before(load_calendar(store.root), date.fromisoformat(meeting["date"]), 2)
    unit = _code(p.unit)
    with live_server(store, tmp_path / "site", TODAY) as (base, _app), chromium_page() as page:
        _plan_approved(page, base, p.meeting, due=due.isoformat())
        login(page, base, unit)
        task = _task_row(page, p.project)
        expect(task).to_contain_text(zh_date(due))
        expect(task).to_contain_text("未报送")
        shot(page, "steps-01-unit-material-task")
        task.locator("a:text('报送材料')").click()
        # Tied to the meeting and started from the project's registration and the issue it was planned with.
        assert page.input_value("#f-meeting") == p.meeting and page.input_value("#f-project") == p.project
        assert page.input_value("#f-problems") == issue["problem"] and page.input_value("#f-ask") == issue["ask"]
        assert page.input_value("#f-overview") and page.input_value("#f-goals-0-task")
        assert page.input_value("#f-persons-0-person")
        warning = page.locator("#f-project-plan-warning")
        expect(warning).to_be_hidden()
        page.select_option("#f-project", p.other)  # the wrong project: said at once
        expect(warning).to_be_visible()
        _fill_material(page)
        shot(page, "steps-02-material-form-warning")
        page.click("button[value=submit]")
        page.wait_for_selector("text=已提交，回执编号")
        expect(page.locator("#material-warning")).to_contain_text(f"不在{meeting['title']}的方案上")
        page.goto(f"{base}/app/")
        expect(_task_row(page, p.project)).to_contain_text("未报送")  # the wrong one does not count
        _task_row(page, p.project).locator("a:text('报送材料')").click()
        _fill_material(page)
        page.click("button[value=submit]")
        page.wait_for_selector("text=已提交，回执编号")
        assert page.locator("#material-warning").count() == 0
        material = re.search(r"M-\d{4}-\d{4}", page.inner_text("h1"))
        assert material
        logout(page)

        login(page, base, "fgj")
        planned = record(store, "meeting", p.meeting)["projects"]
        missing = next(n for n in planned if n != p.project)  # another project on the plan, its material not sent
        assert _checklist_state(page, base, p.meeting, p.project) == "已收到"
        assert _checklist_state(page, base, p.meeting, missing) == "未报送"
        expect(page.locator("#materials-extra")).to_contain_text(p.other)
        page.click(f"#material-checklist a:text-is('{material.group(0)}')")
        page.fill("textarea[name=reason]", "请补充累计完成投资和下步工作安排。")
        page.click("button:text('退回修改')")
        assert _checklist_state(page, base, p.meeting, p.project).startswith("已退回")
        expect(page.locator("#material-checklist")).to_contain_text("请补充累计完成投资")
        shot(page, "steps-03-checklist")
        logout(page)

        login(page, base, unit)
        expect(_task_row(page, p.project)).to_contain_text("请补充累计完成投资")
        _task_row(page, p.project).locator("a:text('修改后重新报送')").click()
        page.fill("#f-progress", "主体工程完成约六成，累计完成投资860万元，下月完成主体结构封顶。")
        page.click("button[value=submit]")
        page.wait_for_selector("text=已提交，回执编号")
        logout(page)

        login(page, base, "fgj")
        assert _checklist_state(page, base, p.meeting, p.project) == "已收到"
        expect(page.locator("#materials-received")).to_contain_text("已收到 1")
        with page.expect_download() as download:
            page.click("a:text('下载上会材料汇编')")
        pack = _docx_text(Path(download.value.path()).read_bytes())
    first, then = sorted((p.project, missing), key=planned.index)
    names = [str(record(store, "project", n)["data"]["name"]) for n in (first, then)]
    contents = pack[pack.index("目　录") :]
    assert contents.index(names[0]) < contents.index(names[1])  # plan order, in the contents list too
    assert "860万元" in pack and f"【不公开（仅内部）】内部说明：{INTERNAL}" in pack
    assert "责任单位尚未报送材料" in pack and "方案外" in pack and p.other in pack


def test_units_due_to_explain_reach_the_plan_the_notice_the_minutes_and_their_workbench(
    store: Store, tmp_path: Path
) -> None:
    unit, item = _poorly_done_item(store)
    meeting = next_meeting(store)
    title = record(store, "meeting", meeting)["title"]
    with live_server(store, tmp_path / "site", TODAY) as (base, _app), chromium_page() as page:
        login(page, base, "fgj")
        page.goto(f"{base}/app/ledger/{item}")
        page.fill("#explain-reason", POOR)
        page.click("button:text('标记落实不力')")
        expect(page.locator("[role=status]")).to_contain_text("须在下次例会上作出说明")
        logout(page)

        login(page, base, _code(unit))
        due = page.locator("#explain-due")
        expect(due).to_contain_text("下次例会")
        expect(due).to_contain_text(POOR)
        expect(due.locator(f"a:text-is('{item}')")).to_have_count(1)  # the item number is a link
        expect(page.locator("#my-supervisions")).to_contain_text("督办函")  # every supervision recorded against it
        shot(page, "steps-04-unit-explain-due")
        logout(page)

        login(page, base, "fgj")
        page.goto(f"{base}/app/cycle/{meeting}")
        page.click("button:text('发布议题征集通知')")
        page.click("a.button:text('拟定建议方案')")
        plan = page.locator("#plan-explanations")
        expect(plan).to_contain_text(unit)
        expect(plan).to_contain_text(POOR)
        expect(plan).to_contain_text("严重滞后")
        shot(page, "steps-05-plan-explanations")
        page.click("button:text('报送区领导审定')")
        page.click("#confirm-early button:text('确认现在报送')")  # units may still propose: sent on purpose
        expect(page.locator("#meeting-explanations")).to_contain_text(POOR)
        logout(page)
        login(page, base, "leader")
        page.click("header a:text('待审定')")
        expect(page.locator(f"#plan-explanations-{meeting}")).to_contain_text(unit)
        page.click(f"#m-{meeting} button:text('审定通过')")
        expect(page.locator("[role=status]")).to_contain_text("建议方案已审定")
        logout(page)

        login(page, base, _code(unit))
        expect(page.locator("#explain-due")).to_contain_text(title)
        logout(page)

        login(page, base, "fgj")
        page.goto(f"{base}/app/cycle/{meeting}")
        notice = _docx_text(page.request.get(f"{base}/app/cycle/{meeting}/notice.docx").body())
        assert "需作说明的单位" in notice and unit in notice and POOR in notice
        page.click("button:text('登记例会已召开')")
        expect(page.locator("#meeting-status")).to_have_text("已召开")
        page.click("a.button:text('起草会议纪要')")
        for width in (375, 1280):  # every row's fields side by side or stacked, none drawn over another
            page.set_viewport_size({"width": width, "height": 900})
            assert overlapping(page, "form.minutes .group-row") == [], width
        rows = page.locator("#g-explained .group-row")
        mine = next(i for i in range(rows.count()) if page.input_value(f"#f-explained-{i}-unit") == unit)
        assert item in page.input_value(f"#f-explained-{mine}-items")
        page.fill(f"#f-explained-{mine}-text", f"{unit}说明：配套资金待年度预算调整后拨付，12月20日前到位。")
        shot(page, "steps-06-minutes-explained")
        page.click("button[value=draft]")
        expect(page.locator("[role=status]")).to_contain_text("草稿已保存")
        page.goto(f"{base}/app/cycle/{meeting}")
        expect(page.locator("#meeting-explained")).to_contain_text("12月20日前到位")
    assert [e["unit"] for e in record(store, "meeting", meeting)["explained"]] == [unit]
