"""Reading one cell as a field's value: dates (Excel dates, serial numbers and Chinese text), units, statuses, meetings.

Each reader returns the value or raises Unreadable with a Chinese message that says what form
the cell should take; the row report shows it next to the cell.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from xietiao.intake.sheet import Cell
from xietiao.model import ItemStatus
from xietiao.units import unit_by_name

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 with Excel's leap-year quirk after February
SERIALS = range(20000, 80000)  # 1954 to 2119: a bare number in that range in a date column is a date


class Unreadable(ValueError):
    """The cell cannot be read as the field; the message is for the bureau."""


def _text(value: Cell) -> str:
    return unicodedata.normalize(
        "NFKC", value if isinstance(value, str) else "" if value is None else str(value)
    ).strip()


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


_FULL = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:前|之前)?")
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*(底|末|前|上旬|中旬|下旬)?(?:前|之前)?")
_YEAR = re.compile(r"(\d{4})\s*年?\s*(上半年|下半年|年底|年末|底)(?:前|之前)?")


def read_date(value: Cell) -> date | None:
    """A date from an Excel date, a serial number, or text such as 2026年3月5日, 2026/3/5, 2026年6月底, 2026年底."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        if value == value and abs(value) < 1e9 and int(value) in SERIALS:  # NaN and infinity are not dates
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise Unreadable(f"“{value}”不是日期")
    text = _text(value)
    try:
        if m := _FULL.fullmatch(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _MONTH.fullmatch(text):
            year, month = int(m[1]), int(m[2])
            part = m[3] or ""
            day = {"上旬": 10, "中旬": 20}.get(part)
            return date(year, month, day) if day else _month_end(year, month)  # by a month: its last day
        if m := _YEAR.fullmatch(text):
            return date(int(m[1]), 6, 30) if m[2] == "上半年" else date(int(m[1]), 12, 31)
    except ValueError:
        raise Unreadable(f"“{text[:40]}”不是有效日期") from None
    raise Unreadable(f"“{text[:40]}”不是日期；可写 2026-03-05、2026年3月5日、2026年6月底，或用 Excel 的日期格式")


def read_month(value: Cell) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return value.isoformat()[:7]
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?", _text(value))
    if m and 1 <= int(m[2]) <= 12:
        return f"{int(m[1]):04d}-{int(m[2]):02d}"
    raise Unreadable(f"“{_text(value)[:40]}”不是月份；写成 2026-11 或 2026年11月")


def read_unit(value: Cell) -> str:
    """The official name of the unit named (an alias too)."""
    text = _text(value)
    if not text:
        return ""
    unit = unit_by_name(text) or unit_by_name(str(value).strip())
    if unit is None:
        raise Unreadable(f"没有名为“{text[:40]}”的单位；请写单位的正式名称或常用简称")
    return unit.name


_SPLIT = re.compile(r"[、,，;；/\n]+")


def read_units(value: Cell) -> tuple[str, ...]:
    text = _text(value)
    if not text:
        return ()
    names: list[str] = []
    for part in _SPLIT.split(text):
        if part.strip():
            name = read_unit(part)
            if name not in names:
                names.append(name)
    return tuple(names)


_STATUS = {
    ItemStatus.REGISTERED: ("已挂号", "挂号", "未开始", "待办"),
    ItemStatus.IN_PROGRESS: ("推进中", "在办", "正在推进", "办理中", "未销号", "否", "未完成", "进行中"),
    ItemStatus.CLOSURE_REQUESTED: ("申请销号", "待销号", "拟销号"),
    ItemStatus.CLOSED: ("已销号", "销号", "是", "已完成", "办结", "已办结"),
}
_STATUS_BY_TEXT = {text: status for status, texts in _STATUS.items() for text in texts}


def read_status(value: Cell) -> ItemStatus:
    text = _text(value)
    if not text:
        return ItemStatus.REGISTERED
    found = _STATUS_BY_TEXT.get(text)
    if found is None:
        raise Unreadable(f"不认识状态“{text[:20]}”；可写 已挂号、推进中、申请销号、已销号")
    return found


def read_yes(value: Cell) -> bool:
    return _text(value) in ("是", "涉密", "Y", "y", "1", "√")


@dataclass(frozen=True)
class MeetingRef:
    number: str  # "2026-12", or "" when only the date is known
    day: date | None


_OURS = re.compile(r"(\d{4})-(\d{1,2})")
_NTH = re.compile(r"(?:(\d{4})\s*年)?\s*第?\s*(\d{1,3})\s*次")
_DOC = re.compile(r"[〔\[(【]?\s*(\d{4})\s*[〕\])】]\s*(\d{1,3})\s*号")


def read_meeting(value: Cell, year_hint: int | None) -> MeetingRef | None:
    """A meeting as the sheet names it: 2026-12, 2026年第12次, 〔2026〕12号, or its date."""
    if value is None or value == "":
        return None
    if isinstance(value, date | int | float):
        return MeetingRef("", read_date(value))
    text = _text(value)
    if m := _OURS.fullmatch(text):
        return MeetingRef(f"{m[1]}-{int(m[2]):02d}", None)
    if (m := _DOC.search(text)) or (m := _NTH.search(text)):
        year = int(m[1]) if m[1] else year_hint
        if year is None:
            raise Unreadable(f"“{text[:40]}”没有写年份；写成 2026年第12次")
        return MeetingRef(f"{year}-{int(m[2]):02d}", None)
    try:
        return MeetingRef("", read_date(text))
    except Unreadable:
        raise Unreadable(f"“{text[:40]}”不是例会；写成 2026-12、2026年第12次或会议日期") from None


ITEM_NUMBER = re.compile(r"\d{4}-\d{2}-\d{2}")
PROJECT_NUMBER = re.compile(r"P-\d{4}-\d{4}")


def read_text(value: Cell, limit: int) -> str:
    text = (
        value.isoformat() if isinstance(value, date) else _text(value) if not isinstance(value, str) else value.strip()
    )
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if len(text) > limit:
        raise Unreadable(f"超过{limit}个字（现有{len(text)}个字）")
    return text
