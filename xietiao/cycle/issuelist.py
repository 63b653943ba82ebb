"""The pending-coordination issue list (待协调重大项目问题清单): entry, the bureau's review, ordering.

A unit's submitted issue form enters the list as "proposed" for the meeting whose call is
open. The bureau accepts it, returns it with a reason (the unit sees it on its dashboard and
may resubmit), merges it into another issue, carries it over to a later meeting, or, once
accepted after district review, sends it up for city-level coordination. The plan takes
accepted and carried issues; the minutes mark the ones discussed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from xietiao.accounts import User
from xietiao.forms.fieldtypes import clean_text
from xietiao.forms.rules import FormRule
from xietiao.forms.submissions import NotAllowed, NotFound, accept_record, return_record
from xietiao.jsonvalue import Doc
from xietiao.model import IssueState, MeetingStatus, SubmissionStatus
from xietiao.permissions import require_bureau
from xietiao.store.engine import Store
from xietiao.units import government_name

URGENCY_ORDER = ("特急", "紧急", "一般")
OPEN_STATES = (IssueState.PROPOSED, IssueState.ACCEPTED, IssueState.CARRIED, IssueState.SCHEDULED)
PLANNABLE = (IssueState.ACCEPTED, IssueState.CARRIED)
NOT_YET_HELD = (
    MeetingStatus.PLANNED,
    MeetingStatus.CALL_OPEN,
    MeetingStatus.PLAN_PROPOSED,
    MeetingStatus.PLAN_APPROVED,
)
NOTE_MAX = 500

S = IssueState


# -- reading ----------------------------------------------------------------


def data_of(doc: Doc) -> Doc:
    data = doc.get("data")
    return data if isinstance(data, dict) else {}


def state_of(doc: Doc) -> IssueState | None:
    value = doc.get("list_state")
    return IssueState(value) if isinstance(value, str) and value in IssueState._value2member_map_ else None


def urgency_key(doc: Doc) -> tuple[int, str, str]:
    """特急 before 紧急 before 一般 (unknown last), then the earlier submission first."""
    urgency = str(data_of(doc).get("urgency") or "")
    rank = URGENCY_ORDER.index(urgency) if urgency in URGENCY_ORDER else len(URGENCY_ORDER)
    return rank, str(doc.get("created") or ""), str(doc.get("number") or "")


def ordered(docs: Iterable[Doc]) -> list[Doc]:
    return sorted(docs, key=urgency_key)


def on_list(store: Store, states: Iterable[IssueState] | None = None, meeting: str | None = None) -> list[Doc]:
    """Issues that are on the list (submitted at least once), filtered, most urgent first."""
    wanted = {s.value for s in states} if states is not None else None

    def keep(doc: Doc) -> bool:
        state = doc.get("list_state")
        if not isinstance(state, str) or not state:
            return False
        return (wanted is None or state in wanted) and (meeting is None or doc.get("meeting") == meeting)

    return ordered(store.all("issue", keep))


def plannable(store: Store, meeting: str) -> list[Doc]:
    """Issues the plan of `meeting` may take: accepted or carried, for it or for no meeting yet."""
    return [d for d in on_list(store, PLANNABLE) if d.get("meeting") in (meeting, "", None)]


def meeting_taking_issues(store: Store) -> str:
    """The meeting whose call is open; else the next planned one; else none yet ("")."""
    for status in (MeetingStatus.CALL_OPEN, MeetingStatus.PLANNED):
        found = store.all("meeting", lambda d, s=status.value: d.get("status") == s)  # type: ignore[misc]
        if found:
            return str(min(found, key=lambda d: (str(d.get("date")), str(d["number"])))["number"])
    return ""


def _get(store: Store, number: str) -> Doc:
    doc = store.get("issue", number)
    if doc is None or state_of(doc) is None:
        raise NotFound(number)
    return doc


def _require_state(doc: Doc, allowed: tuple[IssueState, ...], verb: str) -> IssueState:
    state = state_of(doc)
    assert state is not None
    if state not in allowed:
        may = "、".join(f"“{s.label}”" for s in allowed)
        raise NotAllowed(f"议题 {doc['number']} 当前为“{state.label}”，不能{verb}；只有{may}的议题可以{verb}。")
    return state


def _note(text: str, what: str, *, required: bool = False) -> str:
    note = clean_text(text, multiline=True)
    if required and not note:
        raise NotAllowed(f"{what}必须填写。")
    if len(note) > NOTE_MAX:
        raise NotAllowed(f"{what}最多 {NOTE_MAX} 字，现有 {len(note)} 字。")
    return note


# -- the form rule -----------------------------------------------------------


def check_issue(store: Store, user: User, values: Doc) -> dict[str, list[str]]:
    project = str(values.get("project") or "")
    if store.get("project", project) is None:
        return {"project": [f"“所属项目”{project} 不存在：请先登记项目，或从列表中选择已登记的项目。"]}
    return {}


def after_issue_submit(store: Store, user: User, record: Doc) -> None:
    meeting = meeting_taking_issues(store)

    def enter(doc: Doc) -> None:
        doc.update(list_state=S.PROPOSED.value, meeting=meeting, merged_into="", list_note="")

    store.update("issue", str(record["number"]), enter, actor=user.username, action="列入问题清单（待审核）")


ISSUE_RULE = FormRule(check=check_issue, after_submit=after_issue_submit)


# -- the bureau's actions ------------------------------------------------------


def _file(store: Store, user: User, doc: Doc, note: str) -> None:
    """A submitted form the bureau has dealt with leaves its queue as 已受理."""
    if doc.get("status") == SubmissionStatus.SUBMITTED.value:
        accept_record(store, "issue", str(doc["number"]), user, note)


def _set(store: Store, user: User, number: str, action: str, **values: str) -> Doc:
    return store.update("issue", number, lambda d: d.update(values), actor=user.username, action=action)


def accept(store: Store, user: User, number: str, note: str = "") -> Doc:
    require_bureau(user, "审核议题")
    with store.batch():
        doc = _get(store, number)
        _require_state(doc, (S.PROPOSED, S.CARRIED), "纳入清单")
        note = _note(note, "审核意见")
        _file(store, user, doc, note)
        return _set(store, user, number, "纳入问题清单", list_state=S.ACCEPTED.value, list_note=note)


def return_issue(store: Store, user: User, number: str, reason: str) -> Doc:
    require_bureau(user, "退回议题")
    with store.batch():
        doc = _get(store, number)
        _require_state(doc, (S.PROPOSED,), "退回")
        reason = _note(reason, "退回理由", required=True)
        return_record(store, "issue", number, user, reason)
        return _set(store, user, number, "退回议题", list_state=S.RETURNED.value, list_note=reason)


def merge(store: Store, user: User, number: str, into: str, note: str = "") -> Doc:
    require_bureau(user, "合并议题")
    with store.batch():
        doc = _get(store, number)
        _require_state(doc, (S.PROPOSED, S.ACCEPTED, S.CARRIED), "合并")
        into = into.strip()
        if not into:
            raise NotAllowed("请先在“并入”下拉框中选择要并入的议题，再点“合并”。")
        if into == number:
            raise NotAllowed("不能把议题合并到它自己。")
        target = store.get("issue", into)
        if target is None or state_of(target) not in OPEN_STATES:
            raise NotAllowed(
                f"合并目标 {into or '（未填）'} 不是清单上仍在办理的议题；请选择另一个待审核、已纳入或顺延的议题。"
            )
        note = _note(note, "合并说明") or f"与 {into} 属同一问题，并入该议题研究。"
        _file(store, user, doc, note)
        return _set(
            store, user, number, f"并入议题 {into}", list_state=S.MERGED.value, merged_into=into, list_note=note
        )


def carry(store: Store, user: User, number: str, to_meeting: str = "", note: str = "") -> Doc:
    """Postpone to a later meeting that is not yet held; "" means whichever call opens next."""
    require_bureau(user, "顺延议题")
    with store.batch():
        doc = _get(store, number)
        _require_state(doc, (S.PROPOSED, S.ACCEPTED, S.CARRIED), "顺延")
        to_meeting = to_meeting.strip()
        if to_meeting:
            target = store.get("meeting", to_meeting)
            if target is None or MeetingStatus(str(target["status"])) not in NOT_YET_HELD:
                raise NotAllowed(f"例会 {to_meeting} 不存在或已召开；请选择尚未召开的例会，或留空顺延到下次征集。")
            if to_meeting == doc.get("meeting"):
                raise NotAllowed(f"议题 {number} 已经排在例会 {to_meeting}；顺延须选择更晚的例会。")
        note = _note(note, "顺延说明") or "本次不上会，顺延至以后的例会研究。"
        _file(store, user, doc, note)
        return _set(
            store,
            user,
            number,
            f"顺延至{to_meeting or '下次例会'}",
            list_state=S.CARRIED.value,
            meeting=to_meeting,
            list_note=note,
        )


def send_to_city(store: Store, user: User, number: str, note: str = "") -> Doc:
    """Only an issue the district has reviewed and accepted goes up to the city."""
    require_bureau(user, "报市级协调")
    with store.batch():
        doc = _get(store, number)
        _require_state(doc, (S.ACCEPTED,), "报市级协调")
        note = (
            _note(note, "报市级协调理由")
            or str(data_of(doc).get("city_reason") or "")
            or f"经{government_name()}审定，需报市级层面协调。"
        )
        return _set(store, user, number, "报市级协调", list_state=S.CITY.value, list_note=note)


# -- what the meeting cycle does to the list ---------------------------------------


def schedule(store: Store, numbers: Iterable[str], meeting: str, actor: str) -> None:
    for number in numbers:
        store.update(
            "issue",
            number,
            lambda d: d.update(list_state=S.SCHEDULED.value, meeting=meeting),
            actor=actor,
            action=f"列入例会 {meeting} 建议方案",
        )


def release(store: Store, meeting: str, actor: str) -> None:
    """Issues a withdrawn plan had taken go back to 已纳入清单, still for this meeting."""
    for doc in on_list(store, (S.SCHEDULED,), meeting):
        store.update(
            "issue",
            str(doc["number"]),
            lambda d: d.update(list_state=S.ACCEPTED.value),
            actor=actor,
            action="方案退回，议题回到清单",
        )


def adopt_unassigned(store: Store, meeting: str, actor: str) -> None:
    """Open issues that were waiting for a call join the meeting whose call just opened."""
    for doc in on_list(store, (S.PROPOSED, S.ACCEPTED, S.CARRIED)):
        if not doc.get("meeting"):
            store.update(
                "issue",
                str(doc["number"]),
                lambda d: d.update(meeting=meeting),
                actor=actor,
                action=f"归入例会 {meeting} 议题征集",
            )


def roll_over(store: Store, held: str, to_meeting: str, actor: str, *, scheduled: bool = False) -> None:
    """Issues of a held meeting that were not taken up move on to the next one."""
    states = (S.PROPOSED, S.ACCEPTED, S.CARRIED) + ((S.SCHEDULED,) if scheduled else ())
    for doc in on_list(store, states, held):
        state = state_of(doc)
        new = S.PROPOSED if state is S.PROPOSED else S.CARRIED
        store.update(
            "issue",
            str(doc["number"]),
            _moved_to(new, to_meeting),
            actor=actor,
            action=f"未上会，顺延至{to_meeting or '下次例会'}",
        )


def _moved_to(state: IssueState, meeting: str | None) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        doc.update(list_state=state.value, meeting=meeting)

    return change


def mark_discussed(store: Store, numbers: Iterable[str], meeting: str, actor: str) -> None:
    for number in numbers:
        store.update(
            "issue",
            number,
            lambda d: d.update(list_state=S.DISCUSSED.value, meeting=meeting),
            actor=actor,
            action=f"已在例会 {meeting} 研究",
        )
