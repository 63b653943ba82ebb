"""China's official working days, with a bureau-edited override file for years not yet published."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path

import chinese_calendar
import yaml

HOLIDAYS_FILE = "holidays.yml"

_KEYS = ("holidays", "workdays")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class _PlainDatesLoader(yaml.SafeLoader):
    """Keeps dates as text so an impossible date like 2027-02-30 is reported per item."""


def _date_as_text(loader: _PlainDatesLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_PlainDatesLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


class CalendarFileError(ValueError):
    """holidays.yml cannot be used; the message lists every problem in Chinese."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = tuple(problems)
        lines = "\n".join(f"- {p}" for p in problems)
        super().__init__(f"节假日调整文件 {path} 有误，请修改后重试：\n{lines}")


@cache
def _package_knows(year: int) -> bool:
    # The package signals a missing year only by raising; probe once per year.
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=8192)
def _official_workday(day: date) -> bool:
    # The package scans its whole table on each call (~60 µs); pages ask about the same days often.
    return bool(chinese_calendar.is_workday(day))


@dataclass(frozen=True)
class WorkCalendar:
    """Working days: override file first, then chinesecalendar, then weekends only."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"dates both holiday and workday: {sorted(both)}")

    @property
    def _override_years(self) -> frozenset[int]:
        return frozenset(d.year for d in self.holidays | self.workdays)

    def is_workday(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        if _package_knows(day.year):
            return _official_workday(day)
        return day.weekday() < 5

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n == 0 gives `day` itself)."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        current = day
        remaining = n
        while remaining:
            current += timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return current

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.workdays_between(end, start)
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            count += self.is_workday(current)
        return count

    def known(self, day: date) -> bool:
        return _package_knows(day.year) or day.year in self._override_years

    def unknown_years(self, days: Iterable[date]) -> list[int]:
        return sorted({d.year for d in days if not self.known(d)})

    def warning(self, days: Iterable[date]) -> str | None:
        years = self.unknown_years(days)
        if not years:
            return None
        named = "、".join(f"{y}年" for y in years)
        return f"{named}的法定节假日尚未收录，按仅周末休息推算；请在数据目录的 {HOLIDAYS_FILE} 中补充。"


def load_calendar(data_dir: Path) -> WorkCalendar:
    """The calendar with `data_dir/holidays.yml` applied; a missing file means no overrides."""
    path = data_dir / HOLIDAYS_FILE
    if not path.exists():
        return WorkCalendar()
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_PlainDatesLoader)
    except UnicodeDecodeError:
        raise CalendarFileError(path, ["文件不是 UTF-8 编码；请用 UTF-8 另存。"]) from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f"第{where.line + 1}行" if where is not None else "某处"
        raise CalendarFileError(path, [f"{line}不是合法的 YAML；请对照示例格式修改，日期写成 2027-01-01。"]) from None
    return _calendar_from(path, raw)


def _calendar_from(path: Path, raw: object) -> WorkCalendar:
    if raw is None:  # empty or comments only
        return WorkCalendar()
    if not isinstance(raw, dict):
        raise CalendarFileError(path, ["文件顶层应为 holidays 和 workdays 两个键；请按示例格式书写。"])
    problems = [
        f"键 {key} 无法识别：只允许 holidays（放假日）和 workdays（调休上班日）；请更正拼写或删除该键。"
        for key in raw
        if key not in _KEYS
    ]
    parsed = {key: _dates(key, raw.get(key), problems) for key in _KEYS}
    for day in sorted(parsed["holidays"] & parsed["workdays"]):
        problems.append(
            f"键 holidays 和 workdays 同时列出了 {day.isoformat()}：同一天不能既放假又上班；请只保留其中一处。"
        )
    if problems:
        raise CalendarFileError(path, problems)
    return WorkCalendar(holidays=parsed["holidays"], workdays=parsed["workdays"])


def _dates(key: str, value: object, problems: list[str]) -> frozenset[date]:
    if value is None:  # `workdays:` left empty
        return frozenset()
    if not isinstance(value, list):
        problems.append(f"键 {key} 应为日期列表；请写成 {key}: [2027-01-01, 2027-01-02]。")
        return frozenset()
    days: set[date] = set()
    for index, item in enumerate(value, start=1):
        day = _as_day(item)
        if day is None:
            problems.append(
                f"键 {key} 第{index}项“{item}”不是有效日期：每项应为存在的年-月-日；请改成如 2027-01-01 的写法。"
            )
        else:
            days.add(day)
    return frozenset(days)


def _as_day(item: object) -> date | None:
    # Only the ISO form: fromisoformat alone would also accept 20270101 and 2027-W01-1.
    if not isinstance(item, str) or not _ISO_DAY.fullmatch(item.strip()):
        return None
    try:
        return date.fromisoformat(item.strip())
    except ValueError:  # 2027-02-30 and the like
        return None


_DEFAULT = WorkCalendar()


def is_workday(day: date) -> bool:
    """Whether `day` is a working day, with no override file."""
    return _DEFAULT.is_workday(day)


def add_workdays(day: date, n: int) -> date:
    """The n-th working day after `day`, with no override file."""
    return _DEFAULT.add_workdays(day, n)
