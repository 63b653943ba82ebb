"""The meeting cycle's deadlines in working days, and which steps were or are late.

The call for a meeting is due some working days after the previous meeting (one in the
mechanism), and the issue list with the plan at the latest some more (three); the minutes
draft some working days after the meeting itself (one). The numbers are a parameter, the
district profile's `deadlines`; today is a parameter too: a step not yet done turns late
once its day has passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from xietiao.cycle.workdays import WorkCalendar
from xietiao.jsonvalue import Doc
from xietiao.ledger.colours import zh_date
from xietiao.profile.schema import CycleDeadlines

__all__ = ["CycleDeadlines", "Deadline", "days_used", "meeting_day", "meeting_deadlines", "step_day", "submissions_due"]


@dataclass(frozen=True)
class Deadline:
    step: str  # the key in meeting["steps"] that meets it
    label: str
    base: date  # the day it counts from
    due: date
    done: date | None
    late: bool
    workdays_late: int  # working days past due: until done, or until today

    @property
    def text(self) -> str:
        if self.done is not None:
            return f"逾期完成（晚{self.workdays_late}个工作日）" if self.late else "按时完成"
        return f"已逾期{self.workdays_late}个工作日" if self.late else f"截止{zh_date(self.due)}"


def step_day(meeting: Doc, step: str) -> date | None:
    steps = meeting.get("steps")
    value = steps.get(step) if isinstance(steps, dict) else None
    return date.fromisoformat(value[:10]) if isinstance(value, str) and len(value) >= 10 else None


def meeting_day(meeting: Doc) -> date:
    return date.fromisoformat(str(meeting["date"]))


def _deadline(step: str, label: str, base: date, n: int, meeting: Doc, cal: WorkCalendar, today: date) -> Deadline:
    due = cal.add_workdays(base, n)
    done = step_day(meeting, step)
    until = done if done is not None else today
    late = until > due
    return Deadline(step, label, base, due, done, late, cal.workdays_between(due, until) if late else 0)


def meeting_deadlines(
    meeting: Doc, previous: Doc | None, cal: WorkCalendar, today: date, *, days: CycleDeadlines
) -> list[Deadline]:
    """The deadlines of one meeting; the call and list ones only when a previous meeting is known."""
    out: list[Deadline] = []
    if previous is not None:
        held = meeting_day(previous)
        out.append(_deadline("call_opened", "发布议题征集通知", held, days.call, meeting, cal, today))
        out.append(_deadline("plan_proposed", "形成问题清单并报送建议方案", held, days.list, meeting, cal, today))
    out.append(
        _deadline("minutes_drafted", "形成会议纪要代拟稿", meeting_day(meeting), days.minutes, meeting, cal, today)
    )
    return out


def submissions_due(
    meeting: Doc, previous: Doc | None, cal: WorkCalendar, today: date, *, days: CycleDeadlines
) -> date:
    """The day units should have proposed their issues by: a working day before the list is due.

    A call that went out late still leaves the units at least one full working day.
    """
    opened = step_day(meeting, "call_opened")
    if previous is not None:
        due = cal.add_workdays(meeting_day(previous), max(days.list - 1, days.call))
        return max(due, cal.add_workdays(opened, 1)) if opened else due
    return cal.add_workdays(opened or today, max(days.list - 1, 1))


def days_used(deadlines: Iterable[Deadline], *more: date) -> list[date]:
    """Every day a deadline computation touched, for the calendar's unknown-year warning."""
    days = list(more)
    for d in deadlines:
        days += [d.base, d.due]
    return days
