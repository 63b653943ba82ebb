"""Bureau and leader pages of the meeting cycle: the meetings, one meeting's steps, the site rebuild."""

from __future__ import annotations

from datetime import date, timedelta

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import render, require_user, state
from server.cycle import approvals as cycle_approvals
from server.cycle import docs as cycle_docs
from server.cycle import issues as cycle_issues
from server.cycle import minutes as cycle_minutes
from server.cycle import plan as cycle_plan
from server.cycle.common import (
    calendar,
    calendar_warning,
    meeting_or_404,
    posted,
    project_names,
    publish_after_approval,
    refusal_status,
    view_of,
    zh,
)
from xietiao.cycle.deadlines import meeting_day
from xietiao.cycle.issuelist import NOT_YET_HELD, on_list
from xietiao.cycle.meetings import (
    HELD_OR_LATER,
    STEP_OF,
    InvalidInput,
    all_meetings,
    create_meeting,
    mark_held,
    open_call,
    plan_issue_docs,
    projects_named,
    status_of,
)
from xietiao.forms.submissions import NotAllowed
from xietiao.jsonvalue import Doc
from xietiao.model import MeetingStatus, Role
from xietiao.profile import current
from xietiao.store.engine import Store

BUREAU = (Role.BUREAU, Role.ADMIN)
STEP_LABELS = {
    MeetingStatus.CALL_OPEN: "发布议题征集通知",
    MeetingStatus.PLAN_PROPOSED: "报送建议方案",
    MeetingStatus.PLAN_APPROVED: "{leaders}审定方案",
    MeetingStatus.HELD: "召开例会",
    MeetingStatus.MINUTES_DRAFTED: "报送纪要代拟稿",
    MeetingStatus.MINUTES_APPROVED: "{leaders}审定纪要",
    MeetingStatus.PUBLISHED: "内网站点发布",
}


# -- the list -----------------------------------------------------------------------------


def _list_context(store: Store, today: date) -> dict[str, object]:
    cal, problem = calendar(store)
    meetings = all_meetings(store)  # newest first
    views = [
        view_of(store, doc, cal, today, previous=_held_before(meetings[i + 1 :])) for i, doc in enumerate(meetings)
    ]
    days = [d for v in views for d in v.days]
    waiting = any(v.status in NOT_YET_HELD for v in views)
    usual = current().meeting.weekday_index
    next_day = today + timedelta(days=(usual - today.weekday()) % 7 or 7)  # the next usual weekday after today
    return {
        "views": views,
        "warning": calendar_warning(cal, problem, days),
        "can_create": not waiting,
        "next_day": next_day.isoformat(),
    }


def _held_before(older: list[Doc]) -> Doc | None:
    return next((d for d in older if status_of(d) in HELD_OR_LATER), None)


async def meetings_page(request: Request) -> Response:
    require_user(request, *BUREAU)
    st = state(request)
    ctx = await run_in_threadpool(_list_context, st.store, st.today())
    return render(request, "cycle_list.html", {**ctx, "zh": zh, "error": ""})  # type: ignore[return-value]


async def new_meeting(request: Request) -> Response:
    """The bureau schedules a meeting by hand when none is waiting (normally holding one schedules the next)."""
    user = require_user(request, *BUREAU)
    form = await posted(request)
    st = state(request)
    ctx = await run_in_threadpool(_list_context, st.store, st.today())
    day = _date_or_none(str(form.get("date") or ""))
    if day is None or not ctx["can_create"]:
        error = (
            "“会议日期”不是有效日期，请按 2026-12-04 的格式选择。"
            if day is None
            else "已有尚未召开的例会，请在该例会召开后再安排下一次。"
        )
        return render(request, "cycle_list.html", {**ctx, "zh": zh, "error": error}, status=400 if day is None else 409)  # type: ignore[return-value]
    usual = current()
    doc = await run_in_threadpool(
        lambda: create_meeting(
            st.store,
            day,
            actor=user.username,
            now=st.now(),
            place=usual.meeting.place,
            convener=usual.government.leaders[0],
        )
    )
    return RedirectResponse(f"/app/cycle/{doc['number']}", status_code=303)


# -- one meeting ---------------------------------------------------------------------------


def _meeting_context(store: Store, doc: Doc, today: date) -> dict[str, object]:
    cal, problem = calendar(store)
    view = view_of(store, doc, cal, today)
    number = str(doc["number"])
    steps = doc.get("steps") if isinstance(doc.get("steps"), dict) else {}
    leaders = current().leaders_label
    timeline = [(label.format(leaders=leaders), steps.get(STEP_OF[s], "")) for s, label in STEP_LABELS.items()]  # type: ignore[union-attr]
    return {
        "m": doc,
        "view": view,
        "timeline": timeline,
        "S": MeetingStatus,
        "warning": calendar_warning(cal, problem, view.days),
        "names": project_names(store, projects_named(doc)),
        "plan_issues": plan_issue_docs(store, doc),
        "waiting": on_list(store, meeting=number) if view.status is MeetingStatus.CALL_OPEN else [],
        "items": sorted(store.all("item", lambda d: d.get("meeting") == number), key=lambda d: str(d["number"])),
        "held_default": min(meeting_day(doc), today).isoformat(),
    }


async def meeting_page(request: Request, error: str = "", status: int = 200) -> Response:
    require_user(request, *BUREAU, Role.LEADER)
    doc = await meeting_or_404(request)
    st = state(request)
    ctx = await run_in_threadpool(_meeting_context, st.store, doc, st.today())
    return render(
        request, "cycle_meeting.html", {**ctx, "zh": zh, "error": error, "publish": st.publisher.status}, status=status
    )  # type: ignore[return-value]


async def meeting_step(request: Request) -> Response:
    """The bureau's one-button steps: open the call, record that the meeting was held, publish again."""
    user = require_user(request, *BUREAU)
    doc = await meeting_or_404(request)
    form = await posted(request)
    st = state(request)
    number, step = str(doc["number"]), request.path_params["step"]
    try:
        if step == "open-call":
            await run_in_threadpool(open_call, st.store, user, number, st.now())
        elif step == "held":
            held_on = _date_or_none(str(form.get("date") or ""))
            if held_on is None:
                raise InvalidInput({"date": ["“实际召开日期”不是有效日期。"]})
            await run_in_threadpool(
                mark_held, st.store, user, number, held_on, st.today(), st.now(), calendar(st.store)[0]
            )
        elif step == "publish":
            if doc.get("status") not in (MeetingStatus.MINUTES_APPROVED.value, MeetingStatus.PUBLISHED.value):
                raise NotAllowed("纪要审定后才能发布到内网站点。")
            publish_after_approval(request, number, str(doc["title"]))
        else:
            raise HTTPException(404)
    except InvalidInput as exc:
        return await meeting_page(request, str(exc), 400)
    except NotAllowed as exc:
        return await meeting_page(request, str(exc), refusal_status(exc))
    return RedirectResponse(f"/app/cycle/{number}", status_code=303)


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def routes() -> list[BaseRoute]:
    return [
        Route("/app/cycle", meetings_page),
        Route("/app/cycle/new", new_meeting, methods=["POST"]),
        *cycle_docs.routes(),
        *cycle_plan.routes(),
        *cycle_minutes.routes(),
        Route("/app/cycle/{number}", meeting_page),
        Route("/app/cycle/{number}/{step}", meeting_step, methods=["POST"]),
        *cycle_issues.routes(),
        *cycle_approvals.routes(),
    ]
