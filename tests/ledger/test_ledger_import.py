"""Acceptance: a realistic old ledger imports (merged headers, dates as text and as Excel dates, units by alias,
a few bad rows reported per row), in one batch, and the product's own export imports back unchanged."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from test_ledger import make_item, make_project

from xietiao.config import DISTRICT_TZ
from xietiao.intake.apply import ImportRefused, apply_import, plan_import
from xietiao.intake.rows import Checked, Mapping, check_rows
from xietiao.intake.sheet import IGNORE, best_sheet, detect_header, headers, read_workbook, suggest_mapping
from xietiao.ledger.export import ledger_xlsx
from xietiao.ledger.view import LedgerFilter, ledger_rows
from xietiao.store.engine import Store

TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=DISTRICT_TZ)


def old_ledger() -> bytes:
    """A ledger as a bureau keeps it by hand: a title, two header rows with merged cells, mixed dates."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "议定事项台账"
    ws["A1"] = "XX区重大项目协调例会议定事项落实情况台账"
    ws.merge_cells("A1:J1")
    ws["A2"] = "（截至2026年11月）"
    ws.merge_cells("A2:J2")
    for col, text in zip("ABCDGJ", ("序号", "例会", "项目名称", "议定事项", "责任人", "办理状态"), strict=True):
        ws[f"{col}3"] = text
        ws.merge_cells(f"{col}3:{col}4")
    ws["E3"], ws["E4"], ws["F4"] = "责任单位", "牵头单位", "配合单位"
    ws.merge_cells("E3:F3")
    ws["H3"], ws["H4"], ws["I4"] = "时间节点", "计划完成\n时间", "实际完成时间"
    ws.merge_cells("H3:I3")
    rows: list[list[object]] = [
        [
            1,
            "2026年第3次",
            "东城智能制造产业园",
            "完成项目用地预审",
            "区国资办",
            "区自然资源和规划分局、东城街道",
            "王工",
            datetime(2026, 6, 30),
            None,
            "推进中",
        ],
        [
            2,
            "2026年3月12日",
            "滨江路改造提升工程",
            "完成管线迁改",
            "东城街道",
            None,
            "李四",
            "2026年6月底",
            "2026/5/20",
            "已销号",
        ],
        [
            3,
            datetime(2026, 4, 2),
            "滨江路改造提升工程",
            "=完成交通导改方案",
            "区住建局",
            "区交通运输局",
            "张三",
            "2026.9.30",
            None,
            "在办",
        ],
        [
            4,
            "2026年第3次",
            "东城智能制造产业园",
            "协调电力接入",
            "区不存在局",
            None,
            "赵六",
            "2026-07-15",
            None,
            "推进中",
        ],
        [5, "2026年第3次", "东城智能制造产业园", "落实配套资金", "区财政局", None, "钱七", "尽快", None, "推进中"],
        [6, "2026年第3次", "东城智能制造产业园", None, "东城街道", None, None, "2026-08-01", None, None],
        [None] * 10,
        [8, "〔2026〕3号", "新桥镇污水处理厂", "完成环评批复", "新桥镇", None, "孙八", 46203, None, "已挂号"],
    ]
    for r, values in enumerate(rows, start=5):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    ws["D7"].data_type = "s"  # a cell typed as text that starts with "=": data, never a formula
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _check(data: bytes, store: Store) -> tuple[Checked, list[str], list[str]]:
    grids = read_workbook(data)
    index = best_sheet(grids)
    grid = grids[index]
    first, last = detect_header(grid)
    names = headers(grid, first, last)
    fields = suggest_mapping(names)
    return check_rows(grid, Mapping(index, first, last, tuple(fields)), names), names, fields


def test_a_hand_kept_ledger_is_read_row_by_row_and_imported_without_its_bad_rows(store: Store) -> None:
    checked, names, fields = _check(old_ledger(), store)
    assert names[4] == "责任单位/牵头单位" and names[7] == "时间节点/计划完成\n时间"
    assert fields[:10] == [
        IGNORE,
        "meeting",
        "project_name",
        "content",
        "lead_unit",
        "co_units",
        "person",
        "planned",
        "done",
        "status",
    ]
    by_row = {(p.row, p.column): p for p in checked.problems}
    assert set(checked.bad_rows) == {8, 9, 10}
    assert "区不存在局" in by_row[(8, "E")].message and by_row[(8, "E")].header == "责任单位/牵头单位"
    assert "“尽快”不是日期" in by_row[(9, "H")].message
    assert "缺少议定事项" in by_row[(10, "D")].message
    assert checked.skipped == 1

    plan = plan_import(store, checked)
    assert not plan.ok  # the bad rows keep the whole sheet out until the bureau leaves them out
    with pytest.raises(ImportRefused):
        apply_import(store, checked, actor="fgj", file="旧台账.xlsx", now=NOW)
    assert store.all("item") == []

    result = apply_import(store, checked.good_rows_only(), actor="fgj", file="旧台账.xlsx", now=NOW)
    assert (result.items, result.projects, result.meetings) == (4, 3, 2)
    items = {str(d["content"]): d for d in store.all("item")}
    first = items["完成项目用地预审"]
    assert first["number"] == "2026-03-01" and first["lead_unit"] == "区财政局"  # 区国资办 is its alias
    assert first["co_units"] == ["区自然资源和规划分局", "东城街道"]
    assert first["planned"] == "2026-06-30" and first["status"] == "in_progress"
    pipes = items["完成管线迁改"]
    assert pipes["planned"] == "2026-06-30" and pipes["done"] == "2026-05-20" and pipes["status"] == "closed"
    assert items["=完成交通导改方案"]["planned"] == "2026-09-30"
    assert items["完成环评批复"]["number"] == "2026-03-02" and items["完成环评批复"]["planned"] == "2026-06-30"
    meetings = sorted((str(m["date"]), str(m["number"])) for m in store.all("meeting"))
    assert meetings == [("2026-03-12", "2026-04"), ("2026-04-02", "2026-05")]  # after the named 3rd meeting
    assert pipes["meeting"] == "2026-04" and items["=完成交通导改方案"]["meeting"] == "2026-05"
    projects = {str(p["data"]["name"]): str(p["number"]) for p in store.all("project")}  # type: ignore[index,call-overload]
    assert pipes["project"] == projects["滨江路改造提升工程"] == items["=完成交通导改方案"]["project"]
    # The next meeting created by the cycle does not reuse an imported number.
    assert store.next_number("meeting-2026") == 6


def test_an_import_that_fails_half_way_saves_nothing(store: Store) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["议定事项", "牵头单位", "计划节点"])
    for i in range(100):  # one more than a meeting's numbers allow
        ws.append([f"事项{i}", "东城街道", "2026-12-31"])
    out = io.BytesIO()
    wb.save(out)
    grids = read_workbook(out.getvalue())
    names = headers(grids[0], 0, 0)
    checked = check_rows(grids[0], Mapping(0, 0, 0, tuple(suggest_mapping(names)), "2026-20"), names)
    assert checked.problems == [] and len(checked.items) == 100
    before = (store.count("item"), store.count("counter"), len(store.journal()))
    with pytest.raises(ImportRefused, match="超过99项"):
        apply_import(store, checked, actor="fgj", file="x.xlsx", now=NOW)
    assert (store.count("item"), store.count("counter"), len(store.journal())) == before


def _ledger(store: Store) -> None:
    make_project(store, "P-2026-0001")
    make_project(store, "P-2026-0002", name="保密工程", confidential=True)
    make_item(store, "2026-05-01", planned="2026-06-01", co=("区财政局", "西城街道"))
    make_item(store, "2026-05-02", planned="2026-07-01", lead="西城街道", status="in_progress")
    make_item(store, "2026-05-03", planned="2026-05-20", project="P-2026-0002", content="涉密工程的征地补偿方案")
    make_item(store, "2026-09-01", planned="2026-10-15", lead="区财政局", status="closure_requested")
    make_item(store, "2026-10-01", planned="2026-12-31", content='=HYPERLINK("http://x","点我")')
    make_item(
        store,
        "2026-10-02",
        planned="2026-06-01",
        status="closed",
        closed_reason="已解决",
        closed_at="2026-11-02",
        done="2026-10-30",
    )
    make_item(store, "2026-10-03", planned="2026-12-01", reopened_from="2026-10-02", imported_last_report="2026-10")


def _cells(data: bytes) -> list[list[object]]:
    return [list(r) for r in openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True)]


def test_the_products_own_export_imports_back_unchanged(store: Store, tmp_path: Path) -> None:
    _ledger(store)
    everything = LedgerFilter(status="all")
    exported = ledger_xlsx(ledger_rows(store, TODAY, everything), TODAY, everything)

    # Into the same store: every row is already there and the same; nothing is written.
    checked, _, _ = _check(exported, store)
    plan = plan_import(store, checked)
    assert plan.ok and plan.new == [] and len(plan.unchanged) == 7

    # Into an empty district: the same ledger comes out again, cell for cell.
    with Store(tmp_path / "fresh", create=True) as fresh:
        checked, _, _ = _check(exported, fresh)
        assert checked.problems == []
        result = apply_import(fresh, checked, actor="fgj", file="ledger.xlsx", now=NOW)
        assert result.items == 7 and result.projects == 2
        again = ledger_xlsx(ledger_rows(fresh, TODAY, everything), TODAY, everything)
        assert _cells(again) == _cells(exported)
        assert fresh.next_number("P-2026") == 3  # numbers given after the imported ones


def test_the_demo_districts_whole_ledger_round_trips(tmp_path: Path) -> None:
    from xietiao.demo.generate import make_demo

    everything = LedgerFilter(status="all")
    with Store(tmp_path / "demo", create=True) as demo:
        make_demo(demo, TODAY, "demo", accounts=False)
        exported = ledger_xlsx(ledger_rows(demo, TODAY, everything), TODAY, everything)
        items = demo.count("item")
    with Store(tmp_path / "fresh", create=True) as fresh:
        checked, _, _ = _check(exported, fresh)
        assert checked.problems == [] and len(checked.items) == items > 100
        apply_import(fresh, checked, actor="fgj", file="ledger.xlsx", now=NOW)
        again = ledger_xlsx(ledger_rows(fresh, TODAY, everything), TODAY, everything)
    assert _cells(again) == _cells(exported)
