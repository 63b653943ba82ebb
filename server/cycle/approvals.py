"""The leaders' page: plans and minutes awaiting approval, approved or sent back with a note."""

from __future__ import annotations

from datetime import date, datetime

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import render, require_user, state
from server.cycle.common import posted, project_names, publish_after_approval, refusal_status, zh
from xietiao.accounts import User
from xietiao.cycle.escalation import city_of, pending_city
from xietiao.cycle.issuelist import data_of
from xietiao.cycle.meetings import (
    all_meetings,
    approve_minutes,
    approve_plan,
    get_meeting,
    plan_issue_docs,
    projects_named,
    send_back,
    status_of,
)
from xietiao.forms.submissions import NotAllowed, NotFound
from xietiao.jsonvalue import Doc
from xietiao.model import MeetingStatus, Role
from xietiao.publication import withheld_projects
from xietiao.store.engine import Store

AWAITING = (MeetingStatus.PLAN_PROPOSED, MeetingStatus.MINUTES_DRAFTED)


def _context(store: Store) -> dict[str, object]:
    waiting = [m for m in all_meetings(store) if status_of(m) in AWAITING]
    issues = {str(m["number"]): plan_issue_docs(store, m) for m in waiting}
    city = pending_city(store)
    numbers = [n for m in waiting for n in projects_named(m)]
    numbers += [str(data_of(d).get("project") or "") for found in [*issues.values(), city] for d in found]
    plans = {str(m["number"]) for m in waiting if status_of(m) is MeetingStatus.PLAN_PROPOSED}
    return {
        "waiting": waiting,
        "issues": issues,
        # An escalation put forward for a meeting whose plan awaits approval is decided with it.
        "city_with_plan": {n: [d for d in city if d.get("meeting") == n] for n in plans},
        "city_alone": [d for d in city if d.get("meeting") not in plans],
        "city_of": city_of,
        "names": project_names(store, numbers),
        "data_of": data_of,
        "withheld": withheld_projects(store),
        "S": MeetingStatus,
        "zh": zh,
    }


async def approvals_page(request: Request, error: str = "", status: int = 200) -> Response:
    require_user(request, Role.LEADER)
    ctx = await run_in_threadpool(_context, state(request).store)
    return render(request, "approvals.html", {**ctx, "error": error}, status=status)  # type: ignore[return-value]


def _decide(store: Store, user: User, number: str, verb: str, seen: str, note: str, today: date, now: datetime) -> Doc:
    doc = get_meeting(store, number)
    # The leader decides on what the page showed; if the meeting moved on meanwhile, say so.
    if doc.get("status") != seen:
        raise NotAllowed(f"例会 {number} 的状态已变为“{status_of(doc).label}”，请刷新页面后再审定。")
    if verb == "return":
        return send_back(store, user, number, note, now)
    if status_of(doc) is MeetingStatus.PLAN_PROPOSED:
        return approve_plan(store, user, number, now)
    return approve_minutes(store, user, number, today, now)


async def decide(request: Request) -> Response:
    user = require_user(request, Role.LEADER)
    verb = request.path_params["verb"]
    if verb not in ("approve", "return"):
        raise HTTPException(404)
    form = await posted(request)
    st = state(request)
    number = request.path_params["number"]
    try:
        doc = await run_in_threadpool(
            _decide,
            st.store,
            user,
            number,
            verb,
            str(form.get("stage") or ""),
            str(form.get("note") or ""),
            st.today(),
            st.now(),
        )
    except NotFound:
        raise HTTPException(404) from None
    except NotAllowed as exc:
        return await approvals_page(request, str(exc), refusal_status(exc))
    done = verb
    if doc.get("status") == MeetingStatus.MINUTES_APPROVED.value:
        publish_after_approval(request, number, str(doc["title"]))
        done = "minutes"
    elif doc.get("status") == MeetingStatus.PLAN_APPROVED.value:
        done = "plan"
    return RedirectResponse("/app/approvals?done=" + done, status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route("/app/approvals", approvals_page),
        Route("/app/approvals/{number}/{verb}", decide, methods=["POST"]),
    ]
