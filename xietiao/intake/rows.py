"""Each data row checked into an item to import, or the problems (row, column, value, why) that keep it out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from openpyxl.utils import get_column_letter

from xietiao.intake.sheet import FIELD_BY_KEY, IGNORE, Cell, Grid
from xietiao.intake.values import (
    ITEM_NUMBER,
    PROJECT_NUMBER,
    MeetingRef,
    Unreadable,
    read_date,
    read_meeting,
    read_month,
    read_status,
    read_text,
    read_unit,
    read_units,
    read_yes,
)
from xietiao.model import ItemStatus

CONTENT_MAX = 2000
TEXT_MAX = 200


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based, as Excel shows it
    column: str  # "C", or "" for the row as a whole
    header: str
    value: str
    message: str


@dataclass(frozen=True)
class Mapping:
    sheet: int
    header_first: int  # 0-based
    header_last: int
    fields: tuple[str, ...]  # per column: a field key or ""
    default_meeting: str = ""  # "2026-12" for rows that name no meeting


@dataclass
class RowItem:
    row: int
    number: str  # ours ("2026-05-01"), or "" when a new one is to be given
    old_number: str  # what the sheet called it, when that is not one of ours
    meeting: MeetingRef
    project: str  # P-2026-0001 or ""
    project_name: str
    content: str
    lead_unit: str
    co_units: tuple[str, ...]
    person: str
    phone: str
    planned: date
    status: ItemStatus
    done: date | None
    closed_at: date | None
    closed_reason: str
    reopened_from: str
    last_report: str
    confidential: bool


@dataclass
class Checked:
    items: list[RowItem] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    skipped: int = 0  # rows with nothing in the mapped columns

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    def good_rows_only(self, also: Iterable[int] = ()) -> Checked:
        """What the bureau imports when it leaves out the rows with problems (and rows `also` refused)."""
        bad = {*self.bad_rows, *also}
        return Checked([i for i in self.items if i.row not in bad], [], self.skipped)


class _Row:
    """One row's cells by field, collecting every problem rather than stopping at the first."""

    def __init__(self, grid: Grid, r: int, mapping: Mapping, headers: list[str]) -> None:
        self.r = r
        self.cols = {key: c for c, key in enumerate(mapping.fields) if key != IGNORE}
        self.grid, self.headers = grid, headers
        self.problems: list[RowProblem] = []
        self.failed: set[str] = set()  # fields whose cell could not be read

    def cell(self, key: str) -> Cell:
        c = self.cols.get(key)
        row = self.grid.cells[self.r]
        return row[c] if c is not None and c < len(row) else None

    def read(self, key: str, reader: Callable[[Cell], object], default: object = None) -> object:
        try:
            return reader(self.cell(key))
        except Unreadable as exc:
            self.bad(key, str(exc))
            return default

    def bad(self, key: str, message: str) -> None:
        self.failed.add(key)
        c = self.cols.get(key)
        column = get_column_letter(c + 1) if c is not None else ""
        header = self.headers[c] if c is not None and c < len(self.headers) else FIELD_BY_KEY[key].label
        value = self.grid.text(self.r, c)[:60] if c is not None else ""
        self.problems.append(RowProblem(self.r + 1, column, header, value, message))

    def empty(self) -> bool:
        return all(self.cell(k) in (None, "") for k in self.cols)


def _text(row: _Row, key: str, limit: int) -> str:
    return str(row.read(key, lambda v: read_text(v, limit), ""))


def _numbers(row: _Row) -> tuple[str, str]:
    raw = _text(row, "number", 40)
    return (raw, "") if ITEM_NUMBER.fullmatch(raw) else ("", raw)


def _meeting(row: _Row, number: str, planned: date | None, default: str) -> MeetingRef | None:
    if number:
        return MeetingRef(number[:7], None)
    hint = planned.year if planned else None
    ref = row.read("meeting", lambda v: read_meeting(v, hint))
    if isinstance(ref, MeetingRef):
        return ref
    if default:
        return MeetingRef(default, None)
    if not row.problems:
        row.bad("meeting", "不知道这一事项是哪次例会议定的：请映射“例会”列，或在上方填写未注明例会时归入的例会编号")
    return None


def check_row(grid: Grid, r: int, mapping: Mapping, headers: list[str]) -> RowItem | list[RowProblem] | None:
    """The row as an item, its problems, or None for a row with nothing in it."""
    row = _Row(grid, r, mapping, headers)
    if row.empty():
        return None
    number, old = _numbers(row)
    content = _text(row, "content", CONTENT_MAX)
    lead = str(row.read("lead_unit", read_unit, ""))
    planned = row.read("planned", read_date)
    for key, value, what in (
        ("content", content, "议定事项"),
        ("lead_unit", lead, "牵头单位"),
        ("planned", planned, "计划节点"),
    ):
        if value in ("", None) and not any(
            p.header == row.headers[row.cols[key]] for p in row.problems if key in row.cols
        ):
            row.bad(key, f"缺少{what}")
    status = row.read("status", read_status, ItemStatus.REGISTERED)
    done, closed_at = row.read("done", read_date), row.read("closed_at", read_date)
    project = _text(row, "project", 20)
    if project and not PROJECT_NUMBER.fullmatch(project):
        row.bad("project", "项目编号应形如 P-2026-0001；没有编号的项目请只填项目名称")
    assert isinstance(status, ItemStatus)
    if status is ItemStatus.CLOSED and done is None and closed_at is None:
        row.bad("status", "已销号的事项须有完成日期或销号日期")
    meeting = _meeting(row, number, planned if isinstance(planned, date) else None, mapping.default_meeting)
    item = RowItem(
        row=r + 1,
        number=number,
        old_number=old,
        meeting=meeting or MeetingRef("", None),
        project=project,
        project_name=_text(row, "project_name", 60),
        content=content,
        lead_unit=lead,
        co_units=tuple(row.read("co_units", read_units, ())),  # type: ignore[arg-type]
        person=_text(row, "person", 40),
        phone=_text(row, "phone", 40),
        planned=planned if isinstance(planned, date) else date.min,
        status=status,
        done=done if isinstance(done, date) else None,
        closed_at=closed_at if isinstance(closed_at, date) else None,
        closed_reason=_text(row, "closed_reason", 500),
        reopened_from=_text(row, "reopened_from", 20),
        last_report=str(row.read("last_report", read_month, "")),
        confidential=bool(row.read("confidential", read_yes, False)),
    )
    return row.problems or item


def check_rows(grid: Grid, mapping: Mapping, headers: list[str]) -> Checked:
    out = Checked()
    for r in range(mapping.header_last + 1, len(grid.cells)):
        found = check_row(grid, r, mapping, headers)
        if found is None:
            out.skipped += 1
        elif isinstance(found, list):
            out.problems += found
        else:
            out.items.append(found)
    return out
