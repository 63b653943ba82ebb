"""Escalation to the city (报市级协调): a leader's approval, the request sent, the city's reply.

An issue the district cannot settle goes up in steps: the bureau proposes it (报市级协调待审定);
a leader approves it, with the meeting plan or on its own, or sends it back to the list; the
bureau prints the request (.docx), records the day it went to the city and, later, the city's
reply. A reply that settles the problem closes the issue (市级协调已办结); one that hands it back
puts it on the district list again, for the meeting whose call is open. Every step is kept on
the issue (`city_history`) and journalled by the store.
"""

from __future__ import annotations

from datetime import date, datetime

from docx.enum.text import WD_ALIGN_PARAGRAPH

from xietiao.accounts import User
from xietiao.cycle import documents as paper
from xietiao.cycle.issuelist import _get, _note, _require_state, data_of, meeting_taking_issues, state_of
from xietiao.forms.fieldtypes import clean_text
from xietiao.forms.submissions import NotAllowed
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.ledger.colours import zh_date
from xietiao.model import IssueState
from xietiao.permissions import require_bureau, require_leader
from xietiao.store.engine import Store
from xietiao.units import government_name

S = IssueState
REPLY_MAX = 2000
OUTCOMES = {"solved": "问题已解决，议题办结", "returned": "需区级继续协调，回到区级问题清单"}
STEP_LABELS = {
    "marked": "区发展改革局提请报市级协调",
    "approved": "区领导审定同意报市级协调",
    "returned": "区领导未同意，议题回到区级问题清单",
    "sent": "协调请求已报送市里",
    "replied": "收到市里答复",
}
DEFAULT_REASON = "经区级协调仍未解决，需报请市级层面协调。"


def _stamp(now: datetime) -> str:
    return now.isoformat(timespec="seconds")


def city_of(doc: Doc) -> Doc:
    """The issue's escalation record (reason, approval, sending, reply); {} if it never went up."""
    value = doc.get("city")
    return value if isinstance(value, dict) else {}


def city_history(doc: Doc) -> list[Doc]:
    value = doc.get("city_history")
    return [h for h in value if isinstance(h, dict)] if isinstance(value, list) else []


def _with_step(doc: Doc, step: str, by: str, at: str, note: str = "", **city: JSONValue) -> dict[str, JSONValue]:
    """The fields to write for one step: the escalation record updated and the step appended to the history."""
    entry: Doc = {"step": step, "at": at, "by": by, "note": note}
    return {"city": {**city_of(doc), **city}, "city_history": [*city_history(doc), entry]}


def _update(store: Store, user: User, number: str, action: str, values: dict[str, JSONValue]) -> Doc:
    return store.update("issue", number, lambda d: d.update(values), actor=user.username, action=action)


# -- the bureau proposes, a leader decides ------------------------------------------------


def mark_for_city(store: Store, user: User, number: str, note: str, now: datetime) -> Doc:
    """An accepted issue is put to a leader for city-level coordination, with the reason."""
    require_bureau(user, "报市级协调")
    with store.batch():
        doc = _get(store, number)
        _require_state(doc, (S.ACCEPTED,), "报市级协调")
        reason = _note(note, "报市级协调理由") or str(data_of(doc).get("city_reason") or "") or DEFAULT_REASON
        values = _with_step(doc, "marked", user.username, _stamp(now), reason, reason=reason, marked_at=_stamp(now))
        values.update(list_state=S.CITY_PENDING.value, list_note=reason)
        return _update(store, user, number, "提请报市级协调（待区领导审定）", values)


def pending_city(store: Store) -> list[Doc]:
    """Issues waiting for a leader's decision on going to the city, oldest first."""
    rows = store.all("issue", lambda d: d.get("list_state") == S.CITY_PENDING.value)
    return sorted(rows, key=lambda d: (str(city_of(d).get("marked_at") or ""), str(d["number"])))


def _approve(store: Store, user: User, doc: Doc, now: datetime, how: str) -> Doc:
    values = _with_step(doc, "approved", user.username, _stamp(now), how, approved_at=_stamp(now))
    values.update(list_state=S.CITY.value)
    return _update(store, user, str(doc["number"]), "审定同意报市级协调", values)


def decide_city(store: Store, user: User, number: str, approve: bool, note: str, now: datetime) -> Doc:
    """A leader approves the escalation, or sends the issue back to the district list with a note."""
    require_leader(user, "审定报市级协调")
    with store.batch():
        doc = _get(store, number)
        _require_state(doc, (S.CITY_PENDING,), "审定报市级协调")
        if approve:
            return _approve(store, user, doc, now, _note(note, "审定意见"))
        text = _note(note, "退回意见", required=True)
        values = _with_step(doc, "returned", user.username, _stamp(now), text)
        values.update(list_state=S.ACCEPTED.value, list_note=f"区领导未同意报市级协调：{text}")
        return _update(store, user, number, "不同意报市级协调，回到问题清单", values)


def approve_with_plan(store: Store, user: User, meeting: str, now: datetime) -> list[str]:
    """Approving a plan approves the escalations the bureau put forward for the same meeting."""
    approved = []
    for doc in pending_city(store):
        if doc.get("meeting") == meeting:
            _approve(store, user, doc, now, f"随例会 {meeting} 建议方案一并审定")
            approved.append(str(doc["number"]))
    return approved


# -- after approval: sent, answered -----------------------------------------------------------


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise NotAllowed(f"请填写{what}，格式如 2026-12-03。") from None


def record_sent(store: Store, user: User, number: str, day_text: str, today: date, now: datetime) -> Doc:
    """The day the request went to the city."""
    require_bureau(user, "登记报送市里")
    with store.batch():
        doc = _get(store, number)
        _require_state(doc, (S.CITY,), "登记报送市里")
        city = city_of(doc)
        if city.get("sent_on"):
            raise NotAllowed(f"议题 {number} 已登记于{zh_date(date.fromisoformat(str(city['sent_on'])))}报送市里。")
        day = _day(day_text, "报送日期")
        approved = str(city.get("approved_at") or "")[:10]
        if day > today or (approved and day.isoformat() < approved):
            raise NotAllowed("报送日期须在区领导审定之后、不晚于今天。")
        values = _with_step(doc, "sent", user.username, _stamp(now), f"于{zh_date(day)}报送", sent_on=day.isoformat())
        return _update(store, user, number, "协调请求已报送市里", values)


def record_reply(
    store: Store, user: User, number: str, day_text: str, reply: str, outcome: str, today: date, now: datetime
) -> Doc:
    """The city's answer: the issue closes, or goes back on the district list for the open call."""
    require_bureau(user, "登记市里答复")
    with store.batch():
        doc = _get(store, number)
        _require_state(doc, (S.CITY,), "登记市里答复")
        city = city_of(doc)
        if not city.get("sent_on"):
            raise NotAllowed(f"议题 {number} 尚未登记报送市里的日期：请先登记报送，再登记答复。")
        day = _day(day_text, "答复日期")
        if day > today or day.isoformat() < str(city["sent_on"]):
            raise NotAllowed("答复日期须在报送之后、不晚于今天。")
        text = clean_text(reply, multiline=True)
        if not text or len(text) > REPLY_MAX:
            raise NotAllowed(f"请填写市里答复的内容（最多{REPLY_MAX}字）。")
        if outcome not in OUTCOMES:
            raise NotAllowed("请选择答复结果：问题已解决，或需区级继续协调。")
        values = _with_step(
            doc, "replied", user.username, _stamp(now), text, reply_on=day.isoformat(), reply=text, outcome=outcome
        )
        if outcome == "solved":
            values.update(
                list_state=S.CITY_SOLVED.value, list_note=f"市里已答复（{zh_date(day)}）：{OUTCOMES[outcome]}。"
            )
        else:
            values.update(
                list_state=S.ACCEPTED.value,
                meeting=meeting_taking_issues(store),
                list_note=f"市里答复（{zh_date(day)}）需区级继续协调，回到问题清单。",
            )
        return _update(store, user, number, f"登记市里答复：{OUTCOMES[outcome]}", values)


def next_city_step(doc: Doc) -> str:
    """What the bureau does next on an escalated issue: "approve" (a leader), "send", "reply", or ""."""
    state = state_of(doc)
    if state is S.CITY_PENDING:
        return "approve"
    if state is S.CITY:
        return "reply" if city_of(doc).get("sent_on") else "send"
    return ""


# -- the request to the city (.docx) ----------------------------------------------------------


def city_request_docx(issue: Doc, project: Doc | None, today: date) -> bytes:
    """区政府提请市级协调的函: the project, the problem, the coordination so far, what the city is asked."""
    data = data_of(issue)
    pdata = data_of(project) if project else {}
    name = str(pdata.get("name") or data.get("project") or "")
    city = city_of(issue)
    doc = paper._document()
    paper._title(doc, f"关于提请协调{paper._clean(name)}{paper._clean(data.get('kind'))}问题的函")
    if not city.get("approved_at"):  # before a leader's approval it can only be read as a draft
        paper._para(
            doc, "（代拟稿，待区领导审定同意报市级协调后印发）", align=WD_ALIGN_PARAGRAPH.CENTER, font="楷体_GB2312"
        )
    paper._para(doc)
    paper._para(doc, "市重大项目协调例会办公室：", indent=False)
    paper._para(
        doc,
        f"{paper._clean(name)}（项目编号{paper._clean(data.get('project'))}）推进中遇到的"
        f"{paper._clean(data.get('kind'))}问题，经区级协调仍未解决，已经{government_name()}审定，现提请市级层面协调。",
    )
    sections = (
        ("一、项目基本情况", str(pdata.get("overview") or "")),
        ("二、存在问题", str(data.get("problem") or "")),
        ("三、区级已开展的协调", f"{data.get('coordinated') or ''}（协调单位：{data.get('coordinated_by') or '—'}）"),
        ("四、提请市级协调的事项", str(data.get("ask") or "")),
        ("五、报请市级协调的理由", str(city.get("reason") or data.get("city_reason") or "")),
    )
    for heading, body in sections:
        paper._para(doc, heading, font=paper.HEADING_FONT)
        for line in paper._clean(body).split("\n"):
            if line.strip():
                paper._para(doc, line.strip())
    contact = data.get("contact") if isinstance(data.get("contact"), dict) else {}
    person = f"{contact.get('name') or ''} {contact.get('phone') or ''}".strip()  # type: ignore[union-attr]
    paper._para(doc, f"联系人：{paper._clean(issue.get('unit'))} {paper._clean(person)}（议题编号{issue['number']}）")
    approved = str(city.get("approved_at") or "")[:10]
    paper._signature(doc, government_name(), date.fromisoformat(approved) if approved else today)
    return paper._bytes(doc)
