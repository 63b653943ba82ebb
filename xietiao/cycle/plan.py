"""The meeting plan (建议方案): the projects and issues a meeting takes up and the units it calls."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from xietiao.cycle.issuelist import PLANNABLE, data_of, ordered, plannable, state_of
from xietiao.cycle.workdays import WorkCalendar
from xietiao.jsonvalue import Doc
from xietiao.ledger.supervision import assign_explanations, explanations
from xietiao.store.engine import Store
from xietiao.units import all_units, bureau_name, government_name, unit_by_name

MAX_ENTRIES = 100


@dataclass(frozen=True)
class Plan:
    projects: tuple[str, ...]
    issues: tuple[str, ...]
    attendance: tuple[str, ...]
    start: str = ""  # time of day the meeting starts, "14:30"; printed in the meeting notice
    contact: str = ""  # who to call about the meeting, name and phone
    materials_due: str = ""  # ISO date by which the planned projects' material is due; "" = the default


def _project_units(project: Doc) -> list[str]:
    data = data_of(project)
    return [str(project.get("unit") or ""), str(data.get("lead_unit") or "")]


def _issue_units(issue: Doc) -> list[str]:
    co = data_of(issue).get("co_units")
    return (
        [str(issue.get("unit") or ""), *(str(u) for u in co if isinstance(u, str))]
        if isinstance(co, list)
        else [str(issue.get("unit") or "")]
    )


def in_unit_order(names: Iterable[str]) -> tuple[str, ...]:
    """Official names, in the order the mechanism lists the units; unknown names dropped."""
    wanted = {u.name for u in map(unit_by_name, names) if u is not None}
    return tuple(u.name for u in all_units() if u.name in wanted)


def suggest_attendance(store: Store, issues: Iterable[str], projects: Iterable[str]) -> tuple[str, ...]:
    """The bureau, the issues' units and co-units, and the projects' responsible and lead units."""
    names = [bureau_name()]
    projects = list(projects)
    for number in issues:
        issue = store.get("issue", number)
        if issue is not None:
            names += _issue_units(issue)
            projects.append(str(data_of(issue).get("project") or ""))
    for number in projects:
        project = store.get("project", number)
        if project is not None:
            names += _project_units(project)
    return tuple(n for n in in_unit_order(names) if n != government_name())


def projects_of(store: Store, issues: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for number in issues:
        doc = store.get("issue", number)
        project = str(data_of(doc).get("project") or "") if doc else ""
        if project and project not in out:
            out.append(project)
    return tuple(out)


def suggest(store: Store, meeting: str) -> Plan:
    """Every issue the list holds for the meeting, most urgent first, with their projects and units."""
    issues = tuple(str(d["number"]) for d in plannable(store, meeting))
    projects = projects_of(store, issues)
    return Plan(projects, issues, suggest_attendance(store, issues, projects))


START = re.compile(r"([01]\d|2[0-3]):[0-5]\d", re.ASCII)
CONTACT_MAX = 60


def check_plan(
    store: Store, meeting: str, plan: Plan, cal: WorkCalendar | None = None, *, complete: bool = True
) -> dict[str, list[str]]:
    """Per-field Chinese errors; empty when the plan may go to a leader (or, not `complete`, be kept as a draft)."""
    errors: dict[str, list[str]] = {}
    due = _due_errors(store, meeting, plan.materials_due, cal or WorkCalendar())
    if due:
        errors["materials_due"] = [due]
    for key, values in (("projects", plan.projects), ("issues", plan.issues), ("attendance", plan.attendance)):
        if len(values) > MAX_ENTRIES:
            errors[key] = [f"最多 {MAX_ENTRIES} 项，现有 {len(values)} 项"]
    bad = [n for n in plan.issues if not _plannable_for(store.get("issue", n), meeting)]
    if bad:
        errors["issues"] = [f"议题 {'、'.join(bad)} 不是本次例会清单上“已纳入清单”或“顺延下次”的议题，不能列入方案。"]
    missing = [n for n in plan.projects if store.get("project", n) is None]
    if missing:
        errors["projects"] = [f"项目 {'、'.join(missing)} 不存在。"]
    unknown = [u for u in plan.attendance if unit_by_name(u) is None]
    if unknown:
        errors["attendance"] = [f"没有名为 {'、'.join(unknown)} 的单位。"]
    elif not plan.attendance and complete:
        errors["attendance"] = ["“参会单位”为必填项：至少选择一个单位。"]
    if not plan.issues and not plan.projects and complete:
        errors["issues"] = ["方案至少要有一个议题或项目。"]
    if plan.start and not START.fullmatch(plan.start):
        errors["start"] = ["“开会时间”格式为 14:30（24 小时制）。"]
    if len(plan.contact) > CONTACT_MAX:
        errors["contact"] = [f"“会务联系人”最多 {CONTACT_MAX} 个字，现有 {len(plan.contact)} 个字。"]
    return errors


def _due_errors(store: Store, meeting: str, due: str, cal: WorkCalendar) -> str:
    if not due:
        return ""
    try:
        day = date.fromisoformat(due)
    except ValueError:
        return "“上会材料报送截止日期”不是有效日期，请按 2026-12-03 的格式选择。"
    doc = store.get("meeting", meeting)
    held = date.fromisoformat(str(doc["date"])) if doc else None
    if held is not None and day > held:
        return f"“上会材料报送截止日期”不能晚于会议日期{held.year}年{held.month}月{held.day}日。"
    if not cal.is_workday(day):
        return f"{day.year}年{day.month}月{day.day}日不是工作日：“上会材料报送截止日期”请选择工作日。"
    return ""


def _plannable_for(doc: Doc | None, meeting: str) -> bool:
    return doc is not None and state_of(doc) in PLANNABLE and doc.get("meeting") in (meeting, "", None)


def normalised(store: Store, plan: Plan) -> Plan:
    """Issues most urgent first; every issue's project on the plan; units in official order."""
    issues = tuple(
        str(d["number"]) for d in ordered(d for d in (store.get("issue", n) for n in plan.issues) if d is not None)
    )
    projects = tuple(dict.fromkeys((*projects_of(store, issues), *plan.projects)))
    return Plan(projects, issues, in_unit_order(plan.attendance), plan.start, plan.contact, plan.materials_due)


def plan_record(store: Store, meeting: str, plan: Plan, today: date, actor: str) -> Doc:
    """What a proposed plan writes into its meeting, the units due to explain at it included.

    Who must explain is judged on the day the plan goes up; the marks and supervision records
    that named no meeting yet are tied to this one, so they end once it has been held.
    """
    due = explanations(store, today)
    assign_explanations(store, meeting, due, actor)
    return {
        "projects": list(plan.projects),
        "issues": list(plan.issues),
        "attendance": list(plan.attendance),
        "start": plan.start,
        "contact": plan.contact,
        "materials_due": plan.materials_due,
        "explanations": [row.to_json() for row in due],
    }
