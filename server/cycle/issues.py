"""The live issue list (待协调重大项目问题清单): most urgent first, with the bureau's actions on each issue."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import render, require_user, state
from server.cycle import city
from server.cycle.common import calendar, calendar_warning, posted, project_names, refusal_status, view_of
from xietiao.accounts import User
from xietiao.cycle import escalation, issuelist
from xietiao.cycle.issuelist import NOT_YET_HELD, OPEN_STATES, data_of, meeting_taking_issues, on_list
from xietiao.cycle.meetings import all_meetings, status_of
from xietiao.forms.submissions import NotAllowed, NotFound
from xietiao.model import IssueState, Role
from xietiao.profile import current
from xietiao.store.engine import Store

VERBS = ("accept", "return", "merge", "carry", "city", *city.BUREAU_VERBS)


# The default view: everything still being worked on, escalations to the city included.
IN_HAND = (*OPEN_STATES, IssueState.CITY_PENDING, IssueState.CITY)


def _states(choice: str) -> tuple[IssueState, ...] | None:
    if choice == "all":
        return None
    if choice in IssueState._value2member_map_:
        return (IssueState(choice),)
    return IN_HAND


def _context(store: Store, meeting: str, choice: str, today: date) -> dict[str, object]:
    rows = on_list(store, _states(choice), meeting or None)
    everything = on_list(store, None, meeting or None)
    counts = {s.value: sum(1 for d in everything if d.get("list_state") == s.value) for s in IssueState}
    meetings = all_meetings(store)
    upcoming = [m for m in meetings if status_of(m) in NOT_YET_HELD]
    taking = meeting_taking_issues(store)
    cal, problem = calendar(store)
    current = next((m for m in meetings if m["number"] == taking), None)
    view = view_of(store, current, cal, today) if current else None
    return {
        "rows": rows,
        "counts": counts,
        "total": len(everything),
        "meetings": meetings,
        "upcoming": upcoming,
        "meeting": meeting,
        "choice": choice if choice in ("all", *counts) else "open",
        "current": view,
        "warning": calendar_warning(cal, problem, view.days) if view else problem,
        "names": project_names(store, [str(data_of(d).get("project") or "") for d in rows]),
        "targets": list(on_list(store, OPEN_STATES)),
        "data_of": data_of,
        "IssueState": IssueState,
    }


async def _render(request: Request, meeting: str, choice: str, error: str = "", status: int = 200) -> Response:
    st = state(request)
    ctx = await run_in_threadpool(_context, st.store, meeting, choice, st.today())
    done = done_message(request.query_params) if not error else ""
    return render(
        request,
        "issues.html",
        {**ctx, "error": error, "done": done},  # type: ignore[return-value]
        status=status,
    )


async def issues_page(request: Request) -> Response:
    require_user(request, Role.BUREAU, Role.ADMIN)
    return await _render(request, request.query_params.get("meeting", ""), request.query_params.get("state", "open"))


def _act(store: Store, user: User, number: str, verb: str, form: dict[str, str], now: datetime) -> None:
    if verb == "accept":
        issuelist.accept(store, user, number, form.get("note", ""))
    elif verb == "return":
        issuelist.return_issue(store, user, number, form.get("reason", ""))
    elif verb == "merge":
        issuelist.merge(store, user, number, form.get("into", ""), form.get("note", ""))
    elif verb == "carry":
        issuelist.carry(store, user, number, form.get("to", ""), form.get("note", ""))
    else:
        escalation.mark_for_city(store, user, number, form.get("note", ""), now)


async def issue_action(request: Request) -> Response:
    user = require_user(request, Role.BUREAU, Role.ADMIN)
    verb = request.path_params["verb"]
    if verb not in VERBS:
        raise HTTPException(404)
    form = await posted(request)
    if verb in city.BUREAU_VERBS:  # steps taken on the issue's own page, which they return to
        return await city.bureau_step(request, user, form, request.path_params["number"], verb)
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    meeting, choice = fields.get("f_meeting", ""), fields.get("f_state", "")
    st = state(request)
    try:
        await run_in_threadpool(_act, st.store, user, request.path_params["number"], verb, fields, st.now())
    except NotFound:
        raise HTTPException(404) from None
    except NotAllowed as exc:  # the list as it was filtered, with the reason on top
        return await _render(request, meeting, choice or "open", str(exc), refusal_status(exc))
    # Say what was done: a merged or returned issue leaves the filtered list, which alone looks like a loss.
    target = fields.get("into", "") if verb == "merge" else fields.get("to", "") if verb == "carry" else ""
    query = urlencode(
        {
            k: v
            for k, v in (
                ("meeting", meeting),
                ("state", choice),
                ("done", verb),
                ("n", request.path_params["number"]),
                ("t", target),
            )
            if v
        }
    )
    return RedirectResponse(f"/app/issues?{query}", status_code=303)


DONE = {
    "accept": "已纳入清单",
    "return": "已退回申报单位",
    "merge": "已并入 {t}",
    "carry": "已顺延到例会 {t}",
    "city": "已提请{leaders}审定报市级协调（可随建议方案一并审定）",
}
NUMBER = re.compile(r"[A-Z]-\d{4}-\d{4}|\d{4}-\d{2}", re.ASCII)


def done_message(query: Mapping[str, str]) -> str:
    """The line that confirms the last action; built from fixed words, never from the address's text."""
    verb, number, target = query.get("done", ""), query.get("n", ""), query.get("t", "")
    if verb not in DONE or not NUMBER.fullmatch(number) or (target and not NUMBER.fullmatch(target)):
        return ""
    return f"议题 {number} " + DONE[verb].format(t=target, leaders=current().leaders_label) + "。"


def routes() -> list[BaseRoute]:
    return [
        Route("/app/issues", issues_page),
        *city.routes(),
        Route("/app/issues/{number}/{verb}", issue_action, methods=["POST"]),
    ]
