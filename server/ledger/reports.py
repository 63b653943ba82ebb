"""Monthly reports owed per unit, and supervision (督办): the list, who must explain, the form."""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import check_write, deny, render, require_user, state
from xietiao.forms.submissions import NotAllowed
from xietiao.ledger.snapshots import ensure_month_end_snapshots
from xietiao.ledger.supervision import KINDS, late_items, must_explain, record_supervision, supervision_list
from xietiao.ledger.view import month_of, reports_by_unit
from xietiao.model import Role
from xietiao.units import all_units, unit_by_code, unit_by_name

READERS = (Role.BUREAU, Role.ADMIN, Role.LEADER)
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])", re.ASCII)


def code_of(name: str) -> str:
    """A unit's ASCII code for a URL; "" for a name we do not know."""
    unit = unit_by_name(name)
    return unit.code if unit else ""


def _zh_month(month: str) -> str:
    return f"{month[:4]}年{int(month[5:7])}月"


async def reports_page(request: Request) -> Response:
    require_user(request, *READERS)
    st = state(request)
    asked = request.query_params.get("month", "")
    month = asked if MONTH.fullmatch(asked) and asked <= month_of(st.today()) else month_of(st.today())
    await run_in_threadpool(ensure_month_end_snapshots, st.store, st.today())
    units = await run_in_threadpool(reports_by_unit, st.store, month)
    return render(
        request,
        "reports.html",
        {
            "month": month,
            "month_label": _zh_month(month),
            "units": units,
            "owed_total": sum(len(u.owed) for u in units),
            "owing_total": sum(u.owing for u in units),
        },
    )  # type: ignore[return-value]


def _prefill(request: Request) -> dict[str, str]:
    q = request.query_params
    unit = unit_by_code(q.get("unit", ""))
    items = " ".join(n for n in q.getlist("items") if re.fullmatch(r"\d{4}-\d{2}-\d{2}", n))
    return {
        "kind": "",
        "unit": unit.name if unit else "",
        "items": items,
        "date": state(request).today().isoformat(),
        "note": "",
        "must_explain": "yes",
        "explain_at": "",
    }


def _page(request: Request, typed: dict[str, str], errors: dict[str, list[str]], status: int = 200) -> Response:
    st = state(request)
    user = require_user(request, *READERS)
    return render(
        request,
        "supervision.html",
        {
            "records": supervision_list(st.store),
            "explain": must_explain(st.store, st.today()),
            "late": late_items(st.store, st.today()),
            "kinds": KINDS,
            "units": all_units(),
            "typed": typed,
            "errors": errors,
            "can_act": user.is_bureau,
            "code_of": code_of,
            "done": request.query_params.get("done", ""),
        },
        status=status,
    )  # type: ignore[return-value]


async def supervision_page(request: Request) -> Response:
    user = require_user(request, *READERS)
    if request.method in ("GET", "HEAD"):
        return await run_in_threadpool(_page, request, _prefill(request), {})
    if not user.is_bureau:
        deny()
    posted = await request.form(max_fields=20, max_files=0)
    check_write(request, str(posted.get("csrf") or ""))
    typed = {k: str(posted.get(k) or "") for k in ("kind", "unit", "items", "date", "note", "explain_at")}
    typed["must_explain"] = "yes" if posted.get("must_explain") else ""
    values: dict[str, object] = {**typed, "must_explain": bool(typed["must_explain"])}
    st = state(request)
    try:
        result = await run_in_threadpool(record_supervision, st.store, user, values, st.today())
    except NotAllowed:
        deny()
    if not result.ok:
        return await run_in_threadpool(_page, request, typed, result.errors, 400)
    return RedirectResponse(f"/app/supervision?done={result.number}", status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route("/app/reports", reports_page),
        Route("/app/supervision", supervision_page, methods=["GET", "POST"]),
    ]
