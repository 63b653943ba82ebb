"""Ledger pages: the list with filters and actions, one item's record, the xlsx and the bulletin."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import check_write, render, require_user, state
from server.downloads import disposition
from server.forms.values import posted_count
from server.ledger import imports as ledger_imports
from server.ledger import reports as ledger_reports
from server.ledger.reports import code_of
from xietiao.accounts import User
from xietiao.forms.submissions import NotAllowed, NotFound, can_see
from xietiao.jsonvalue import Doc
from xietiao.ledger.board import item_assessment
from xietiao.ledger.colours import Colour, zh_date
from xietiao.ledger.export import bulletin_data, bulletin_docx, export_name, ledger_xlsx
from xietiao.ledger.figures import ITEMS_MEANING, PROJECTS_MEANING, ledger_figures
from xietiao.ledger.items import close_item, leads, may_see, reject_closure, reopen_item, sees_filings
from xietiao.ledger.monthly import report_flags
from xietiao.ledger.snapshots import ensure_month_end_snapshots
from xietiao.ledger.supervision import mark_poorly_carried_out, poorly_carried_out, supervision_list
from xietiao.ledger.view import (
    STATUS_CHOICES,
    LedgerFilter,
    item_closures,
    item_journal,
    item_reports,
    ledger_rows,
    parse_filter,
    project_names,
)
from xietiao.model import ItemStatus, Role, item_of
from xietiao.units import all_units

READERS = (Role.BUREAU, Role.ADMIN, Role.LEADER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def zh(value: object) -> str:
    """An ISO date (or a date) as pages show it; anything else as it is."""
    if isinstance(value, date):
        return zh_date(value)
    try:
        return zh_date(date.fromisoformat(str(value)[:10])) if value else "—"
    except ValueError:
        return str(value)


# Rows per page: the whole five-year ledger on one page is megabytes; the Excel export has every row.
PAGE_ROWS = 300


def _filter(request: Request) -> LedgerFilter:
    q = request.query_params
    return parse_filter(q.get("unit", ""), q.get("status", ""), q.get("colour", ""))


def _query(flt: LedgerFilter) -> str:
    return urlencode({"unit": flt.unit_code, "status": flt.status, "colour": flt.colour})


def _refresh_history(request: Request) -> None:
    st = state(request)
    ensure_month_end_snapshots(st.store, st.today())


async def ledger_page(request: Request) -> Response:
    user = require_user(request, *READERS)
    st = state(request)
    flt = _filter(request)
    await run_in_threadpool(_refresh_history, request)
    rows = await run_in_threadpool(ledger_rows, st.store, st.today(), flt)
    figures = await run_in_threadpool(ledger_figures, st.store, st.today())
    counts = {c: sum(1 for r in rows if r.colour is c) for c in Colour}
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    page = min(max(posted_count(request.query_params.get("page")) or 1, 1), pages)
    query = _query(flt)
    return render(
        request,
        "ledger.html",
        {
            "rows": rows[(page - 1) * PAGE_ROWS : page * PAGE_ROWS],
            "total": len(rows),
            "page": page,
            "pages": pages,
            "per_page": PAGE_ROWS,
            "flt": flt,
            "query": query,
            "units": all_units(),
            "statuses": STATUS_CHOICES,
            "colours": list(Colour),
            "counts": counts,
            "fig": figures,
            "meaning": f"{ITEMS_MEANING}；{PROJECTS_MEANING}。",
            "filtered": flt != LedgerFilter(),
            "can_act": user.is_bureau,
            "zh": zh,
            "S": ItemStatus,
            "back": f"/app/ledger?{query}" + (f"&page={page}" if page > 1 else ""),
            "code_of": code_of,
        },
    )  # type: ignore[return-value]


def _item_context(request: Request, user: User, number: str) -> dict[str, object]:
    st = state(request)
    doc = st.store.get("item", number)
    if doc is None or not may_see(user, doc):
        raise HTTPException(404)
    item = item_of(doc)
    full = sees_filings(user, doc)
    include = ("submitted", "accepted", "returned") if full else ("submitted", "accepted")
    closures = item_closures(st.store, number)
    reports = item_reports(st.store, number, include=include)
    name, secret = project_names(st.store).get(item.project, ("", False))
    supervisions = [s for s in supervision_list(st.store) if number in (s.get("items") or [])]  # type: ignore[operator]
    reports = item_reports(st.store, number, include=include)
    return {
        "doc": doc,
        "item": item,
        "project_name": name,
        "secret": secret,
        "assessment": item_assessment(item, st.today()) if item.status.is_open else None,
        # A coordinating unit gets the outline only: the templates show no text, contact or file of them.
        "full": full,
        "reports": reports if full else [_outline(r, ("month", "status", "percent")) for r in reports],
        "flags": report_flags(reports) if full else {},
        "report_labels": {f.name: f.label for f in st.forms["progress"].fields()} if "progress" in st.forms else {},
        "closures": [(c, can_see(user, c)) for c in closures]
        if full
        else [(_outline(c, ()), False) for c in closures if c.get("status") in ("submitted", "accepted")],
        "journal": item_journal(st.store, number) if full else [_unnumbered(j) for j in item_journal(st.store, number)],
        "supervisions": supervisions,
        "explain_pending": poorly_carried_out(st.store, doc),
        "is_lead": leads(user.unit, doc),
        "can_act": user.is_bureau,
        "zh": zh,
        "S": ItemStatus,
        "errors": {},
        "typed": {},
        "code_of": code_of,
        "done": request.query_params.get("done", ""),
    }


def _outline(record: Doc, keep: tuple[str, ...]) -> Doc:
    """What a coordinating unit may know of the lead unit's filing: its state, date and the named fields."""
    data = record.get("data")
    shown = {k: data[k] for k in keep if isinstance(data, dict) and k in data}
    return {"status": record.get("status"), "created": record.get("created"), "data": shown}


# "申请销号（X-2026-0003）": the lead unit's record numbers, which a coordinating unit is not given.
RECORD_NUMBER = re.compile(r"（[^）]*[A-Z]-\d{4}-\d{4}[^）]*）")


def _unnumbered(row: Doc) -> Doc:
    return {**row, "action": RECORD_NUMBER.sub("", str(row.get("action") or ""))}


async def item_page(request: Request) -> Response:
    user = require_user(request)
    await run_in_threadpool(_refresh_history, request)
    ctx = await run_in_threadpool(_item_context, request, user, request.path_params["number"])
    return render(request, "ledger_item.html", ctx)  # type: ignore[return-value]


def _back(posted: FormData, number: str) -> str:
    # Only back to a ledger list of ours: the query is rebuilt from a parsed filter.
    raw = str(posted.get("back") or "")
    if raw.startswith("/app/ledger?"):
        q = {k: v[0] for k, v in parse_qs(raw.split("?", 1)[1]).items()}
        return f"/app/ledger?{_query(parse_filter(q.get('unit', ''), q.get('status', ''), q.get('colour', '')))}"
    return f"/app/ledger/{number}"


def _act(store: object, user: User, verb: str, number: str, reason: str, planned: str, today: date, now: str) -> Doc:
    if verb == "explain":
        return mark_poorly_carried_out(store, user, number, reason, now)  # type: ignore[arg-type]
    if verb == "close":
        return close_item(store, user, number, reason, today)  # type: ignore[arg-type]
    if verb == "reject":
        return reject_closure(store, user, number, reason)  # type: ignore[arg-type]
    try:
        day = date.fromisoformat(planned)
    except ValueError:
        raise NotAllowed("请填写新的计划节点（日期）。") from None
    return reopen_item(store, user, number, reason, day, today)  # type: ignore[arg-type]


async def item_action(request: Request) -> Response:
    """Close, send back the closure request, or reopen: the bureau's decisions on one item."""
    user = require_user(request, Role.BUREAU, Role.ADMIN)
    posted = await request.form(max_fields=10, max_files=0)
    check_write(request, str(posted.get("csrf") or ""))
    number, verb = request.path_params["number"], request.path_params["verb"]
    if verb not in ("close", "reject", "reopen", "explain"):
        raise HTTPException(404)
    st = state(request)
    reason, planned = str(posted.get("reason") or ""), str(posted.get("planned") or "")
    try:
        now = st.now().isoformat(timespec="seconds")
        result = await run_in_threadpool(_act, st.store, user, verb, number, reason, planned, st.today(), now)
    except NotFound:
        raise HTTPException(404) from None
    except NotAllowed as exc:
        ctx = await run_in_threadpool(_item_context, request, user, number)
        ctx.update(errors={verb: str(exc)}, typed={"reason": reason, "planned": planned})
        return render(request, "ledger_item.html", ctx, status=409)  # type: ignore[return-value]
    if verb == "reopen":
        return RedirectResponse(f"/app/ledger/{result['number']}?done=reopened", status_code=303)
    if verb == "explain":
        return RedirectResponse(f"/app/ledger/{number}?done=explain", status_code=303)
    back = _back(posted, number)
    if back == f"/app/ledger/{number}":  # the item's own page says what was done at its top
        back += "?done=closed" if verb == "close" else "?done=rejected"
    return RedirectResponse(back, status_code=303)


async def ledger_xlsx_download(request: Request) -> Response:
    require_user(request, *READERS)
    st = state(request)
    flt = _filter(request)
    rows = await run_in_threadpool(ledger_rows, st.store, st.today(), flt)
    data = await run_in_threadpool(ledger_xlsx, rows, st.today(), flt)
    name = export_name("ledger", st.today(), flt)
    return Response(
        data,
        media_type=XLSX,
        headers=disposition(f"{name}.xlsx", "议定事项台账" + name.removeprefix("ledger") + ".xlsx"),
    )


async def bulletin_download(request: Request) -> Response:
    require_user(request, *READERS)
    st = state(request)
    data = await run_in_threadpool(lambda: bulletin_docx(bulletin_data(st.store, st.today())))
    name = export_name("bulletin", st.today())
    return Response(
        data,
        media_type=DOCX,
        headers=disposition(f"{name}.docx", "议定事项落实情况通报" + name.removeprefix("bulletin") + ".docx"),
    )


def routes() -> list[BaseRoute]:
    return [
        Route("/app/ledger", ledger_page),
        *ledger_imports.routes(),  # before /app/ledger/{number}, which would take "import" for a number
        Route("/app/ledger.xlsx", ledger_xlsx_download),
        Route("/app/bulletin.docx", bulletin_download),
        Route("/app/ledger/{number}", item_page),
        Route("/app/ledger/{number}/{verb}", item_action, methods=["POST"]),
        *ledger_reports.routes(),
    ]
