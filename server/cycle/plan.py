"""The plan page: the bureau picks issues, projects and units for the next meeting, keeps a draft, sends it."""

from __future__ import annotations

from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
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
from xietiao.cycle.deadlines import units_still_proposing
from xietiao.cycle.issuelist import data_of, plannable
from xietiao.cycle.materials import default_due
from xietiao.cycle.meetings import InvalidInput, propose_plan
from xietiao.cycle.plan import Plan, check_plan
from xietiao.cycle.plan_draft import SOURCE_TEXT, save_plan_draft, starting_plan
from xietiao.forms.fieldtypes import clean_text
from xietiao.forms.submissions import NotAllowed
from xietiao.jsonvalue import Doc
from xietiao.ledger.supervision import explanations
from xietiao.model import MeetingStatus, Role
from xietiao.profile import current
from xietiao.publication import withheld_projects
from xietiao.store.engine import Store
from xietiao.units import unit_names

MAX_FIELDS = 400
EARLY = "early"  # the bureau confirmed sending the plan while units may still propose


def _context(store: Store, doc: Doc, chosen: Plan | None, today: date) -> dict[str, object]:
    number = str(doc["number"])
    start, source = starting_plan(store, doc)
    issues = plannable(store, number)
    names = project_names(store, [str(data_of(i).get("project") or "") for i in issues])
    cal, problem = calendar(store)
    view = view_of(store, doc, cal, today)
    held = date.fromisoformat(str(doc["date"]))
    due = (chosen.materials_due if chosen else "") or start.materials_due or str(doc.get("materials_due") or "")
    return {
        "due": due or default_due(held, cal, today).isoformat(),
        "explain": explanations(store, today),
        "m": doc,
        "issues": issues,
        "names": names,
        "plan": chosen or start,
        "source": "" if chosen else SOURCE_TEXT[source],
        "project_options": [(n, f"{n} {name}") for n, name in all_projects(store)],
        "withheld": withheld_projects(store),
        "units": unit_names(),
        "data_of": data_of,
        "view": view,
        "early": units_still_proposing(doc, view.previous, cal, today, days=current().deadlines),
        "warning": calendar_warning(cal, problem, view.days),
        "zh": zh,
        "open": doc.get("status") == MeetingStatus.CALL_OPEN.value,
        "saved": "",
        "confirm": False,
    }


async def _page(
    request: Request,
    doc: Doc,
    chosen: Plan | None = None,
    errors: dict[str, list[str]] | None = None,
    error: str = "",
    status: int = 200,
    confirm: bool = False,
) -> Response:
    st = state(request)
    ctx = await run_in_threadpool(_context, st.store, doc, chosen, st.today())
    saved = request.query_params.get("saved", "") if request.method == "GET" else ""
    extra = {"errors": errors or {}, "error": error, "confirm": confirm, "saved": saved}
    return render(request, "cycle_plan.html", {**ctx, **extra}, status=status)  # type: ignore[return-value]


def _chosen(form: FormData) -> Plan:
    return Plan(
        tuple(str(v) for v in form.getlist("projects")),
        tuple(str(v) for v in form.getlist("issues")),
        tuple(str(v) for v in form.getlist("attendance")),
        clean_text(str(form.get("start") or "")),
        clean_text(str(form.get("contact") or "")),
        clean_text(str(form.get("materials_due") or "")),
    )


def _asks_confirmation(store: Store, doc: Doc, today: date) -> bool:
    cal, _ = calendar(store)
    return units_still_proposing(doc, view_of(store, doc, cal, today).previous, cal, today, days=current().deadlines)


async def plan_page(request: Request) -> Response:
    user: User = require_user(request, Role.BUREAU, Role.ADMIN)
    doc = await meeting_or_404(request)
    if request.method in ("GET", "HEAD"):
        return await _page(request, doc)
    form = await posted(request, MAX_FIELDS)
    chosen = _chosen(form)
    st = state(request)
    number = str(doc["number"])
    draft = form.get("action") == "draft"
    # Sending while units may still propose leaves their issues for a later meeting: ask first.
    confirmed = draft or form.get("confirm") == EARLY
    if not confirmed and await run_in_threadpool(_asks_confirmation, st.store, doc, st.today()):
        errors = await run_in_threadpool(check_plan, st.store, number, chosen)
        return await _page(request, doc, chosen, errors, confirm=True, status=400 if errors else 200)
    try:
        cal = calendar(st.store)[0]
        if draft:
            await run_in_threadpool(save_plan_draft, st.store, user, number, chosen, st.now(), cal)
        else:
            await run_in_threadpool(propose_plan, st.store, user, number, chosen, st.now(), cal)
    except InvalidInput as exc:
        what = "草稿未保存" if draft else "未报送"
        return await _page(request, doc, chosen, exc.errors, f"方案有需要修改的地方，{what}。", 400)
    except NotAllowed as exc:
        return await _page(request, doc, chosen, None, str(exc), 409)
    if draft:
        return RedirectResponse(f"/app/cycle/{number}/plan?saved=1", status_code=303)
    return RedirectResponse(f"/app/cycle/{number}", status_code=303)


def routes() -> list[BaseRoute]:
    return [Route("/app/cycle/{number}/plan", plan_page, methods=["GET", "POST"])]
