"""Exports: the .xlsx matches the ledger page item for item; the bulletin lists every red item."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import openpyxl
from conftest import login
from docx import Document
from docx.table import Table
from test_ledger import make_item, make_project

from xietiao.ledger.export import bulletin_data, bulletin_docx, ledger_xlsx
from xietiao.ledger.view import LedgerFilter, ledger_rows
from xietiao.store.engine import Store

TODAY = date(2026, 11, 28)


def _ledger(store: Store) -> None:
    make_project(store, "P-2026-0001")
    make_project(store, "P-2026-0002", name="保密工程", confidential=True)
    make_item(store, "2026-05-01", planned="2026-06-01")  # red
    make_item(store, "2026-05-02", planned="2026-07-01", lead="西城街道")  # red
    make_item(
        store, "2026-05-03", planned="2026-05-20", project="P-2026-0002", content="涉密工程的征地补偿方案"
    )  # red, confidential
    make_item(store, "2026-09-01", planned="2026-10-15", lead="西城街道")  # yellow
    make_item(store, "2026-10-01", planned="2026-12-31", content='=HYPERLINK("http://x","点我")')  # green
    make_item(
        store,
        "2026-10-02",
        planned="2026-06-01",
        status="closed",
        closed_reason="已解决",
        closed_at="2026-11-02",
        done="2026-10-30",
    )


def _sheet(data: bytes) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]


def _page_numbers(html: str) -> list[str]:
    return re.findall(r'<tr data-number="([^"]+)"', html)


def test_xlsx_matches_the_ledger_page_item_for_item(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    _ledger(store)
    fgj = login(app, "fgj")
    for query in ("", "?status=all", "?unit=xc", "?colour=red", "?status=closed", "?unit=dc&colour=green"):
        page = _page_numbers(fgj.get(f"/app/ledger{query}").text)
        r = fgj.get(f"/app/ledger.xlsx{query}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml"
        )
        assert re.fullmatch(
            r'attachment; filename="ledger-2026-11-28[a-z0-9-]*\.xlsx"; filename\*=UTF-8\'\'\S+',
            r.headers["content-disposition"],
        )
        ws = _sheet(r.content)
        sheet = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
        assert sheet == page, query
    assert len(_page_numbers(fgj.get("/app/ledger?status=all").text)) == 6


def test_xlsx_layout_dates_and_text(store: Store) -> None:
    _ledger(store)
    rows = ledger_rows(store, TODAY, LedgerFilter(status="all"))
    ws = _sheet(ledger_xlsx(rows, TODAY, LedgerFilter(status="all")))
    headers = [c.value for c in ws[1]]
    assert headers[:6] == ["编号", "例会", "项目编号", "项目名称", "议定事项", "牵头单位"]
    assert ws.freeze_panes == "B2"
    assert ws.column_dimensions["E"].width >= 40 and ws.column_dimensions["A"].width >= 10
    by_number = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    planned = by_number["2026-05-01"][headers.index("计划节点")]
    assert planned.is_date and planned.value == datetime(2026, 6, 1)
    closed = by_number["2026-10-02"]
    assert closed[headers.index("销号日期")].value == datetime(2026, 11, 2)
    assert closed[headers.index("三色")].value == "已销号"
    assert by_number["2026-05-01"][headers.index("三色")].value == "严重滞后"
    formula = by_number["2026-10-01"][headers.index("议定事项")]
    assert formula.data_type == "s" and formula.value.startswith("=HYPERLINK")  # text, never a formula
    assert by_number["2026-05-03"][headers.index("不公开")].value == "是"


def _docx_text(data: bytes) -> str:
    """Paragraphs and table rows in document order."""
    parts: list[str] = []
    for block in Document(io.BytesIO(data)).iter_inner_content():
        if isinstance(block, Table):
            parts += [" | ".join(cell.text for cell in row.cells) for row in block.rows]
        else:
            parts.append(block.text)
    return "\n".join(parts)


def test_bulletin_lists_every_red_item(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    _ledger(store)
    red = [r.item.number for r in ledger_rows(store, TODAY, LedgerFilter(colour="red"))]
    assert sorted(red) == ["2026-05-01", "2026-05-02", "2026-05-03"]
    r = login(app, "leader").get("/app/bulletin.docx")
    assert r.status_code == 200 and 'filename="bulletin-2026-11-28.docx"' in r.headers["content-disposition"]
    text = _docx_text(r.content)
    red_section = text.split("三、严重滞后事项")[1].split("四、滞后事项")[0]
    for number in red:
        assert number in red_section
    assert "2026-09-01" not in red_section and "2026-09-01" in text.split("四、滞后事项")[1]
    assert "（3项）" in red_section
    # Confidential: the item is listed, its project and content are not.
    assert "涉密工程的征地补偿方案" not in text and "保密工程" not in text
    assert "西城街道 | 2 | 0 | 1 | 1 | 0" in text  # per unit: open, green, yellow, red, closed
    assert "东城街道" in text.split("五、需在下次例会上作出说明的单位")[1]


def test_bulletin_with_nothing_late(store: Store) -> None:
    make_item(store, "2026-10-01", planned="2026-12-31")
    text = _docx_text(bulletin_docx(bulletin_data(store, TODAY)))
    assert "本期无严重滞后事项" in text and "本期无滞后事项" in text
