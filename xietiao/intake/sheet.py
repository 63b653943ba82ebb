"""An uploaded workbook as grids of text: merged cells filled, the header row found, columns mapped to fields.

Cells are data: formulas are never evaluated (the cached value is read, or nothing), and every
value is turned into plain text or a date before anything else looks at it.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

MAX_BYTES = 10 * 1024 * 1024  # the upload itself
MAX_UNPACKED = 80 * 1024 * 1024  # what the .xlsx (a zip) may expand to: no zip bombs
MAX_ROWS = 5000
MAX_COLS = 60
HEADER_SEARCH = 15  # the header is looked for in the first rows only
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Cell = str | date | int | float | None


class WorkbookError(ValueError):
    """The file cannot be read as a ledger workbook; the message is for the bureau."""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    names: tuple[str, ...]  # header texts that mean this field (compared after normalising)


FIELDS: tuple[Field, ...] = (
    Field("number", "事项编号", ("编号", "事项编号", "议定事项编号", "台账编号", "挂号编号")),
    Field(
        "meeting",
        "例会（期次或日期）",
        ("例会", "会议", "例会期次", "会议期次", "会议名称", "会议时间", "例会日期", "会议日期"),
    ),
    Field("project", "项目编号", ("项目编号",)),
    Field("project_name", "项目名称", ("项目名称", "项目")),
    Field(
        "content",
        "议定事项",
        ("议定事项", "协调事项", "事项内容", "议定事项内容", "会议议定事项", "问题及议定事项", "协调问题"),
    ),
    Field("lead_unit", "牵头单位", ("牵头单位", "责任单位", "主办单位", "牵头责任单位")),
    Field("co_units", "配合单位", ("配合单位", "协办单位", "协调单位", "配合责任单位")),
    Field("person", "责任人", ("责任人", "联系人", "具体责任人")),
    Field("phone", "联系电话", ("联系电话", "电话", "手机", "联系方式")),
    Field(
        "planned",
        "计划节点",
        ("计划节点", "计划完成时间", "完成时限", "时间节点", "计划完成", "办结时限", "计划完成日期"),
    ),
    Field("status", "状态", ("状态", "办理状态", "是否销号", "销号情况", "落实情况")),
    Field("done", "完成日期", ("完成日期", "实际完成时间", "实际完成", "完成时间")),
    Field("closed_at", "销号日期", ("销号日期", "销号时间")),
    Field("closed_reason", "销号理由", ("销号理由", "销号说明", "销号依据")),
    Field("reopened_from", "原事项编号", ("原事项编号",)),
    Field("last_report", "最近报送月份", ("最近报送月份",)),
    Field("confidential", "涉密", ("涉密", "是否涉密")),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
IGNORE = ""  # a column mapped to nothing
# Columns the product's own export writes that are worked out again, never imported.
DERIVED = frozenset({"三色", "逾期天数", "颜色说明", "序号"})


def norm(text: str) -> str:
    """A header as compared: half-width, no spaces or line breaks, no note in brackets."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\([^)]*\)", "", text)
    return re.sub(r"[\s*:：]", "", text)


_NAMES = {norm(n): f.key for f in FIELDS for n in f.names}


def field_for(header: str) -> str:
    """The field a header names, trying the most specific part first ("责任单位/牵头单位" -> lead_unit)."""
    for part in reversed(header.split("/")):
        key = _NAMES.get(norm(part))
        if key:
            return key
    return IGNORE


def clean(value: object) -> Cell:
    """A cell's value as data: text without control characters, dates as dates, numbers as numbers."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date | int | float) and not isinstance(value, bool):
        return value
    text = CONTROL.sub("", str(value)).strip()
    return text or None


@dataclass(frozen=True)
class Grid:
    name: str
    cells: list[list[Cell]]  # rows of cells, merged ranges filled with their top-left value

    @property
    def width(self) -> int:
        return max((len(r) for r in self.cells), default=0)

    def text(self, row: int, col: int) -> str:
        value = self.cells[row][col] if row < len(self.cells) and col < len(self.cells[row]) else None
        return "" if value is None else value.isoformat() if isinstance(value, date) else str(value)


def _grid(ws: Worksheet) -> Grid:
    rows = min(ws.max_row, MAX_ROWS + HEADER_SEARCH)
    cols = min(ws.max_column, MAX_COLS)
    cells: list[list[Cell]] = [
        [clean(c.value) for c in row] for row in ws.iter_rows(min_row=1, max_row=rows, max_col=cols)
    ]
    for merged in ws.merged_cells.ranges:
        top = (
            cells[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= rows and merged.min_col <= cols else None
        )
        for r in range(merged.min_row, min(merged.max_row, rows) + 1):
            for c in range(merged.min_col, min(merged.max_col, cols) + 1):
                cells[r - 1][c - 1] = top
    while cells and all(v is None for v in cells[-1]):
        cells.pop()
    return Grid(ws.title, cells)


def read_workbook(data: bytes) -> list[Grid]:
    """Every sheet of an .xlsx, bounded in size; WorkbookError says in Chinese what is wrong."""
    if len(data) > MAX_BYTES:
        raise WorkbookError(f"文件超过{MAX_BYTES // 1024 // 1024}MB，请删去无关的工作表或图片后再上传。")
    if not data.startswith(b"PK"):
        raise WorkbookError("这不是 .xlsx 文件。旧版 .xls 请先在 Excel 或 WPS 中“另存为” .xlsx 后上传。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNPACKED:
                raise WorkbookError("文件解压后过大，无法读取。")
        wb = load_workbook(io.BytesIO(data), data_only=True)  # formulas: their saved values, never run
    except WorkbookError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise WorkbookError(
            f"无法读取这个 Excel 文件（{type(exc).__name__}），请用 Excel 或 WPS 打开后另存一份再试。"
        ) from None
    grids = [_grid(ws) for ws in wb.worksheets if isinstance(ws, Worksheet)]
    if any(len(g.cells) > MAX_ROWS + HEADER_SEARCH for g in grids):
        raise WorkbookError(f"工作表超过{MAX_ROWS}行，请分批导入。")
    return grids


def _score(grid: Grid, row: int) -> int:
    return len({field_for(grid.text(row, c)) for c in range(grid.width)} - {IGNORE})


def detect_header(grid: Grid) -> tuple[int, int]:
    """(first, last) header rows, 0-based: the best-scoring row, with the rows next to it that are headers too."""
    rows = range(min(HEADER_SEARCH, len(grid.cells)))
    if not rows:
        return 0, 0
    best = max(rows, key=lambda r: (_score(grid, r), -r))
    first = last = best
    while first > 0 and _score(grid, first - 1) >= 2:
        first -= 1
    while last + 1 < len(grid.cells) and _score(grid, last + 1) >= 2 and not _looks_like_data(grid, last + 1):
        last += 1
    return first, last


def _looks_like_data(grid: Grid, row: int) -> bool:
    return any(isinstance(v, date | int | float) for v in grid.cells[row])


def headers(grid: Grid, first: int, last: int) -> list[str]:
    """Each column's header: the distinct texts of the header rows, top to bottom, joined by "/"."""
    out = []
    for c in range(grid.width):
        parts: list[str] = []
        for r in range(first, last + 1):
            text = grid.text(r, c)
            if text and text not in parts:
                parts.append(text)
        out.append("/".join(parts))
    return out


def suggest_mapping(names: list[str]) -> list[str]:
    """A field for each column by its header; a field taken by an earlier column is not given twice."""
    taken: set[str] = set()
    out = []
    for name in names:
        key = field_for(name)
        if key in taken:
            key = IGNORE
        taken.add(key)
        out.append(key)
    return out


def best_sheet(grids: list[Grid]) -> int:
    """The sheet whose header names the most fields (the export's second sheet "说明" names none)."""
    if not grids:
        raise WorkbookError("工作簿里没有工作表。")
    return max(
        range(len(grids)),
        key=lambda i: (
            max((_score(grids[i], r) for r in range(min(HEADER_SEARCH, len(grids[i].cells)))), default=0),
            -i,
        ),
    )


def column_letter(c: int) -> str:
    """Column 0 is "A", as Excel names it."""
    return str(get_column_letter(c + 1))
