"""The bureau's to-do list: what is due in the cycle, closures to decide, reports owed, items that got worse.

A pure function of the store and today (the working calendar read from the store's folder,
or given), so the bureau's workbench and any reminder list the same rows. Each row names the
app page where it is done; due dates count in China's official working days.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from xietiao.cycle.deadlines import Deadline, meeting_day, meeting_deadlines, submissions_due
from xietiao.cycle.issuelist import on_list
from xietiao.cycle.materials import material_checklist
from xietiao.cycle.meetings import HELD_OR_LATER, ordinal, status_of
from xietiao.cycle.workdays import CalendarFileError, WorkCalendar, load_calendar
from xietiao.jsonvalue import Doc
from xietiao.ledger.board import item_assessment
from xietiao.ledger.colours import Colour, zh_date
from xietiao.ledger.items import live_closure
from xietiao.ledger.snapshots import MEETING as MEETING_SNAPSHOT
from xietiao.ledger.view import month_of, reports_by_unit, scan
from xietiao.model import AgreedItem, IssueState, ItemStatus, MeetingStatus, item_of
from xietiao.profile import current
from xietiao.store.engine import Store

M = MeetingStatus
CYCLE, CLOSURES, MATERIALS, REPORTS, COLOURS = "cycle", "closures", "materials", "reports", "colours"
SECTIONS: tuple[tuple[str, str], ...] = (
    (CYCLE, "例会各环节"),
    (CLOSURES, "等待核实的销号申请"),
    (MATERIALS, "下次例会尚缺的上会材料"),
    (REPORTS, "本月尚未报送进展的单位"),
    (COLOURS, "上次例会以来转黄、转红的议定事项"),
)
DONE_MEETINGS = (M.MINUTES_APPROVED, M.PUBLISHED)
TEXT_SHOWN = 40  # characters of an item's content in a row


@dataclass(frozen=True)
class Todo:
    section: str  # one of SECTIONS
    title: str
    detail: str
    link: str  # the app page where it is done
    due: date | None = None
    overdue: bool = False  # today is past `due`
    workdays: int = 0  # working days left until `due`, or (when overdue) working days past it

    @property
    def when(self) -> str:
        if self.due is None:
            return ""
        day = zh_date(self.due)
        if self.overdue:
            return f"已逾期{self.workdays}个工作日（{day}到期）" if self.workdays else f"已过期限（{day}到期）"
        return f"还有{self.workdays}个工作日（{day}到期）" if self.workdays else f"今天到期（{day}）"

    @property
    def urgency(self) -> int:
        """Sort key: overdue first (longest first), then the nearest due; rows without a due day last."""
        if self.due is None:
            return 10**6
        return -self.workdays if self.overdue else self.workdays


def _calendar(store: Store) -> WorkCalendar:
    try:
        return load_calendar(store.root)
    except CalendarFileError:
        return WorkCalendar()  # a broken override file is reported on the cycle pages


def _row(section: str, title: str, detail: str, link: str, due: date | None, cal: WorkCalendar, today: date) -> Todo:
    if due is None:
        return Todo(section, title, detail, link)
    if today > due:
        return Todo(section, title, detail, link, due, True, cal.workdays_between(due, today))
    return Todo(section, title, detail, link, due, False, cal.workdays_between(today, due))


def bureau_todo(store: Store, today: date, cal: WorkCalendar | None = None) -> list[Todo]:
    """Every open task of the bureau, section by section, the most urgent first within each."""
    cal = cal or _calendar(store)
    rows = [*_cycle(store, today, cal), *_closures(store, today, cal), *_materials(store, today, cal)]
    rows += [*_reports(store, today, cal), *_turned_worse(store, today)]
    order = {key: i for i, (key, _) in enumerate(SECTIONS)}
    return sorted(rows, key=lambda r: (order[r.section], r.urgency))


# -- the meeting cycle ---------------------------------------------------------------------


def _due(deadlines: list[Deadline], step: str) -> date | None:
    return next((d.due for d in deadlines if d.step == step), None)


def _meeting_key(doc: Doc) -> tuple[str, int, str] | None:
    number = str(doc.get("number") or "")
    if not re.fullmatch(r"\d{4}-\d+", number):
        return None
    return str(doc.get("date")), int(number[:4]) * 1000 + ordinal(number), number


def _cycle(store: Store, today: date, cal: WorkCalendar) -> Iterator[Todo]:
    """The open meetings, oldest first, each with the held meeting before it (read without copying them all)."""
    index = scan(store, "meeting", lambda d: (k, status_of(d)) if (k := _meeting_key(d)) else None)
    held = sorted(k for k, s in index if s in HELD_OR_LATER)
    for key, status in sorted(index):
        if status in DONE_MEETINGS:
            continue
        doc = store.get("meeting", key[2])
        before = [k for k in held if k < key]
        previous = store.get("meeting", before[-1][2]) if before else None
        assert doc is not None
        yield from _meeting_rows(
            store,
            doc,
            status,
            meeting_deadlines(doc, previous, cal, today, days=current().deadlines),
            previous,
            cal,
            today,
        )


def _meeting_rows(
    store: Store,
    doc: Doc,
    status: MeetingStatus,
    deadlines: list[Deadline],
    previous: Doc | None,
    cal: WorkCalendar,
    today: date,
) -> Iterator[Todo]:
    number, title = str(doc["number"]), str(doc.get("title") or doc["number"])
    page = f"/app/cycle/{number}"
    returned = f"{current().leaders_label}退回意见：{doc['review_note']}" if doc.get("review_note") else ""
    if status is M.PLANNED:
        yield _row(
            CYCLE,
            f"发布议题征集通知 · {title}",
            f"会后{current().deadlines.call}个工作日内发布。",
            page,
            _due(deadlines, "call_opened"),
            cal,
            today,
        )
    elif status is M.CALL_OPEN:
        waiting = on_list(store, (IssueState.PROPOSED,), meeting=number)
        list_due = _due(deadlines, "plan_proposed")
        if waiting:
            detail = f"{len(waiting)} 个议题待审核（纳入、退回、合并或顺延）。"
            yield _row(CYCLE, f"审核问题清单 · {title}", detail, f"/app/issues?meeting={number}", list_due, cal, today)
        units_by = submissions_due(doc, previous, cal, today, days=current().deadlines)
        detail = returned or f"单位议题申报截止{zh_date(units_by)}；方案报{current().leaders_label}审定。"
        yield _row(CYCLE, f"拟定并报送建议方案 · {title}", detail, f"{page}/plan", list_due, cal, today)
    elif status is M.PLAN_APPROVED:
        held = meeting_day(doc)
        if held <= today + timedelta(days=7):
            detail = f"例会定于{zh_date(held)}召开；开完后登记，下次例会的议题征集随即开始。"
            yield _row(CYCLE, f"登记例会召开 · {title}", detail, page, held, cal, today)
    elif status is M.HELD:
        detail = (
            returned or f"会后{current().deadlines.minutes}个工作日内形成纪要代拟稿，报{current().leaders_label}审定。"
        )
        yield _row(
            CYCLE, f"起草会议纪要 · {title}", detail, f"{page}/minutes", _due(deadlines, "minutes_drafted"), cal, today
        )


# -- materials for the coming meetings ---------------------------------------------------------


def _materials(store: Store, today: date, cal: WorkCalendar) -> Iterator[Todo]:
    """Per meeting whose plan is approved: the planned projects whose material is missing or sent back."""
    approved = scan(store, "meeting", lambda d: str(d["number"]) if d.get("status") == M.PLAN_APPROVED.value else None)
    for number in sorted(approved):
        checklist = material_checklist(store, number)
        owed = [r for r in checklist.rows if r.state in ("missing", "draft", "returned")]
        if not owed:
            continue
        named = "、".join(f"{r.name}（{r.unit}，{r.label}）" for r in owed[:5]) + ("等" if len(owed) > 5 else "")
        detail = f"方案上 {len(checklist.rows)} 个项目，还缺 {len(owed)} 个：{named}。"
        title = f"催报上会材料 · {checklist.title}"
        yield _row(MATERIALS, title, detail, f"/app/cycle/{number}#materials", checklist.due, cal, today)


# -- closures, reports, colours ---------------------------------------------------------------


def _closures(store: Store, today: date, cal: WorkCalendar) -> Iterator[Todo]:
    waiting = store.all("item", lambda d: d.get("status") == ItemStatus.CLOSURE_REQUESTED.value)
    for doc in sorted(waiting, key=lambda d: str(d["number"])):
        item = item_of(doc)
        request = live_closure(store, doc)
        asked = str((request or {}).get("updated") or (request or {}).get("created") or "")[:10]
        since = f"，{zh_date(date.fromisoformat(asked))}申请" if asked else ""
        waited = cal.workdays_between(date.fromisoformat(asked), today) if asked else 0
        waiting_for = f"，已等{waited}个工作日" if waited > 0 else ""
        detail = f"{_short(item.content)}（{item.lead_unit}{since}{waiting_for}）"
        yield Todo(CLOSURES, f"{item.number} 申请销号", detail, f"/app/ledger/{item.number}")


def last_workday_of_month(day: date, cal: WorkCalendar) -> date:
    last = (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    for back in range(last.day):
        if cal.is_workday(last - timedelta(days=back)):
            return last - timedelta(days=back)
    return last


def _reports(store: Store, today: date, cal: WorkCalendar) -> Iterator[Todo]:
    month = month_of(today)
    due = last_workday_of_month(today, cal)
    for unit in reports_by_unit(store, month):
        if not unit.owed:
            continue
        numbers = "、".join(str(d["number"]) for d in unit.owed[:5]) + ("等" if len(unit.owed) > 5 else "")
        detail = f"本月应报 {unit.owing} 项，还有 {len(unit.owed)} 项未报：{numbers}。"
        yield _row(REPORTS, unit.unit, detail, f"/app/reports?month={month}", due, cal, today)


def last_meeting_snapshot(store: Store, today: date) -> Doc | None:
    """The colours frozen at the latest approved meeting on or before today."""
    iso = today.isoformat()

    def key(d: Doc) -> tuple[str, str] | None:
        day = str(d.get("date") or "")
        return (day, str(d.get("number"))) if d.get("reason") == MEETING_SNAPSHOT and day <= iso else None

    keys = scan(store, "snapshot", key)  # each snapshot holds every item's colour: only the latest is read
    return store.get("snapshot", max(keys)[1]) if keys else None


def _turned_worse(store: Store, today: date) -> Iterator[Todo]:
    snap = last_meeting_snapshot(store, today)
    if snap is None:
        return
    before = snap.get("items") if isinstance(snap.get("items"), dict) else {}
    assert isinstance(before, dict)
    worse: list[tuple[int, AgreedItem, Colour, Colour]] = []
    for item in scan(store, "item", lambda d: item_of(d) if d.get("status") != ItemStatus.CLOSED.value else None):
        now = item_assessment(item, today).colour
        was_value = before.get(item.number)
        was = Colour(was_value) if was_value in {c.value for c in Colour} else Colour.GREEN
        if now.severity > was.severity:
            worse.append((now.severity, item, was, now))
    meeting = str(snap.get("meeting") or "")
    for _, item, was, now in sorted(worse, key=lambda w: (-w[0], w[1].number)):
        where = f"{item.lead_unit}牵头，计划节点{zh_date(item.planned)}；例会{meeting}时为{was.label}"
        detail = f"{_short(item.content)}（{where}）"
        yield Todo(COLOURS, f"{item.number} 转为{now.label}", detail, f"/app/ledger/{item.number}")


def _short(text: str) -> str:
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN] + "…"
