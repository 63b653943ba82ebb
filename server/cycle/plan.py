"""The plan page: the bureau picks issues, projects and units for the next meeting and sends it for approval."""

from __future__ import annotations

from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import render, require_user, state
from server.cycle.common import (
    all_projects,
    calendar,
    calendar_warning,
    meeting_or_404,
    posted,
    project_names,
    view_of,
    zh,
)
from xietiao.accounts import User
from xietiao.cycle.issuelist import data_of, plannable
from xietiao.cycle.materials import default_due
from xietiao.cycle.meetings import InvalidInput, propose_plan
from xietiao.cycle.plan import Plan, suggest
from xietiao.forms.fieldtypes import clean_text
from xietiao.forms.submissions import NotAllowed
from xietiao.jsonvalue import Doc
from xietiao.ledger.supervision import explanations
from xietiao.model import MeetingStatus, Role
from xietiao.store.engine import Store
from xietiao.units import unit_names

MAX_FIELDS = 400


def _context(store: Store, doc: Doc, chosen: Plan | None, today: object) -> dict[str, object]:
    number = str(doc["number"])
    suggestion = suggest(store, number)
    issues = plannable(store, number)
    names = project_names(store, [str(data_of(i).get("project") or "") for i in issues])
    cal, problem = calendar(store)
    view = view_of(store, doc, cal, today)  # type: ignore[arg-type]
    held = date.fromisoformat(str(doc["date"]))
    due = (chosen.materials_due if chosen else "") or str(doc.get("materials_due") or "")
    return {
        "due": due or default_due(held, cal, today).isoformat(),  # type: ignore[arg-type]
        "explain": explanations(store, today),  # type: ignore[arg-type]
        "m": doc,
        "issues": issues,
        "names": names,
        "plan": chosen or suggestion,
        "suggestion": suggestion,
        "projects": all_projects(store),
        "units": unit_names(),
        "data_of": data_of,
        "view": view,
        "warning": calendar_warning(cal, problem, view.days),
        "zh": zh,
        "open": doc.get("status") == MeetingStatus.CALL_OPEN.value,
    }


async def _page(
    request: Request,
    doc: Doc,
    chosen: Plan | None = None,
    errors: dict[str, list[str]] | None = None,
    error: str = "",
    status: int = 200,
) -> Response:
    st = state(request)
    ctx = await run_in_threadpool(_context, st.store, doc, chosen, st.today())
    return render(request, "cycle_plan.html", {**ctx, "errors": errors or {}, "error": error}, status=status)  # type: ignore[return-value]


async def plan_page(request: Request) -> Response:
    user: User = require_user(request, Role.BUREAU, Role.ADMIN)
    doc = await meeting_or_404(request)
    if request.method in ("GET", "HEAD"):
        return await _page(request, doc)
    form = await posted(request, MAX_FIELDS)
    chosen = Plan(
        tuple(str(v) for v in form.getlist("projects")),
        tuple(str(v) for v in form.getlist("issues")),
        tuple(str(v) for v in form.getlist("attendance")),
        clean_text(str(form.get("start") or "")),
        clean_text(str(form.get("contact") or "")),
        clean_text(str(form.get("materials_due") or "")),
    )
    st = state(request)
    try:
        cal = calendar(st.store)[0]
        await run_in_threadpool(propose_plan, st.store, user, str(doc["number"]), chosen, st.now(), cal)
    except InvalidInput as exc:
        return await _page(request, doc, chosen, exc.errors, "方案有需要修改的地方，未报送。", 400)
    except NotAllowed as exc:
        return await _page(request, doc, chosen, None, str(exc), 409)
    return RedirectResponse(f"/app/cycle/{doc['number']}", status_code=303)


def routes() -> list[BaseRoute]:
    return [Route("/app/cycle/{number}/plan", plan_page, methods=["GET", "POST"])]
