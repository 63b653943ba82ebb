"""The next meeting's own follow-ups in real Chromium on the demo: the material owed for its plan
(task, prefilled form, checklist, pack for the leader) and the units due to explain at it."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from browser import chromium_page, demo_copy, demo_template, live_server, login, logout, record, shot
from conftest import TODAY
from playwright.sync_api import expect

from xietiao.ledger.board import item_assessment
from xietiao.ledger.colours import Colour
from xietiao.model import item_of
from xietiao.store.engine import Store

pytestmark = pytest.mark.browser

MEETING = "2026-21"  # the demo's next meeting, not yet called
PLANNED = "P-2026-0032"  # 区交通运输局's project, on the plan through the accepted issue Q-2026-0085
OTHER = "P-2025-0006"  # another of its projects, not on the plan
USERS = ("fgj", "leader", "jtysj", "czj")
INTERNAL = "停车场地块与军事管理区相邻，相关内容仅供会上参阅。"
POOR = "连续两个月进展报告内容雷同，配套资金仍未落实。"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_template(tmp_path_factory.mktemp("demo"), TODAY, USERS)


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Iterator[Store]:
    with demo_copy(template, tmp_path / "data") as s:
        yield s


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _plan_approved(page, base: str, due: str = "") -> None:  # type: ignore[no-untyped-def]
    """The bureau calls the meeting and sends the suggested plan; the leader approves it."""
    login(page, base, "fgj")
    page.goto(f"{base}/app/cycle/{MEETING}")
    page.click("button:text('发布议题征集通知')")
    page.click("a.button:text('拟定建议方案')")
    if due:
        page.fill("#plan-due", due)
    page.click("button:text('报送区领导审定')")
    expect(page.locator("#meeting-status")).to_have_text("方案待审定")
    logout(page)
    login(page, base, "leader")
    page.click("header a:text('待审定')")
    page.click(f"#m-{MEETING} button:text('审定通过')")
    expect(page.locator("[role=status]")).to_contain_text("建议方案已审定")
    logout(page)


def _task_row(page, project: str):  # type: ignore[no-untyped-def]
    return page.locator(f"#material-tasks tr[data-project='{project}']")


def _checklist_state(page, base: str, project: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/app/cycle/{MEETING}")
    return str(page.locator(f"#material-checklist tr[data-project='{project}'] td.st").inner_text())


def test_material_is_owed_per_planned_project_checked_off_and_packed_for_the_leader(
    store: Store, tmp_path: Path
) -> None:
    issue = record(store, "issue", "Q-2026-0085")["data"]
    with live_server(store, tmp_path / "site", TODAY) as (base, _app), chromium_page() as page:
        _plan_approved(page, base, due="2026-12-02")
        login(page, base, "jtysj")
        task = _task_row(page, PLANNED)
        expect(task).to_contain_text("2026年12月2日")
        expect(task).to_contain_text("未报送")
        shot(page, "steps-01-unit-material-task")
        task.locator("a:text('报送材料')").click()
        # Tied to the meeting and started from the project's registration and the issue it was planned with.
        assert page.input_value("#f-meeting") == MEETING and page.input_value("#f-project") == PLANNED
        assert page.input_value("#f-problems") == issue["problem"] and page.input_value("#f-ask") == issue["ask"]
        assert page.input_value("#f-overview") and page.input_value("#f-goals-0-task")
        assert page.input_value("#f-persons-0-person")
        warning = page.locator("#f-project-plan-warning")
        expect(warning).to_be_hidden()
        page.select_option("#f-project", OTHER)  # the wrong project: said at once
        expect(warning).to_be_visible()
        if not page.input_value("#f-progress"):
            page.fill("#f-progress", "停车场主体结构施工中。")
        page.fill("#f-secret_notes", INTERNAL)
        page.check("input[name=confidential][value=no]")
        shot(page, "steps-02-material-form-warning")
        page.click("button[value=submit]")
        page.wait_for_selector("text=已提交，回执编号")
        expect(page.locator("#material-warning")).to_contain_text("不在2026年第21次重大项目协调例会的方案上")
        page.goto(f"{base}/app/")
        expect(_task_row(page, PLANNED)).to_contain_text("未报送")  # the wrong one does not count
        _task_row(page, PLANNED).locator("a:text('报送材料')").click()
        if not page.input_value("#f-progress"):
            page.fill("#f-progress", "停车场主体结构施工中。")
        page.fill("#f-secret_notes", INTERNAL)
        page.check("input[name=confidential][value=no]")
        page.click("button[value=submit]")
        page.wait_for_selector("text=已提交，回执编号")
        assert page.locator("#material-warning").count() == 0
        material = re.search(r"M-2026-\d{4}", page.inner_text("h1"))
        assert material
        logout(page)

        login(page, base, "fgj")
        assert _checklist_state(page, base, PLANNED) == "已收到"
        assert _checklist_state(page, base, "P-2025-0005") == "未报送"
        expect(page.locator("#materials-extra")).to_contain_text(OTHER)
        page.click(f"#material-checklist a:text-is('{material.group(0)}')")
        page.fill("textarea[name=reason]", "请补充停车泊位数量和收费方式。")
        page.click("button:text('退回修改')")
        assert _checklist_state(page, base, PLANNED).startswith("已退回")
        expect(page.locator("#material-checklist")).to_contain_text("请补充停车泊位数量")
        shot(page, "steps-03-checklist")
        logout(page)

        login(page, base, "jtysj")
        expect(_task_row(page, PLANNED)).to_contain_text("请补充停车泊位数量")
        _task_row(page, PLANNED).locator("a:text('修改后重新报送')").click()
        page.fill("#f-progress", "停车场主体结构施工中，规划泊位860个，按时段计费。")
        page.click("button[value=submit]")
        page.wait_for_selector("text=已提交，回执编号")
        logout(page)

        login(page, base, "fgj")
        assert _checklist_state(page, base, PLANNED) == "已收到"
        expect(page.locator("#materials-received")).to_contain_text("已收到 1")
        with page.expect_download() as download:
            page.click("a:text('下载上会材料汇编')")
        pack = _docx_text(Path(download.value.path()).read_bytes())
    names = [str(record(store, "project", p)["data"]["name"]) for p in (PLANNED, "P-2025-0005")]
    contents = pack[pack.index("目　录") :]
    assert contents.index(names[0]) < contents.index(names[1])  # plan order, in the contents list too
    assert "860个" in pack and f"【不公开（仅内部）】内部说明：{INTERNAL}" in pack
    assert "责任单位尚未报送材料" in pack and "方案外" in pack and OTHER in pack


def _poorly_done_item(store: Store) -> str:
    """An open, green item of 区财政局: only the bureau's mark can put it on the next meeting."""
    docs = store.all("item", lambda d: d["lead_unit"] == "区财政局" and d["status"] != "closed")
    green = [d for d in docs if item_assessment(item_of(d), TODAY).colour is Colour.GREEN]
    return str(min(green, key=lambda d: str(d["number"]))["number"])


def test_units_due_to_explain_reach_the_plan_the_notice_the_minutes_and_their_workbench(
    store: Store, tmp_path: Path
) -> None:
    item = _poorly_done_item(store)
    with live_server(store, tmp_path / "site", TODAY) as (base, _app), chromium_page() as page:
        login(page, base, "fgj")
        page.goto(f"{base}/app/ledger/{item}")
        page.fill("#explain-reason", POOR)
        page.click("button:text('标记落实不力')")
        expect(page.locator("[role=status]")).to_contain_text("须在下次例会上作出说明")
        logout(page)

        login(page, base, "czj")
        due = page.locator("#explain-due")
        expect(due).to_contain_text("下次例会")
        expect(due).to_contain_text(POOR)
        expect(due.locator(f"a:text-is('{item}')")).to_have_count(1)  # the item number is a link
        expect(page.locator("#my-supervisions")).to_contain_text("督办函")  # every supervision recorded against it
        shot(page, "steps-04-unit-explain-due")
        logout(page)

        login(page, base, "fgj")
        page.goto(f"{base}/app/cycle/{MEETING}")
        page.click("button:text('发布议题征集通知')")
        page.click("a.button:text('拟定建议方案')")
        plan = page.locator("#plan-explanations")
        expect(plan).to_contain_text("区财政局")
        expect(plan).to_contain_text(POOR)
        expect(plan).to_contain_text("严重滞后")
        shot(page, "steps-05-plan-explanations")
        page.click("button:text('报送区领导审定')")
        expect(page.locator("#meeting-explanations")).to_contain_text(POOR)
        logout(page)
        login(page, base, "leader")
        page.click("header a:text('待审定')")
        expect(page.locator(f"#plan-explanations-{MEETING}")).to_contain_text("区财政局")
        page.click(f"#m-{MEETING} button:text('审定通过')")
        expect(page.locator("[role=status]")).to_contain_text("建议方案已审定")
        logout(page)

        login(page, base, "czj")
        expect(page.locator("#explain-due")).to_contain_text("2026年第21次重大项目协调例会")
        logout(page)

        login(page, base, "fgj")
        page.goto(f"{base}/app/cycle/{MEETING}")
        notice = _docx_text(page.request.get(f"{base}/app/cycle/{MEETING}/notice.docx").body())
        assert "需作说明的单位" in notice and "区财政局" in notice and POOR in notice
        page.click("button:text('登记例会已召开')")
        expect(page.locator("#meeting-status")).to_have_text("已召开")
        page.click("a.button:text('起草会议纪要')")
        rows = page.locator("#g-explained .group-row")
        czj = next(i for i in range(rows.count()) if page.input_value(f"#f-explained-{i}-unit") == "区财政局")
        assert item in page.input_value(f"#f-explained-{czj}-items")
        page.fill(f"#f-explained-{czj}-text", "区财政局说明：配套资金待年度预算调整后拨付，12月20日前到位。")
        shot(page, "steps-06-minutes-explained")
        page.click("button[value=draft]")
        expect(page.locator("[role=status]")).to_contain_text("草稿已保存")
        page.goto(f"{base}/app/cycle/{MEETING}")
        expect(page.locator("#meeting-explained")).to_contain_text("12月20日前到位")
    assert [e["unit"] for e in record(store, "meeting", MEETING)["explained"]] == ["区财政局"]
