"""Minutes of a held meeting (会议纪要): the draft's fields, their check, and what approval registers.

The draft is declared as a form definition built in code, so the same field checker, the
same HTML widgets and the same per-field Chinese messages serve it as serve the units' forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from xietiao.cycle.issuelist import data_of
from xietiao.forms.check import Checked, check_submission
from xietiao.forms.definitions import FieldDef, FieldType, FormDef, Section
from xietiao.forms.submissions import StoreLookup
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.model import ItemStatus, is_internal, item_number
from xietiao.profile import current
from xietiao.store.engine import Store

T = FieldType
MAX_AGREED = 99  # item numbers keep two digits for the order in the minutes
TEXT_MAX = 2000


def minutes_form(issues: tuple[str, ...]) -> FormDef:
    """The minutes draft of a meeting whose plan took up `issues`."""
    limits, leaders = current().colours, current().government.leaders
    talk = (
        FieldDef("issue", T.SELECT, "议题", choices=issues),
        FieldDef("project", T.PROJECT, "项目", help="未对应议题的讨论，选择所涉项目。"),
        FieldDef("text", T.TEXTAREA, "研究情况", required=True, max_length=TEXT_MAX),
    )
    agreed = (
        FieldDef("project", T.PROJECT, "所属项目", required=True, help="选了对应议题的，可不选，取议题所属的项目。"),
        FieldDef("issue", T.SELECT, "对应议题", choices=issues),
        FieldDef("content", T.TEXTAREA, "议定内容", required=True, max_length=TEXT_MAX),
        FieldDef("lead_unit", T.UNIT, "牵头单位", required=True),
        FieldDef("co_units", T.UNIT, "配合单位", multiple=True),
        FieldDef("person", T.PERSON, "责任人", required=True),
        FieldDef(
            "planned",
            T.DATE,
            "计划节点",
            required=True,
            help=f"完成时限；超过{limits.yellow}个月未完成为滞后，{limits.red}个月为严重滞后。",
        ),
    )
    sections = (
        Section(
            "会议情况",
            "",
            (
                FieldDef("place", T.TEXT, "会议地点", max_length=60),
                FieldDef("convener", T.TEXT, "召集人", required=True, max_length=60, placeholder=leaders[0]),
                FieldDef("attendance", T.UNIT, "出席单位", required=True, multiple=True),
                FieldDef(
                    "minutes",
                    T.TEXTAREA,
                    "会议概述",
                    required=True,
                    max_length=TEXT_MAX,
                    help="会议的总体情况。纪要第一段（时间、地点、主持人、出席单位）由系统生成，这里接着写。",
                ),
            ),
        ),
        Section(
            "议题研究情况",
            "每个议题写一行：会上汇报和研究的要点。",
            (FieldDef("discussions", T.GROUP, "研究情况", fields=talk, max_rows=MAX_AGREED),),
        ),
        Section(
            "议定事项",
            "每一项议定事项在纪要审定后自动挂号进入台账。",
            (FieldDef("agreed", T.GROUP, "议定事项", required=True, fields=agreed, max_rows=MAX_AGREED),),
        ),
    )
    return FormDef(name="minutes", title="会议纪要代拟稿", prefix="MN", sections=sections)


def plan_issues(meeting: Doc) -> tuple[str, ...]:
    issues = meeting.get("issues")
    return tuple(str(i) for i in issues if isinstance(i, str)) if isinstance(issues, list) else ()


def draft_values(meeting: Doc) -> Doc:
    """What the minutes page shows: the saved draft, or a start made from the plan."""
    values: Doc = {k: meeting.get(k) for k in ("place", "convener", "attendance", "minutes")}
    talks = meeting.get("discussions")
    if isinstance(talks, list) and talks:
        values["discussions"] = [
            {k: v for k, v in t.items() if k in ("issue", "project", "text") and v}
            for t in talks
            if isinstance(t, dict)
        ]
    else:
        values["discussions"] = [{"issue": i} for i in plan_issues(meeting)]
    agreed = meeting.get("agreed")
    values["agreed"] = (
        [{k: v for k, v in a.items() if k != "number"} for a in agreed if isinstance(a, dict)]
        if isinstance(agreed, list)
        else []
    )
    return {k: v for k, v in values.items() if v not in (None, "", [])}


def check_minutes(store: Store, meeting: Doc, data: Mapping[str, object], *, complete: bool) -> Checked:
    form = minutes_form(plan_issues(meeting))
    data = dict(data)
    talks = data.get("discussions")
    if isinstance(talks, list):
        # The page starts one row per plan issue; a row nobody wrote anything in was not discussed.
        data["discussions"] = [t for t in talks if not isinstance(t, Mapping) or _written(t.get("text"))]
    agreed = data.get("agreed")
    if isinstance(agreed, list):
        # An item that names its issue belongs to that issue's project unless the row says otherwise.
        data["agreed"] = [_with_issue_project(store, row) for row in agreed]
    checked = check_submission(form, data, StoreLookup(store), complete=complete)
    errors = dict(checked.errors)
    held = date.fromisoformat(str(meeting["date"]))
    for i, row in enumerate(_rows(checked.values, "discussions")):
        if not row.get("issue") and not row.get("project"):
            errors.setdefault(f"discussions.{i}.issue", []).append(f"第{i + 1}行须选择议题或项目")
    for i, row in enumerate(_rows(checked.values, "agreed")):
        planned = row.get("planned")
        if isinstance(planned, str) and date.fromisoformat(planned) < held:
            errors.setdefault(f"agreed.{i}.planned", []).append(f"第{i + 1}行“计划节点”不能早于会议日期")
    return Checked(checked.values, errors)


def _with_issue_project(store: Store, row: object) -> object:
    if not isinstance(row, Mapping) or row.get("project") or not isinstance(row.get("issue"), str):
        return row
    doc = store.get("issue", str(row["issue"]))
    project = data_of(doc).get("project") if doc else None
    return {**row, "project": project} if isinstance(project, str) and project else row


def _written(value: object) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _rows(values: Mapping[str, JSONValue], key: str) -> list[Doc]:
    rows = values.get(key)
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def apply_draft(store: Store, meeting: Doc, values: Mapping[str, JSONValue]) -> None:
    """Write checked minutes values into the meeting document (each talk knows its project)."""
    for key in ("place", "convener", "minutes"):
        meeting[key] = str(values.get(key) or "")
    attendance = values.get("attendance")
    meeting["attendance"] = list(attendance) if isinstance(attendance, list) else []
    talks: list[JSONValue] = []
    for row in _rows(values, "discussions"):
        issue = str(row.get("issue") or "")
        project = str(row.get("project") or "")
        if issue and not project:
            doc = store.get("issue", issue)
            project = str(data_of(doc).get("project") or "") if doc else ""
        talks.append({"issue": issue, "project": project, "text": str(row.get("text") or "")})
    meeting["discussions"] = talks
    meeting["agreed"] = [dict(r) for r in _rows(values, "agreed")]


def _ledger_order(store: Store, rows: list[Doc]) -> list[tuple[int, Doc]]:
    """(order, row) in the minutes' order; items on internal projects take the last orders.

    The site leaves those items out: numbered last, they leave no gap in the numbers it shows.
    """

    def internal(row: Doc) -> bool:
        project = store.get("project", str(row.get("project") or "")) if row.get("project") else None
        return project is not None and is_internal(project)

    ranked = sorted(range(len(rows)), key=lambda i: (internal(rows[i]), i))
    orders = {index: order for order, index in enumerate(ranked, start=1)}
    return [(orders[i], row) for i, row in enumerate(rows)]


def register_agreed(store: Store, meeting: Doc, actor: str, created: str) -> list[str]:
    """Put the agreed items on the ledger as {meeting}-{order}; an item already there is kept as is."""
    number = str(meeting["number"])
    registered: list[str] = []
    for order, row in _ledger_order(store, _rows(meeting, "agreed")):
        item = item_number(number, order)
        registered.append(item)
        if store.get("item", item) is not None:
            continue
        co = row.get("co_units")
        store.insert(
            "item",
            {
                "number": item,
                "meeting": number,
                "project": str(row.get("project") or ""),
                "issue": str(row.get("issue") or ""),
                "content": str(row.get("content") or ""),
                "lead_unit": str(row.get("lead_unit") or ""),
                "co_units": list(co) if isinstance(co, list) else [],
                "person": row.get("person") if isinstance(row.get("person"), dict) else {"name": "", "phone": ""},
                "planned": str(row.get("planned")),
                "status": ItemStatus.REGISTERED.value,
                "done": None,
                "closed_reason": "",
                "reopened_from": "",
                "created": created,
            },
            actor=actor,
            action=f"挂号（例会 {number} 纪要审定）",
        )
    return registered


def discussed_issues(meeting: Doc) -> list[str]:
    talked = [str(t.get("issue")) for t in _rows(meeting, "discussions") if t.get("issue")]
    agreed = [str(a.get("issue")) for a in _rows(meeting, "agreed") if a.get("issue")]
    return list(dict.fromkeys(talked + agreed))
