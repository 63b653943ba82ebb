"""The import itself: rows matched against the store, then projects, meetings and items written in one batch.

`plan_import` is a dry run the preview shows; `apply_import` runs the same plan again inside one
store batch and writes everything or, on any problem, nothing. Numbers from the sheet are kept;
the numbering counters are moved past them, so later meetings, items and projects never reuse one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from xietiao.cycle.meetings import create_meeting, ordinal
from xietiao.intake.rows import Checked, RowItem, RowProblem
from xietiao.jsonvalue import Doc
from xietiao.ledger.board import official_name
from xietiao.ledger.items import MAX_ORDER, next_order
from xietiao.model import ItemStatus, MeetingStatus, item_number, item_of, record_number
from xietiao.store.engine import Store

ACTION = "台账导入"


class ImportRefused(ValueError):
    """The import found a problem inside its batch; nothing was saved."""


@dataclass
class ImportPlan:
    new: list[RowItem] = field(default_factory=list)
    unchanged: list[RowItem] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    projects: dict[str, str] = field(default_factory=dict)  # key ("P-…" or "name:…") -> name, to create
    meetings: list[date] = field(default_factory=list)  # dates of meetings to create

    @property
    def ok(self) -> bool:
        return not self.problems


def _problem(item: RowItem, header: str, value: str, message: str) -> RowProblem:
    return RowProblem(item.row, "", header, value, message)


def _differences(doc: Doc, item: RowItem) -> list[str]:
    old = item_of(doc)
    pairs = (
        ("议定事项", old.content, item.content),
        ("牵头单位", official_name(old.lead_unit), item.lead_unit),
        ("配合单位", tuple(official_name(u) for u in old.co_units), item.co_units),
        ("计划节点", old.planned, item.planned),
        ("状态", old.status, item.status),
        ("项目编号", old.project, item.project or old.project),
    )
    return [label for label, a, b in pairs if a != b]


def _project_names(store: Store) -> dict[str, str]:
    out: dict[str, str] = {}

    def look(d: Doc) -> bool:
        data = d.get("data")
        name = data.get("name") if isinstance(data, dict) else None
        if isinstance(name, str) and name and d.get("status") != "draft":
            out.setdefault(name, str(d["number"]))
        return False

    store.all("project", look)
    return out


def _meeting_days(store: Store) -> dict[str, str]:
    return {str(d.get("date")): str(d["number"]) for d in store.all("meeting")}


def plan_import(store: Store, checked: Checked) -> ImportPlan:
    """What importing the checked rows would do, and every conflict with the store or between rows."""
    plan = ImportPlan(problems=list(checked.problems))
    names = _project_names(store)
    days = _meeting_days(store)
    seen: dict[str, int] = {}
    for item in checked.items:
        if item.number:
            if item.number in seen:
                plan.problems.append(_problem(item, "事项编号", item.number, f"与第{seen[item.number]}行编号重复"))
                continue
            seen[item.number] = item.row
            existing = store.get("item", item.number)
            if existing is not None:
                diff = _differences(existing, item)
                if diff:
                    why = f"台账中已有这一编号，内容不同（{'、'.join(diff)}）；导入不覆盖已有事项"
                    plan.problems.append(_problem(item, "事项编号", item.number, why))
                else:
                    plan.unchanged.append(item)
                continue
        if item.project and store.get("project", item.project) is None:
            if not item.project_name:
                why = "系统中没有这个项目，须同时填写项目名称"
                plan.problems.append(_problem(item, "项目编号", item.project, why))
                continue
            plan.projects.setdefault(item.project, item.project_name)
        elif not item.project and item.project_name and item.project_name not in names:
            plan.projects.setdefault(f"name:{item.project_name}", item.project_name)
        day = item.meeting.day
        if not item.meeting.number and day is not None and day.isoformat() not in days and day not in plan.meetings:
            plan.meetings.append(day)
        plan.new.append(item)
    return plan


def _raise_counter(store: Store, series: str, at_least: int) -> None:
    """Move a numbering series so its next number is above `at_least`."""
    doc = store.get("counter", series)
    if doc is None:
        store.insert("counter", {"number": series, "value": at_least, "created": "0000"}, actor="system", action="编号")
    elif isinstance(doc.get("value"), int) and int(str(doc["value"])) < at_least:
        store.update("counter", series, lambda d: d.update(value=at_least), actor="system", action="编号")


def _kept_numbers(store: Store, plan: ImportPlan) -> None:
    meetings: dict[str, int] = {}
    for item in plan.new:
        number = item.number[:7] if item.number else item.meeting.number
        if number:
            year = number[:4]
            meetings[year] = max(meetings.get(year, 0), ordinal(number))
    for year, top in meetings.items():
        _raise_counter(store, f"meeting-{year}", top)
    for key in plan.projects:
        if key.startswith("P-"):
            _raise_counter(store, f"P-{key[2:6]}", int(key[7:]))


def _project_doc(number: str, name: str, item: RowItem, actor: str, source: Doc) -> Doc:
    data: Doc = {"name": name, "lead_unit": item.lead_unit, "confidential": item.confidential}
    return {
        "number": number,
        "form": "project",
        "unit": item.lead_unit,
        "author": actor,
        "status": "accepted",
        "data": data,
        "confidential": item.confidential,
        "versions": [],
        "return_reason": "",
        "imported": source,
    }


def _item_doc(item: RowItem, number: str, meeting: str, project: str, source: Doc) -> Doc:
    done = item.done or (item.closed_at if item.status is ItemStatus.CLOSED else None)
    doc: Doc = {
        "number": number,
        "meeting": meeting,
        "project": project,
        "issue": "",
        "content": item.content,
        "lead_unit": item.lead_unit,
        "co_units": list(item.co_units),
        "person": {"name": item.person, "phone": item.phone},
        "planned": item.planned.isoformat(),
        "status": item.status.value,
        "done": done.isoformat() if done else None,
        "closed_reason": item.closed_reason,
        "reopened_from": item.reopened_from,
        "imported": {**source, "row": item.row},
    }
    if item.status is ItemStatus.CLOSED:
        doc["closed_at"] = (item.closed_at or done or item.planned).isoformat()
    if item.status is ItemStatus.CLOSURE_REQUESTED:
        doc["closure"] = ""  # no request record came with it: the lead unit files one to have it closed
    if item.old_number:
        doc["imported_number"] = item.old_number
    if item.last_report:
        doc["imported_last_report"] = item.last_report
    return doc


def _mark_imported(store: Store, number: str, day: date, source: Doc, actor: str) -> None:
    """A meeting known only from the old ledger: its minutes were approved on paper, on its day."""
    store.update(
        "meeting", number, lambda d: d.update(approved=day.isoformat(), imported=source), actor=actor, action=ACTION
    )


@dataclass(frozen=True)
class ImportResult:
    items: int
    unchanged: int
    projects: int
    meetings: int


def apply_import(store: Store, checked: Checked, *, actor: str, file: str, now: datetime) -> ImportResult:
    """Write the plan in one batch: all of it, or (ImportRefused, or any error) nothing."""
    source: Doc = {"file": file[:120], "at": now.isoformat(timespec="seconds"), "by": actor}
    with store.batch():
        plan = plan_import(store, checked)  # again, inside the batch: the store may have changed since the preview
        if not plan.ok:
            raise ImportRefused(f"有{len({p.row for p in plan.problems})}行无法导入，未保存任何内容。")
        _kept_numbers(store, plan)
        by_day: dict[date, str] = {}
        for day in sorted(plan.meetings):
            m = create_meeting(store, day, actor=actor, now=now, status=MeetingStatus.PUBLISHED)
            _mark_imported(store, str(m["number"]), day, source, actor)
            by_day[day] = str(m["number"])
        projects = _project_names(store)
        days = _meeting_days(store)
        orders: dict[str, int] = {}
        for key, name in plan.projects.items():
            item = next(i for i in plan.new if (i.project or f"name:{i.project_name}") == key)
            number = key if key.startswith("P-") else record_number("P", now.year, store.next_number(f"P-{now.year}"))
            store.insert("project", _project_doc(number, name, item, actor, source), actor=actor, action=ACTION)
            projects.setdefault(name, number)
        for item in plan.new:
            meeting = item.number[:7] if item.number else item.meeting.number
            if not meeting and item.meeting.day is not None:
                meeting = by_day.get(item.meeting.day) or days[item.meeting.day.isoformat()]
            number = item.number
            if not number:
                orders[meeting] = orders.get(meeting) or next_order(store, meeting)
                if orders[meeting] > MAX_ORDER:
                    raise ImportRefused(
                        f"第{item.row}行：例会 {meeting} 的议定事项超过{MAX_ORDER}项，无法编号；未保存任何内容。"
                    )
                number = item_number(meeting, orders[meeting])
                orders[meeting] += 1
            project = item.project or (projects.get(item.project_name, "") if item.project_name else "")
            store.insert("item", _item_doc(item, number, meeting, project, source), actor=actor, action=ACTION)
    return ImportResult(len(plan.new), len(plan.unchanged), len(plan.projects), len(plan.meetings))
