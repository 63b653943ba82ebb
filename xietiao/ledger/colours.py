"""The three-colour rule (三色图): how far an unfinished node is behind its planned date.

The thresholds (1 and 3 calendar months in the mechanism) are a parameter: each district's
profile sets its own, and callers pass `current().colours`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from xietiao.profile.schema import ColourThresholds

__all__ = ["Assessment", "Colour", "ColourThresholds", "add_months", "assess", "colour", "worst", "zh_date"]


class Colour(str, Enum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def severity(self) -> int:
        """0 for green, 1 for yellow, 2 for red: sort by this, never by the value."""
        return _SEVERITY[self]


_LABELS = {Colour.GREEN: "正常", Colour.YELLOW: "滞后", Colour.RED: "严重滞后"}
_SEVERITY = {Colour.GREEN: 0, Colour.YELLOW: 1, Colour.RED: 2}


def add_months(day: date, n: int) -> date:
    """The same day n calendar months later (or earlier), clamped to that month's last day."""
    index = day.year * 12 + (day.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def zh_date(day: date) -> str:
    """A date as pages show it: 2026年1月31日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _is_done(done: date | None, today: date) -> bool:
    # A completion dated after today is a typo or a promise; neither counts yet.
    return done is not None and done <= today


def colour(planned: date, done: date | None, today: date, *, thresholds: ColourThresholds) -> Colour:
    """The node's colour on `today`, with the district's thresholds in months."""
    if _is_done(done, today):
        return Colour.GREEN
    if today >= add_months(planned, thresholds.red):
        return Colour.RED
    if today >= add_months(planned, thresholds.yellow):
        return Colour.YELLOW
    return Colour.GREEN


@dataclass(frozen=True)
class Assessment:
    """A node's colour with the numbers and the Chinese sentence behind it.

    days_late counts calendar days past the planned node: up to completion when done,
    up to today otherwise; never negative.
    """

    colour: Colour
    planned: date
    done: date | None
    days_late: int
    reason: str


def assess(
    planned: date, done: date | None, today: date, *, thresholds: ColourThresholds, what: str = ""
) -> Assessment:
    """Colour the node named `what` (e.g. 开工) and say why, in Chinese."""
    result = colour(planned, done, today, thresholds=thresholds)
    prefix = f"{what}：" if what else ""
    if done is not None and _is_done(done, today):
        late = max(0, (done - planned).days)
        return Assessment(result, planned, done, late, f"{prefix}已于{zh_date(done)}完成")
    late = max(0, (today - planned).days)
    reason = f"{prefix}计划节点{zh_date(planned)}，{_overdue_text(today, planned, result, thresholds)}"
    return Assessment(result, planned, done, late, reason)


def _overdue_text(today: date, planned: date, result: Colour, thresholds: ColourThresholds) -> str:
    if today < planned:
        return "尚未到期"
    if today == planned:
        return "今日到期"
    days = (today - planned).days
    if result is Colour.RED:
        return f"已逾期{days}天，超过{thresholds.red}个月未完成（{result.label}）"
    if result is Colour.YELLOW:
        return f"已逾期{days}天，超过{thresholds.yellow}个月未完成（{result.label}）"
    return f"已逾期{days}天，未满{thresholds.yellow}个月（{result.label}）"


def worst(colours: Iterable[Colour]) -> Colour:
    """The most severe colour; green when there is nothing to colour."""
    return max(colours, key=lambda c: c.severity, default=Colour.GREEN)
