"""A coordination meeting's lifecycle, from the topic call to published minutes, one checked step at a time.

planned -> call_open -> plan_proposed -> plan_approved (leader) -> held -> minutes_drafted
-> minutes_approved (leader) -> published. A leader may send a plan or a draft back (to
call_open or held). Each step is journalled by the store and stamped in meeting["steps"];
a refusal (wrong order or wrong role) is a NotAllowed whose message says what to do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta

from xietiao.accounts import User
from xietiao.cycle import issuelist, minutes
from xietiao.cycle.plan import Plan, check_plan, normalised
from xietiao.cycle.workdays import WorkCalendar
from xietiao.forms.submissions import NotAllowed, NotFound
from xietiao.jsonvalue import Doc
from xietiao.ledger.snapshots import MEETING as MEETING_SNAPSHOT
from xietiao.ledger.snapshots import take_snapshot
from xietiao.model import MeetingStatus
from xietiao.permissions import require_bureau, require_leader
from xietiao.profile import current
from xietiao.store.engine import Store

M = MeetingStatus
HELD_OR_LATER = (M.HELD, M.MINUTES_DRAFTED, M.MINUTES_APPROVED, M.PUBLISHED)
STEP_OF = {
    M.CALL_OPEN: "call_opened",
    M.PLAN_PROPOSED: "plan_proposed",
    M.PLAN_APPROVED: "plan_approved",
    M.HELD: "held",
    M.MINUTES_DRAFTED: "minutes_drafted",
    M.MINUTES_APPROVED: "minutes_approved",
    M.PUBLISHED: "published",
}
NOTE_MAX = 500


class InvalidInput(Exception):
    """The step is allowed but what was filled in is not; errors per field, in Chinese."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__("；".join(m for ms in errors.values() for m in ms))
        self.errors = dict(errors)


# -- naming and reading ------------------------------------------------------------


def ordinal(number: str) -> int:
    return int(number.split("-")[1])


def title_for(number: str, day: date) -> str:
    return f"{day.year}年第{ordinal(number)}次重大项目协调例会"


def doc_number_for(number: str) -> str:  # 纪要文号, numbered as the district's profile says
    return current().minutes_number(number.split("-")[0], ordinal(number))


def status_of(doc: Doc) -> MeetingStatus:
    return MeetingStatus(str(doc["status"]))


def get_meeting(store: Store, number: str) -> Doc:
    doc = store.get("meeting", number)
    if doc is None:
        raise NotFound(number)
    return doc


def _by_date(doc: Doc) -> tuple[str, int, str]:
    number = str(doc["number"])
    return str(doc.get("date")), int(number[:4]) * 1000 + ordinal(number), number


def all_meetings(store: Store) -> list[Doc]:
    """Newest first."""
    return sorted(store.all("meeting"), key=_by_date, reverse=True)


def _strings(value: object) -> list[str]:
    return [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []


def projects_named(meeting: Doc) -> list[str]:
    """Every project the meeting's plan, discussions or agreed items refer to."""
    named = _strings(meeting.get("projects"))
    for key in ("discussions", "agreed"):
        rows = meeting.get(key)
        named += (
            [str(r["project"]) for r in rows if isinstance(r, dict) and r.get("project")]
            if isinstance(rows, list)
            else []
        )
    return list(dict.fromkeys(named))


def plan_issue_docs(store: Store, meeting: Doc) -> list[Doc]:
    return [d for d in (store.get("issue", n) for n in _strings(meeting.get("issues"))) if d is not None]


def previous_meeting(store: Store, meeting: Doc) -> Doc | None:
    """The latest meeting before this one that has been held: the call deadlines count from it."""
    before = [d for d in store.all("meeting") if _by_date(d) < _by_date(meeting) and status_of(d) in HELD_OR_LATER]
    return max(before, key=_by_date) if before else None


def following_meeting(store: Store, meeting: Doc) -> Doc | None:
    """The earliest meeting after this one that is not yet held."""
    after = [
        d for d in store.all("meeting") if _by_date(d) > _by_date(meeting) and status_of(d) in issuelist.NOT_YET_HELD
    ]
    return min(after, key=_by_date) if after else None


def next_meeting_day(held: date, cal: WorkCalendar, weekday: int) -> date:
    """The usual weekday (Monday 0) of the week after `held`; on a day off, that week's last working day before it."""
    target = held + timedelta(days=7 - held.weekday() + weekday)
    for back in range(target.weekday() + 1):
        if cal.is_workday(target - timedelta(days=back)):
            return target - timedelta(days=back)
    return cal.add_workdays(target, 1)


# -- creating and stepping ---------------------------------------------------------------


def create_meeting(
    store: Store,
    day: date,
    *,
    actor: str,
    now: datetime,
    status: MeetingStatus = M.PLANNED,
    place: str = "",
    convener: str = "",
) -> Doc:
    stamp = now.isoformat(timespec="seconds")
    with store.batch():
        number = f"{day.year}-{store.next_number(f'meeting-{day.year}'):02d}"
        steps = {STEP_OF[status]: stamp} if status in STEP_OF else {}
        doc: Doc = {
            "number": number,
            "date": day.isoformat(),
            "title": title_for(number, day),
            "status": status.value,
            "place": place,
            "convener": convener,
            "attendance": [],
            "projects": [],
            "issues": [],
            "discussions": [],
            "agreed": [],
            "minutes": "",
            "approved": "",
            "doc_number": doc_number_for(number),
            "steps": steps,  # type: ignore[dict-item]
            "review_note": "",
            "created": stamp,
        }
        return store.insert("meeting", doc, actor=actor, action=f"新建例会（{STATUS_ACTION.get(status, '计划')}）")


STATUS_ACTION = {M.PLANNED: "计划", M.CALL_OPEN: "发布议题征集通知"}


def require_status(doc: Doc, expected: tuple[MeetingStatus, ...], action: str) -> None:
    current = status_of(doc)
    if current not in expected:
        may = "、".join(f"“{s.label}”" for s in expected)
        raise NotAllowed(f"例会 {doc['number']} 当前为“{current.label}”，不能{action}：这一步只能在{may}时进行。")


def _step(
    store: Store,
    actor: str,
    number: str,
    expected: tuple[MeetingStatus, ...],
    to: MeetingStatus,
    action: str,
    now: datetime,
    change: Callable[[Doc], None] | None = None,
) -> Doc:
    require_status(get_meeting(store, number), expected, action)

    def apply(d: Doc) -> None:
        d["status"] = to.value
        steps = d.setdefault("steps", {})
        assert isinstance(steps, dict)
        if to in STEP_OF:
            steps.setdefault(STEP_OF[to], now.isoformat(timespec="seconds"))  # the first time counts
        if change is not None:
            change(d)

    return store.update("meeting", number, apply, actor=actor, action=action)


def open_call(store: Store, user: User, number: str, now: datetime) -> Doc:
    require_bureau(user, "发布议题征集通知")
    with store.batch():
        doc = _step(store, user.username, number, (M.PLANNED,), M.CALL_OPEN, "发布议题征集通知", now)
        issuelist.adopt_unassigned(store, number, user.username)
        return doc


def propose_plan(store: Store, user: User, number: str, plan: Plan, now: datetime) -> Doc:
    require_bureau(user, "报送建议方案")
    with store.batch():
        require_status(get_meeting(store, number), (M.CALL_OPEN,), "报送建议方案")
        errors = check_plan(store, number, plan)
        if errors:
            raise InvalidInput(errors)
        plan = normalised(store, plan)

        def take(d: Doc) -> None:
            d.update(
                projects=list(plan.projects),
                issues=list(plan.issues),
                attendance=list(plan.attendance),
                start=plan.start,
                contact=plan.contact,
                review_note="",
            )

        doc = _step(store, user.username, number, (M.CALL_OPEN,), M.PLAN_PROPOSED, "报送建议方案", now, take)
        issuelist.schedule(store, plan.issues, number, user.username)
        return doc


def approve_plan(store: Store, user: User, number: str, now: datetime) -> Doc:
    require_leader(user, "审定建议方案")
    return _step(
        store,
        user.username,
        number,
        (M.PLAN_PROPOSED,),
        M.PLAN_APPROVED,
        "审定建议方案",
        now,
        lambda d: d.update(review_note=""),
    )


def send_back(store: Store, user: User, number: str, note: str, now: datetime) -> Doc:
    """A leader returns a plan (back to the call) or a minutes draft (back to held) with a note."""
    require_leader(user, "退回方案或纪要")
    note = note.strip()
    if not note or len(note) > NOTE_MAX:
        raise NotAllowed(f"退回意见必须填写，最多 {NOTE_MAX} 字。")
    stamp = now.isoformat(timespec="seconds")
    with store.batch():
        current = status_of(get_meeting(store, number))
        if current is M.MINUTES_DRAFTED:
            return _step(
                store,
                user.username,
                number,
                (M.MINUTES_DRAFTED,),
                M.HELD,
                "退回纪要代拟稿",
                now,
                lambda d: _returned(d, note, "minutes_returned", stamp),
            )
        doc = _step(
            store,
            user.username,
            number,
            (M.PLAN_PROPOSED,),
            M.CALL_OPEN,
            "退回建议方案",
            now,
            lambda d: _returned(d, note, "plan_returned", stamp),
        )
        issuelist.release(store, number, user.username)
        return doc


def _returned(doc: Doc, note: str, step: str, stamp: str) -> None:
    doc["review_note"] = note
    steps = doc.setdefault("steps", {})
    assert isinstance(steps, dict)
    steps[step] = stamp


def mark_held(
    store: Store, user: User, number: str, held_on: date, today: date, now: datetime, cal: WorkCalendar
) -> tuple[Doc, Doc]:
    """The meeting took place on `held_on`; the call for the next one opens at once."""
    require_bureau(user, "登记例会召开")
    require_status(get_meeting(store, number), (M.PLAN_APPROVED,), "登记例会已召开")
    if held_on > today:
        raise InvalidInput({"date": ["“实际召开日期”不能晚于今天。"]})
    with store.batch():
        doc = _step(
            store,
            user.username,
            number,
            (M.PLAN_APPROVED,),
            M.HELD,
            "登记例会已召开",
            now,
            lambda d: d.update(date=held_on.isoformat(), title=title_for(number, held_on)),
        )
        nxt = following_meeting(store, doc)
        if nxt is None:
            nxt = create_meeting(
                store,
                next_meeting_day(held_on, cal, current().meeting.weekday_index),
                actor=user.username,
                now=now,
                status=M.CALL_OPEN,
                place=str(doc.get("place") or ""),
                convener=str(doc.get("convener") or ""),
            )
        elif status_of(nxt) is M.PLANNED:
            nxt = open_call(store, user, str(nxt["number"]), now)
        issuelist.roll_over(store, number, str(nxt["number"]), user.username)
        issuelist.adopt_unassigned(store, str(nxt["number"]), user.username)
        return doc, nxt


def minutes_revision(doc: Doc) -> int:
    """How many times the minutes draft was saved: the page carries it to detect a second editor."""
    value = doc.get("revision")
    return value if isinstance(value, int) else 0


def save_minutes(
    store: Store,
    user: User,
    number: str,
    data: Mapping[str, object],
    now: datetime,
    *,
    submit: bool,
    seen_revision: int | None = None,
) -> Doc:
    """Save the draft (stays 已召开) or send it for approval (纪要待审定); nothing is saved on an error.

    With `seen_revision` (the draft's revision when the page was opened), a draft that someone
    else saved in between is not overwritten.
    """
    require_bureau(user, "起草会议纪要")
    with store.batch():
        doc = get_meeting(store, number)
        require_status(doc, (M.HELD,), "修改纪要代拟稿")
        if seen_revision is not None and minutes_revision(doc) != seen_revision:
            raise NotAllowed(
                "纪要代拟稿在您打开之后已被他人保存过。为免覆盖，本次未保存："
                "请复制您改动的内容，刷新页面查看最新稿后再修改。"
            )
        checked = minutes.check_minutes(store, doc, data, complete=submit)
        if checked.errors:
            raise InvalidInput(checked.errors)
        values = checked.values

        def fill(d: Doc) -> None:
            minutes.apply_draft(store, d, values)
            d["doc_number"] = doc_number_for(number)
            d["revision"] = minutes_revision(d) + 1

        if not submit:
            return store.update("meeting", number, fill, actor=user.username, action="保存纪要代拟稿")
        return _step(store, user.username, number, (M.HELD,), M.MINUTES_DRAFTED, "报送纪要代拟稿", now, fill)


def approve_minutes(store: Store, user: User, number: str, today: date, now: datetime) -> Doc:
    """Approval registers the agreed items, closes the discussed issues and records the colours."""
    require_leader(user, "审定会议纪要")
    stamp = now.isoformat(timespec="seconds")
    with store.batch():
        doc = _step(
            store,
            user.username,
            number,
            (M.MINUTES_DRAFTED,),
            M.MINUTES_APPROVED,
            "审定会议纪要",
            now,
            lambda d: d.update(approved=today.isoformat(), review_note="", doc_number=doc_number_for(number)),
        )
        minutes.register_agreed(store, doc, user.username, stamp)
        issuelist.mark_discussed(store, minutes.discussed_issues(doc), number, user.username)
        nxt = following_meeting(store, doc)
        issuelist.roll_over(store, number, str(nxt["number"]) if nxt else "", user.username, scheduled=True)
        take_snapshot(store, today, MEETING_SNAPSHOT, number)
        return doc


def mark_published(store: Store, number: str, now: datetime, actor: str = "system") -> Doc | None:
    """After a successful site build: approved minutes become published; anything else is left alone."""
    with store.batch():
        doc = store.get("meeting", number)
        if doc is None or status_of(doc) is not M.MINUTES_APPROVED:
            return doc
        return _step(store, actor, number, (M.MINUTES_APPROVED,), M.PUBLISHED, "内网站点已发布", now)
