"""Each user's home page: what is due, their records, their agreed items."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from xietiao.accounts import User
from xietiao.colours import assess
from xietiao.jsonvalue import Doc
from xietiao.model import ItemStatus, Role, item_of
from xietiao.ledger_view import month_of, owed_reports
from xietiao.snapshots import ensure_month_end_snapshots
from xietiao.store import Store

from .context import render, require_user, state

FORM_ORDER = ("project", "issue", "material", "progress", "closure")


# Monthly reports need no acceptance: the bureau reads them per unit on /app/reports.
REVIEWED_FORMS = ("project", "issue", "material", "closure")


def _my_records(store: Store, user: User) -> list[Doc]:
    rows: list[Doc] = []
    if user.role is Role.UNIT:
        for form in FORM_ORDER:
            rows += store.all(form, lambda d: d.get("unit") == user.unit)
    else:
        for form in REVIEWED_FORMS:
            rows += store.all(form, lambda d: d.get("status") == "submitted")
    rows.sort(key=lambda d: str(d.get("updated") or d.get("created")), reverse=True)
    return rows[:200]


def _my_items(store: Store, user: User, request: Request) -> list[tuple[object, object]]:
    today = state(request).today()
    docs = store.all("item", lambda d: d.get("lead_unit") == user.unit and d.get("status") != "closed")
    items = sorted((item_of(d) for d in docs), key=lambda i: i.planned)
    return [(i, assess(i.planned, i.done, today)) for i in items if i.status is not ItemStatus.CLOSED]


async def home(request: Request) -> Response:
    user = require_user(request)
    st = state(request)
    today = st.today()
    # History must not have holes: the first page load after a month ends records it.
    await run_in_threadpool(ensure_month_end_snapshots, st.store, today)
    records = await run_in_threadpool(_my_records, st.store, user)
    is_unit = user.role is Role.UNIT
    items = await run_in_threadpool(_my_items, st.store, user, request) if is_unit else []
    owed = await run_in_threadpool(owed_reports, st.store, user.unit, month_of(today)) if is_unit else []
    returned = [r for r in records if r.get("status") == "returned"]
    return render(request, "dashboard.html", {
        "records": records, "returned": returned, "items": items, "forms": st.forms,
        "publish": st.publisher.status, "owed": owed, "owed_month": month_of(today),
    })  # type: ignore[return-value]


def routes() -> list[BaseRoute]:
    return [Route("/app/", home), Route("/app", home)]
