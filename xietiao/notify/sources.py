"""The daily reminder sources: reports due or late, closures waiting, the cycle's steps, approvals, materials.

Each is a pure function of the store and the day (with the working calendar), so a test or the
admin page can ask what would be sent on any day. DAILY_SOURCES is the list the scheduler runs;
a new kind of reminder is one more function appended to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from xietiao.cycle.deadlines import meeting_deadlines
from xietiao.cycle.meetings import all_meetings, previous_meeting, projects_named
from xietiao.cycle.meetings import status_of as meeting_status
from xietiao.cycle.workdays import WorkCalendar
from xietiao.jsonvalue import Doc
from xietiao.ledger.colours import zh_date
from xietiao.ledger.items import LIVE, live_closure, status_of
from xietiao.ledger.view import reports_by_unit
from xietiao.model import ItemStatus, MeetingStatus
from xietiao.notify.reminders import Audience, Reminder, Source, SourceContext, item_list
from xietiao.profile import current

M = MeetingStatus
RECENT_DAYS = 60  # the cycle's deadlines are looked for on meetings of the last two months only


def _month(day: date) -> str:
    return day.isoformat()[:7]


def _zh_month(month: str) -> str:
    return f"{month[:4]}年{int(month[5:7])}月"


def report_due_day(month: str, report_day: int, cal: WorkCalendar) -> date:
    """The day a month's reports are due: `report_day` of it, or the last working day before it."""
    day = date(int(month[:4]), int(month[5:7]), report_day)
    for _ in range(15):
        if cal.is_workday(day):
            return day
        day -= timedelta(days=1)
    return day


def _window_start(due: date, before: int, cal: WorkCalendar) -> date:
    day = due
    for _ in range(before):
        day -= timedelta(days=1)
        while not cal.is_workday(day) and day > due - timedelta(days=40):
            day -= timedelta(days=1)
    return day


def _previous_month(month: str) -> str:
    first = date(int(month[:4]), int(month[5:7]), 1)
    return _month(first - timedelta(days=1))


def _registered_by(items: Iterable[Doc], due: date) -> list[Doc]:
    """Items registered on or before a due day: one registered after it is not late for that month."""
    return [d for d in items if str(d.get("created") or "")[:10] <= due.isoformat()]


def monthly_reports(ctx: SourceContext) -> list[Reminder]:
    """Units with items whose report for this month is due soon or late, or whose last month's is missing."""
    month = _month(ctx.today)
    due = report_due_day(month, ctx.settings.report_day, ctx.calendar)
    last = _previous_month(month)
    last_due = report_due_day(last, ctx.settings.report_day, ctx.calendar)
    lines: dict[str, list[str]] = {}
    if ctx.today >= _window_start(due, ctx.settings.remind_before, ctx.calendar):
        late = ctx.today > due
        for u in reports_by_unit(ctx.store, month):
            owed = _registered_by(u.owed, due) if late else list(u.owed)
            if owed:
                numbers = item_list(str(d["number"]) for d in owed)
                when = f"已于{zh_date(due)}截止，尚未报送" if late else f"请于{zh_date(due)}前报送"
                lines.setdefault(u.unit, []).append(f"{_zh_month(month)}进展{when}：{numbers}")
    for u in reports_by_unit(ctx.store, last):
        owed = _registered_by(u.owed, last_due)
        if owed:
            numbers = item_list(str(d["number"]) for d in owed)
            lines.setdefault(u.unit, []).append(f"{_zh_month(last)}进展逾期未报：{numbers}")
    return [
        Reminder(
            key=f"reports:{unit}:{month}",
            kind="reports",
            audience=Audience.UNIT,
            unit=unit,
            title="议定事项月度进展待报送",
            lines=(*text, "请登录系统，在“我的工作台”中报送。"),
            link="/app/",
        )
        for unit, text in lines.items()
    ]


def closures_waiting(ctx: SourceContext) -> list[Reminder]:
    """Closure requests filed by units that the bureau has not yet decided."""
    waiting = [
        str(d["number"])
        for d in ctx.store.all("item", lambda d: status_of(d) is ItemStatus.CLOSURE_REQUESTED)
        if live_closure(ctx.store, d) is not None
    ]
    if not waiting:
        return []
    return [
        Reminder(
            key="closures",
            kind="closures",
            audience=Audience.BUREAU,
            unit="",
            title=f"{len(waiting)}项销号申请待核实",
            lines=(f"待核实：{item_list(sorted(waiting))}", "请在“台账”中逐项核实销号或退回。"),
            link="/app/ledger?status=closure_requested",
        )
    ]


def _recent(meetings: list[Doc], today: date) -> list[Doc]:
    since = (today - timedelta(days=RECENT_DAYS)).isoformat()
    return [m for m in meetings if str(m.get("date")) >= since and meeting_status(m) is not M.PUBLISHED]


def cycle_steps(ctx: SourceContext) -> list[Reminder]:
    """The bureau's steps of the cycle (call, list and plan, minutes) due today or already late."""
    lines: list[str] = []
    numbers: list[str] = []
    for meeting in _recent(all_meetings(ctx.store), ctx.today):
        previous = previous_meeting(ctx.store, meeting)
        for d in meeting_deadlines(meeting, previous, ctx.calendar, ctx.today, days=current().deadlines):
            if d.done is not None or d.due > ctx.today:
                continue
            if d.step == "minutes_drafted" and meeting_status(meeting) not in (M.HELD,):
                continue  # the minutes are due only once the meeting has been held
            state = "今天到期" if d.due == ctx.today else d.text
            lines.append(f"{meeting.get('title')}：{d.label}（{state}）")
            numbers.append(str(meeting["number"]))
    if not lines:
        return []
    return [
        Reminder(
            key="cycle:" + ",".join(sorted(set(numbers))),
            kind="cycle",
            audience=Audience.BUREAU,
            unit="",
            title="例会流程有到期事项",
            lines=(*lines, "期限按法定工作日计算；请在“例会流程”中办理。"),
            link="/app/cycle",
        )
    ]


def approvals_waiting(ctx: SourceContext) -> list[Reminder]:
    """Plans and minutes the bureau has sent up that no leader has decided yet."""
    waiting = [m for m in all_meetings(ctx.store) if meeting_status(m) in (M.PLAN_PROPOSED, M.MINUTES_DRAFTED)]
    if not waiting:
        return []
    lines = [
        f"{m.get('title')}的{'建议方案' if meeting_status(m) is M.PLAN_PROPOSED else '会议纪要代拟稿'}待审定"
        for m in waiting
    ]
    return [
        Reminder(
            key="approvals:" + ",".join(f"{m['number']}/{m['status']}" for m in waiting),
            kind="approvals",
            audience=Audience.LEADER,
            unit="",
            title=f"{len(waiting)}件待审定",
            lines=(*lines, "请在“待审定”中审定或退回。"),
            link="/app/approvals",
        )
    ]


def _data(doc: Doc) -> Doc:
    data = doc.get("data")
    return data if isinstance(data, dict) else {}


def materials_missing(ctx: SourceContext) -> list[Reminder]:
    """Units whose projects are on an approved plan with no meeting material filed yet."""
    coming = [m for m in all_meetings(ctx.store) if meeting_status(m) is M.PLAN_APPROVED]
    if not coming:
        return []
    filed = {
        str(_data(d).get("project"))
        for d in ctx.store.all("material", lambda d: d.get("status") in LIVE)
        if str(d.get("updated") or d.get("created") or "")[:10] >= _since(coming)
    }
    by_unit: dict[str, list[str]] = {}
    for meeting in coming:
        for number in projects_named(meeting):
            project = ctx.store.get("project", number)
            if project is None or number in filed:
                continue
            unit = str(_data(project).get("lead_unit") or project.get("unit") or "")
            by_unit.setdefault(unit, []).append(f"{number}（{meeting.get('title')}，{_day(meeting)}召开）")
    return [
        Reminder(
            key=f"materials:{unit}:" + ",".join(str(m["number"]) for m in coming),
            kind="materials",
            audience=Audience.UNIT,
            unit=unit,
            title="上会材料待报送",
            lines=(f"以下项目已列入例会方案，请在会前报送上会材料：{item_list(numbers)}",),
            link="/app/forms/material/new",
        )
        for unit, numbers in by_unit.items()
        if unit
    ]


def _since(meetings: list[Doc]) -> str:
    """Material counts for a meeting if filed after its call opened (or, lacking that, 30 days before it)."""
    days = []
    for m in meetings:
        steps = m.get("steps")
        opened = steps.get("call_opened") if isinstance(steps, dict) else None
        day = str(opened)[:10] if isinstance(opened, str) else ""
        days.append(day or (date.fromisoformat(str(m["date"])) - timedelta(days=30)).isoformat())
    return min(days)


def _day(meeting: Doc) -> str:
    try:
        return zh_date(date.fromisoformat(str(meeting.get("date"))))
    except ValueError:
        return "日期待定"


DAILY_SOURCES: list[Source] = [monthly_reports, closures_waiting, cycle_steps, approvals_waiting, materials_missing]
