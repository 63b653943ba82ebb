"""The plan's draft: what the bureau has ticked so far, kept on the meeting until the plan is sent.

The plan page starts from the newest of: the saved draft, the plan a leader sent back, or
the suggestion made from the issue list.
"""

from __future__ import annotations

from datetime import datetime

from xietiao.accounts import User
from xietiao.cycle.meetings import InvalidInput, get_meeting, require_status
from xietiao.cycle.plan import Plan, check_plan, normalised, suggest
from xietiao.cycle.workdays import WorkCalendar
from xietiao.jsonvalue import Doc
from xietiao.model import MeetingStatus
from xietiao.permissions import require_bureau
from xietiao.store.engine import Store

DRAFT, RETURNED, SUGGESTED = "draft", "returned", "suggested"
SOURCE_TEXT = {
    DRAFT: "以下为保存的草稿",
    RETURNED: "以下为区领导退回的方案，请按意见修改",
    SUGGESTED: "以下已按问题清单预选",
}


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _plan_in(doc: Doc) -> Plan:
    return Plan(
        _strings(doc.get("projects")),
        _strings(doc.get("issues")),
        _strings(doc.get("attendance")),
        str(doc.get("start") or ""),
        str(doc.get("contact") or ""),
        str(doc.get("materials_due") or ""),
    )


def _stamp(meeting: Doc, step: str) -> str:
    steps = meeting.get("steps")
    value = steps.get(step) if isinstance(steps, dict) else None
    return value if isinstance(value, str) else ""


def starting_plan(store: Store, meeting: Doc) -> tuple[Plan, str]:
    """What the plan page shows ticked, and where it comes from (DRAFT, RETURNED or SUGGESTED)."""
    draft = meeting.get("plan_draft")
    saved = str(draft.get("saved") or "") if isinstance(draft, dict) else ""
    returned = _stamp(meeting, "plan_returned")
    if isinstance(draft, dict) and saved > returned:
        return _plan_in(draft), DRAFT
    if returned and (meeting.get("issues") or meeting.get("projects")):
        return _plan_in(meeting), RETURNED
    return suggest(store, str(meeting["number"])), SUGGESTED


def save_plan_draft(
    store: Store, user: User, number: str, plan: Plan, now: datetime, cal: WorkCalendar | None = None
) -> Doc:
    """Keep the ticks without sending: checked like a plan, except that it may still be incomplete."""
    require_bureau(user, "保存建议方案草稿")
    with store.batch():
        require_status(get_meeting(store, number), (MeetingStatus.CALL_OPEN,), "保存建议方案草稿")
        errors = check_plan(store, number, plan, cal, complete=False)
        if errors:
            raise InvalidInput(errors)
        kept = normalised(store, plan)
        draft: Doc = {
            "projects": list(kept.projects),
            "issues": list(kept.issues),
            "attendance": list(kept.attendance),
            "start": kept.start,
            "contact": kept.contact,
            "materials_due": kept.materials_due,
            "saved": now.isoformat(timespec="seconds"),
            "by": user.username,
        }
        return store.update(
            "meeting", number, lambda d: d.update(plan_draft=draft), actor=user.username, action="保存建议方案草稿"
        )
