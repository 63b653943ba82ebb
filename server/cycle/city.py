"""Escalation to the city in the app: a leader's decision, the request as Word, the day sent, the reply."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import require_user, state
from server.cycle.approvals import approvals_page
from server.cycle.common import posted, refusal_status
from server.downloads import disposition
from server.forms.pages import record_page
from xietiao.accounts import User
from xietiao.cycle import escalation
from xietiao.cycle.issuelist import data_of
from xietiao.forms.submissions import NotAllowed, NotFound
from xietiao.model import Role

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BUREAU_VERBS = ("city-sent", "city-reply")


async def request_docx(request: Request) -> Response:
    """The request to the city; before a leader's approval, marked as a draft."""
    require_user(request, Role.BUREAU, Role.ADMIN, Role.LEADER)
    st = state(request)
    number = request.path_params["number"]
    issue = await run_in_threadpool(st.store.get, "issue", number)
    if issue is None:
        raise HTTPException(404)
    project = await run_in_threadpool(st.store.get, "project", str(data_of(issue).get("project") or ""))
    data = await run_in_threadpool(escalation.city_request_docx, issue, project, st.today())
    return Response(
        data, media_type=DOCX, headers=disposition(f"city-{number}.docx", f"提请市级协调的函（{number}）.docx")
    )


async def bureau_step(request: Request, user: User, form: FormData, number: str, verb: str) -> Response:
    """Record that the request went to the city, or the city's reply; back to the issue either way."""
    st = state(request)
    day, reply, outcome = (str(form.get(k) or "") for k in ("day", "reply", "outcome"))
    try:
        if verb == "city-sent":
            await run_in_threadpool(escalation.record_sent, st.store, user, number, day, st.today(), st.now())
        else:
            await run_in_threadpool(
                escalation.record_reply, st.store, user, number, day, reply, outcome, st.today(), st.now()
            )
    except NotFound:
        raise HTTPException(404) from None
    except NotAllowed as exc:
        record = await run_in_threadpool(st.store.get, "issue", number)
        if record is None:
            raise HTTPException(404) from None
        extra: dict[str, object] = {
            "city_error": str(exc),
            "city_typed": {"day": day, "reply": reply, "outcome": outcome},
        }
        return await record_page(request, user, st.forms["issue"], record, extra, refusal_status(exc))
    return RedirectResponse(f"/app/records/issue/{number}?done={verb}", status_code=303)


async def leader_decides(request: Request) -> Response:
    user = require_user(request, Role.LEADER)
    verb = request.path_params["verb"]
    if verb not in ("approve", "return"):
        raise HTTPException(404)
    form = await posted(request)
    st = state(request)
    number = request.path_params["number"]
    note = str(form.get("note") or "")
    try:
        await run_in_threadpool(escalation.decide_city, st.store, user, number, verb == "approve", note, st.now())
    except NotFound:
        raise HTTPException(404) from None
    except NotAllowed as exc:
        return await approvals_page(request, str(exc), refusal_status(exc))
    return RedirectResponse(f"/app/approvals?done=city-{verb}", status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route("/app/issues/{number}/city.docx", request_docx),
        Route("/app/approvals/city/{number}/{verb}", leader_decides, methods=["POST"]),
    ]
