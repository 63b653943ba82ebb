"""The ledger as a spreadsheet (.xlsx) and the periodic bulletin (通报, .docx).

Both carry user text; it is written as plain text only: no cell becomes a formula, and
characters that XML cannot hold are dropped rather than failing the export.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xietiao.jsonvalue import Doc
from xietiao.ledger.board import COLOUR_ORDER, UnitRow, project_colour, thresholds, unit_table
from xietiao.ledger.colours import Colour, zh_date
from xietiao.ledger.supervision import must_explain
from xietiao.ledger.view import OPEN, STATUS_CHOICES, LedgerFilter, LedgerRow, ledger_rows, scan
from xietiao.model import AgreedItem, Project, item_of, project_of
from xietiao.store.engine import Store
from xietiao.units import bureau_name

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORMULA_START = ("=", "+", "-", "@")
DATE_FORMAT = "yyyy-mm-dd"
SECRET_TEXT = "（涉密事项，内容不在通报中列出）"
WRAPPED = ("项目名称", "议定事项", "配合单位", "颜色说明", "销号理由")
WRAP = Alignment(wrap_text=True, vertical="top")  # one object: openpyxl hashes each style it is given
FILLS = {Colour.GREEN: "C8E6C9", Colour.YELLOW: "FFF59D", Colour.RED: "FFCDD2"}

# (header, width in characters) for each column of the ledger sheet.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("编号", 12),
    ("例会", 9),
    ("项目编号", 14),
    ("项目名称", 26),
    ("议定事项", 50),
    ("牵头单位", 18),
    ("配合单位", 24),
    ("责任人", 9),
    ("联系电话", 14),
    ("计划节点", 12),
    ("状态", 10),
    ("三色", 9),
    ("逾期天数", 9),
    ("颜色说明", 40),
    ("最近报送月份", 13),
    ("完成日期", 12),
    ("销号日期", 12),
    ("销号理由", 30),
    ("原事项编号", 12),
    ("涉密", 6),
)


def plain(text: object) -> str:
    """Text that any XML file can hold."""
    return _NOT_XML.sub("", "" if text is None else str(text))


def _opt_date(value: object) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _row_values(row: LedgerRow) -> list[object]:
    item, a = row.item, row.assessment
    return [
        item.number,
        item.meeting,
        item.project,
        row.project_name,
        item.content,
        item.lead_unit,
        "、".join(item.co_units),
        item.person.name,
        item.person.phone,
        item.planned,
        item.status.label,
        a.colour.label if a else "已销号",
        a.days_late if a else None,
        a.reason if a else "",
        row.last_report,
        item.done,
        _opt_date(row.doc.get("closed_at")),
        item.closed_reason,
        item.reopened_from,
        "是" if row.confidential else "",
    ]


def _put(ws: Worksheet, r: int, c: int, value: object, wrap: bool = False) -> None:
    cell = ws.cell(row=r, column=c)
    if isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int) or value is None:
        cell.value = value
    else:
        text = plain(value)
        cell.value = text
        if text.startswith(FORMULA_START):
            cell.data_type = "s"  # never a formula, whatever the text starts with,
            cell.quotePrefix = True  # and it stays text if someone edits the cell in Excel
    if wrap:
        cell.alignment = WRAP


def filter_text(flt: LedgerFilter) -> str:
    status = dict(STATUS_CHOICES).get(flt.status, flt.status)
    parts = [
        f"牵头单位：{flt.unit or '全部'}",
        f"状态：{status}",
        f"三色：{Colour(flt.colour).label if flt.colour else '全部'}",
    ]
    return "；".join(parts)


def ledger_xlsx(rows: Sequence[LedgerRow], today: date, flt: LedgerFilter) -> bytes:
    """One sheet, one row per item, in the order of `rows`; a second sheet says what was exported."""
    wb = Workbook()
    ws = wb.active
    ws.title = "议定事项台账"
    for c, (header, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=c, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = width
    colour_col = [h for h, _ in COLUMNS].index("三色") + 1
    wrapped = {c for c, (header, _) in enumerate(COLUMNS, start=1) if header in WRAPPED}
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(_row_values(row), start=1):
            _put(ws, r, c, value, c in wrapped)
        if row.colour is not None:
            ws.cell(row=r, column=colour_col).fill = PatternFill("solid", fgColor=FILLS[row.colour])
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, len(rows) + 1)}"
    about = wb.create_sheet("说明")
    for r, (key, value) in enumerate(
        (
            ("导出日期", today),
            ("筛选条件", filter_text(flt)),
            ("事项数", len(rows)),
            ("来源", f"{bureau_name()}重大项目协调例会台账"),
        ),
        start=1,
    ):
        about.cell(row=r, column=1, value=key).font = Font(bold=True)
        _put(about, r, 2, value, wrap=True)
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 60
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- the bulletin ---------------------------------------------------------


@dataclass(frozen=True)
class BulletinData:
    today: date
    open_counts: dict[Colour, int]
    closed: int
    project_counts: dict[Colour, int]
    units: list[UnitRow]
    red: list[LedgerRow]
    yellow: list[LedgerRow]
    explain: list[tuple[str, list[str]]]  # unit, item numbers


def _accepted_project(doc: Doc) -> Project | None:
    return project_of(doc) if doc.get("status") == "accepted" else None


def bulletin_data(store: Store, today: date) -> BulletinData:
    open_rows = ledger_rows(store, today, LedgerFilter(status=OPEN))
    items = scan(store, "item", item_of)
    by_project: dict[str, list[AgreedItem]] = {}
    for i in items:
        by_project.setdefault(i.project, []).append(i)
    projects = scan(store, "project", _accepted_project)
    colours = {p.number: project_colour(p, by_project.get(p.number, []), today).colour for p in projects}
    return BulletinData(
        today=today,
        open_counts={c: sum(1 for r in open_rows if r.colour is c) for c in COLOUR_ORDER},
        closed=sum(1 for i in items if not i.status.is_open),
        project_counts={c: sum(1 for v in colours.values() if v is c) for c in COLOUR_ORDER},
        units=[u for u in unit_table(projects, colours, items, today) if u.items_open or u.items_closed],
        red=[r for r in open_rows if r.colour is Colour.RED],
        yellow=[r for r in open_rows if r.colour is Colour.YELLOW],
        explain=[(unit, [str(d["number"]) for d in docs]) for unit, docs in must_explain(store, today)],
    )


def _east_asian(document: object) -> None:
    style = document.styles["Normal"]  # type: ignore[attr-defined]
    style.font.name = "宋体"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def _table(document: object, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=False):
        cell.text = header
        cell.paragraphs[0].runs[0].font.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=False):
            cell.text = plain(value)


def _item_rows(rows: Sequence[LedgerRow]) -> list[list[object]]:
    out: list[list[object]] = []
    for r in rows:
        project = "（涉密项目）" if r.confidential else f"{r.item.project} {r.project_name}".strip()
        content = SECRET_TEXT if r.confidential else r.item.content
        days = r.assessment.days_late if r.assessment else 0
        out.append([r.item.number, project, content, r.item.lead_unit, zh_date(r.item.planned), f"{days}天"])
    return out


def bulletin_docx(data: BulletinData) -> bytes:
    """The bulletin: totals, counts per unit and colour, the red (and yellow) items, who explains."""
    document = Document()
    _east_asian(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(2)
    title = document.add_heading("重大项目协调例会议定事项落实情况通报", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = document.add_paragraph(f"{bureau_name()}　截至{zh_date(data.today)}")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    oc, pc = data.open_counts, data.project_counts
    document.add_heading("一、总体情况", level=1)
    document.add_paragraph(
        f"台账在办议定事项{sum(oc.values())}项，其中正常{oc[Colour.GREEN]}项、滞后{oc[Colour.YELLOW]}项、"
        f"严重滞后{oc[Colour.RED]}项；已销号{data.closed}项。按项目统计，绿色（正常）{pc[Colour.GREEN]}个、"
        f"黄色（滞后）{pc[Colour.YELLOW]}个、红色（严重滞后）{pc[Colour.RED]}个。"
        f"滞后指超过计划节点{thresholds().yellow}个月仍未完成，严重滞后指超过{thresholds().red}个月仍未完成。"
    )
    document.add_heading("二、各单位议定事项落实情况", level=1)
    _table(
        document,
        ("牵头单位", "在办", "正常", "滞后", "严重滞后", "已销号"),
        [
            (u.unit, u.items_open, u.items[Colour.GREEN], u.items[Colour.YELLOW], u.items[Colour.RED], u.items_closed)
            for u in data.units
        ],
    )
    headers = ("编号", "项目", "议定事项", "牵头单位", "计划节点", "逾期")
    document.add_heading(f"三、严重滞后事项（{len(data.red)}项）", level=1)
    if data.red:
        _table(document, headers, _item_rows(data.red))
    else:
        document.add_paragraph("本期无严重滞后事项。")
    document.add_heading(f"四、滞后事项（{len(data.yellow)}项）", level=1)
    if data.yellow:
        _table(document, headers, _item_rows(data.yellow))
    else:
        document.add_paragraph("本期无滞后事项。")
    document.add_heading("五、需在下次例会上作出说明的单位", level=1)
    if data.explain:
        for unit, numbers in data.explain:
            document.add_paragraph(f"{plain(unit)}：{'、'.join(numbers) or '（见督办记录）'}", style="List Bullet")
    else:
        document.add_paragraph("无。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def export_name(prefix: str, today: date, flt: LedgerFilter | None = None) -> str:
    """An ASCII file name: never user text, never a Chinese unit name."""
    parts = [prefix, today.isoformat()]
    if flt is not None:
        parts += [p for p in (flt.unit_code, flt.status if flt.status != OPEN else "", flt.colour) if p]
    return "-".join(parts)
