"""Meeting material (上会材料): who may file it, which meeting it belongs to, and each meeting's checklist.

Once a leader approves a plan, every project on it owes one written material for that meeting,
due by the date the bureau set on the plan. The checklist says, per planned project, whether it
was received, sent back, or is still missing; material filed for a project the plan does not
hold is listed apart, with a warning. A unit's workbench tasks are the checklist rows it owes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from xietiao.accounts import User
from xietiao.cycle.workdays import WorkCalendar
from xietiao.forms.rules import FormRule
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.model import MeetingStatus, Role
from xietiao.store.engine import Store
from xietiao.units import same_unit, unit_by_name

MEETING_NUMBER = re.compile(r"\d{4}-\d{2}", re.ASCII)
FILED = ("submitted", "accepted")
# Material is owed from the plan's approval until the meeting is held.
COLLECTING = (MeetingStatus.PLAN_APPROVED,)
PLANNED = (MeetingStatus.PLAN_PROPOSED, MeetingStatus.PLAN_APPROVED)
STATE_LABELS = {
    "accepted": "已受理",
    "received": "已收到",
    "returned": "已退回",
    "draft": "草稿未提交",
    "missing": "未报送",
}


def _data(doc: Doc | None) -> Doc:
    data = doc.get("data") if doc else None
    return data if isinstance(data, dict) else {}


def _strings(value: JSONValue) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _official(name: str) -> str:
    unit = unit_by_name(name)
    return unit.name if unit else name


def responsible_unit(project: Doc) -> str:
    """The unit answerable for a project: its 责任单位, else the unit that registered it."""
    return _official(str(_data(project).get("lead_unit") or project.get("unit") or ""))


def material_meeting(doc: Doc) -> str:
    """The meeting a material belongs to: the one it was filed for, or the one its project was planned for."""
    for value in (doc.get("meeting"), _data(doc).get("meeting")):
        if isinstance(value, str) and MEETING_NUMBER.fullmatch(value):
            return value
    return ""


# -- who may file, and the form's rule ------------------------------------------------


def may_file_for(store: Store, user: User, project: Doc) -> bool:
    if user.role is not Role.UNIT:
        return True  # the bureau files on anyone's behalf
    if same_unit(project.get("unit"), user.unit) or same_unit(_data(project).get("lead_unit"), user.unit):
        return True
    number = project.get("number")
    return bool(
        store.all(
            "issue",
            lambda d: (
                same_unit(d.get("unit"), user.unit) and _data(d).get("project") == number and d.get("status") != "draft"
            ),
        )
    )


def check_material(store: Store, user: User, values: Doc) -> dict[str, list[str]]:
    number = str(values.get("project") or "")
    project = store.get("project", number)
    if project is None:
        return {"project": [f"“所属项目”{number} 不存在：请从列表中选择已登记的项目。"]}
    if not may_file_for(store, user, project):
        return {"project": [f"项目 {number} 不由本单位负责，本单位也未就它申报议题：上会材料由项目的责任单位报送。"]}
    meeting = str(values.get("meeting") or "")
    if meeting and store.get("meeting", meeting) is None:
        return {"meeting": [f"“上会例会”{meeting} 不存在：请从工作台的上会材料任务进入，或留空。"]}
    return {}


def planned_meeting_for(store: Store, project: str) -> str:
    """The earliest meeting whose plan (proposed or approved) holds the project; "" if none."""
    found = [
        d
        for d in store.all("meeting", lambda d: d.get("status") in {s.value for s in PLANNED})
        if project in _strings(d.get("projects"))
    ]
    return str(min(found, key=lambda d: (str(d.get("date")), str(d["number"])))["number"]) if found else ""


def after_material(store: Store, user: User, record: Doc) -> None:
    """A filed material is tied to a meeting: the one named on the form, else its project's next one."""
    meeting = material_meeting(record) or planned_meeting_for(store, str(_data(record).get("project") or ""))
    if meeting and record.get("meeting") != meeting:
        store.update(
            "material",
            str(record["number"]),
            lambda d: d.update(meeting=meeting),
            actor=user.username,
            action=f"归入例会 {meeting} 上会材料",
        )


MATERIAL_RULE = FormRule(check=check_material, after_submit=after_material)


def off_plan_warning(store: Store, record: Doc) -> str:
    """A warning for material whose project is not on the plan of its meeting ("" when all is well)."""
    project = str(_data(record).get("project") or "")
    meeting = material_meeting(record)
    if not project:
        return ""
    if not meeting:
        return f"项目 {project} 目前不在任何待召开例会的方案上：这份材料不计入哪一次例会的上会材料。"
    doc = store.get("meeting", meeting)
    if doc is not None and project not in _strings(doc.get("projects")):
        return (
            f"项目 {project} 不在{doc.get('title') or meeting}的方案上：区发展改革局会收到这份材料，"
            "但它不计入该次例会的上会材料；如确需上会，请与区发展改革局联系。"
        )
    return ""


# -- the due date ----------------------------------------------------------------------


def workdays_before(cal: WorkCalendar, day: date, n: int) -> date:
    """The n-th working day before `day`."""
    current = day
    for _ in range(max(n, 0)):
        current -= timedelta(days=1)
        while not cal.is_workday(current):
            current -= timedelta(days=1)
    return current


def default_due(meeting_day: date, cal: WorkCalendar, today: date) -> date:
    """One working day before the meeting, but never before today."""
    return max(workdays_before(cal, meeting_day, 1), min(today, meeting_day))


def materials_due(meeting: Doc, cal: WorkCalendar | None = None) -> date:
    """The date the plan set for the material; for older plans, a working day before the meeting."""
    value = meeting.get("materials_due")
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return workdays_before(cal or WorkCalendar(), date.fromisoformat(str(meeting["date"])), 1)


# -- the checklist -----------------------------------------------------------------------


@dataclass(frozen=True)
class MaterialRow:
    """One planned project: who owes its material and where it stands."""

    project: str
    name: str
    unit: str  # the responsible unit
    units: tuple[str, ...]  # every unit that sees the task: the responsible one and the issues' units
    confidential: bool  # the project is kept off the site
    state: str  # accepted, received, returned, draft or missing
    record: str  # the material's number, or ""
    reason: str  # why it was sent back
    filed: str  # when it was last saved, ISO

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def received(self) -> bool:
        return self.state in ("accepted", "received")


@dataclass(frozen=True)
class Checklist:
    meeting: str
    title: str
    status: MeetingStatus
    day: date  # the meeting's date
    due: date
    rows: tuple[MaterialRow, ...]
    extra: tuple[Doc, ...]  # material filed for this meeting on projects the plan does not hold

    def count(self, *states: str) -> int:
        return sum(1 for r in self.rows if r.state in states)

    @property
    def received(self) -> int:
        return self.count("accepted", "received")

    @property
    def returned(self) -> int:
        return self.count("returned")

    @property
    def missing(self) -> int:
        return self.count("draft", "missing")


def _issue_units(store: Store, meeting: Doc, project: str) -> list[str]:
    units: list[str] = []
    for number in _strings(meeting.get("issues")):
        issue = store.get("issue", number)
        if issue is not None and _data(issue).get("project") == project:
            units.append(_official(str(issue.get("unit") or "")))
    return units


def _state_of(docs: list[Doc]) -> tuple[str, Doc | None]:
    """The best standing among one project's materials for one meeting, and the record that has it."""
    latest = sorted(docs, key=lambda d: str(d.get("updated") or d.get("created") or ""), reverse=True)
    for state in ("accepted", "submitted", "returned", "draft"):
        found = next((d for d in latest if d.get("status") == state), None)
        if found is not None:
            return ("received" if state == "submitted" else state), found
    return "missing", None


def _row(store: Store, meeting: Doc, project: str, docs: list[Doc]) -> MaterialRow:
    pdoc = store.get("project", project)
    unit = responsible_unit(pdoc) if pdoc else ""
    units = tuple(dict.fromkeys(u for u in (unit, *_issue_units(store, meeting, project)) if u))
    state, found = _state_of(docs)
    return MaterialRow(
        project=project,
        name=str(_data(pdoc).get("name") or project),
        unit=unit,
        units=units,
        confidential=bool(pdoc and (pdoc.get("confidential") or _data(pdoc).get("confidential") is True)),
        state=state,
        record=str(found["number"]) if found else "",
        reason=str(found.get("return_reason") or "") if found and state == "returned" else "",
        filed=str(found.get("updated") or found.get("created") or "") if found else "",
    )


def material_checklist(store: Store, meeting_number: str) -> Checklist:
    """Per project on the meeting's plan, in plan order: material received, sent back, or missing."""
    meeting = store.get("meeting", meeting_number)
    if meeting is None:
        raise KeyError(meeting_number)
    planned = list(dict.fromkeys(_strings(meeting.get("projects"))))
    filed = store.all("material", lambda d: material_meeting(d) == meeting_number)
    by_project: dict[str, list[Doc]] = {}
    for doc in filed:
        by_project.setdefault(str(_data(doc).get("project") or ""), []).append(doc)
    extra = [d for d in filed if str(_data(d).get("project") or "") not in planned and d.get("status") != "draft"]
    return Checklist(
        meeting=meeting_number,
        title=str(meeting.get("title") or meeting_number),
        status=MeetingStatus(str(meeting["status"])),
        day=date.fromisoformat(str(meeting["date"])),
        due=materials_due(meeting),
        rows=tuple(_row(store, meeting, p, by_project.get(p, [])) for p in planned),
        extra=tuple(sorted(extra, key=lambda d: str(d["number"]))),
    )


@dataclass(frozen=True)
class MaterialTask:
    """A row of a unit's workbench: material it owes (or has filed) for a meeting whose plan is approved."""

    checklist: Checklist
    row: MaterialRow


def material_tasks(store: Store, unit: str) -> list[MaterialTask]:
    """The unit's material for every meeting now collecting it, the earliest due first."""
    unit = _official(unit)
    tasks: list[MaterialTask] = []
    for meeting in store.all("meeting", lambda d: d.get("status") in {s.value for s in COLLECTING}):
        checklist = material_checklist(store, str(meeting["number"]))
        tasks += [MaterialTask(checklist, row) for row in checklist.rows if unit in row.units]
    tasks.sort(key=lambda t: (t.checklist.due, t.checklist.meeting, t.row.project))
    return tasks


# -- what the form starts from ---------------------------------------------------------------


def _unit_issue(store: Store, meeting: Doc | None, project: str, unit: str) -> Doc | None:
    """The issue the material answers: the unit's on the plan, any on the plan, else the unit's latest."""
    planned = [store.get("issue", n) for n in _strings(meeting.get("issues"))] if meeting else []
    on_plan = [d for d in planned if d is not None and _data(d).get("project") == project]
    own = [d for d in on_plan if d.get("unit") == unit]
    if own or on_plan:
        return (own or on_plan)[0]
    mine = store.all(
        "issue", lambda d: d.get("unit") == unit and _data(d).get("project") == project and d.get("status") in FILED
    )
    return max(mine, key=lambda d: str(d.get("created") or "")) if mine else None


def material_prefill(store: Store, unit: str, project: str, meeting: str) -> Doc:
    """A new material's values from the project's registration and the issue it was planned with."""
    pdoc = store.get("project", project)
    if pdoc is None:
        return {}
    mdoc = store.get("meeting", meeting) if meeting else None
    pdata = _data(pdoc)
    held = str(mdoc.get("date")) if mdoc else ""
    rows = [m for m in pdata.get("milestones") or [] if isinstance(m, dict)]  # type: ignore[union-attr]
    done = [str(m.get("task") or "") for m in rows if m.get("done")]
    values: Doc = {
        "project": project,
        "overview": pdata.get("overview"),
        "progress": f"项目已完成：{'、'.join(done)}。" if done else "",
        "lead_unit": responsible_unit(pdoc),
        "persons": pdata.get("persons"),
        "goals": [
            {"node": m.get("node"), "task": m.get("task"), "planned": m.get("planned")}
            for m in rows
            if not m.get("done") or (held and str(m.get("done")) > held)
        ],
    }
    if mdoc is not None:
        values["meeting"] = meeting
    issue = _unit_issue(store, mdoc, project, _official(unit))
    if issue is not None:
        idata = _data(issue)
        values.update(problems=idata.get("problem"), coordination=idata.get("coordinated"), ask=idata.get("ask"))
        if idata.get("co_units"):
            values["co_units"] = idata.get("co_units")
    if pdoc.get("confidential") or pdata.get("confidential") is True:
        values["confidential"] = True
    return {k: v for k, v in values.items() if v not in (None, "", [])}


def material_start(store: Store, user: User, project: str, meeting: str) -> Doc:
    """The prefill for `user`, only on a project it may file material for."""
    doc = store.get("project", project)
    if doc is None or not may_file_for(store, user, doc):
        return {}
    return material_prefill(store, user.unit, project, meeting)


def filing_projects(store: Store, user: User) -> list[tuple[str, str]]:
    """(number, name) of the projects `user` may file material for, by number."""
    if user.role is Role.UNIT:
        filed = store.all("issue", lambda d: d.get("unit") == user.unit and d.get("status") != "draft")
        raised = {str(_data(d).get("project")) for d in filed}

        def mine(d: Doc) -> bool:
            lead = _official(str(_data(d).get("lead_unit") or ""))
            return d.get("unit") == user.unit or lead == user.unit or d.get("number") in raised

        docs = store.all("project", mine)
    else:
        docs = store.all("project", lambda d: d.get("status") != "draft")
    return sorted((str(d["number"]), str(_data(d).get("name") or "")) for d in docs)
