"""Each user's home page: what is due, their records, their agreed items."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.context import render, require_user, state
from server.cycle.common import MeetingView, calendar, view_of
from xietiao.accounts import User
from xietiao.cycle.meetings import all_meetings, status_of
from xietiao.jsonvalue import Doc
from xietiao.ledger.board import thresholds
from xietiao.ledger.colours import assess
from xietiao.ledger.snapshots import ensure_month_end_snapshots
from xietiao.ledger.view import month_of, owed_reports
from xietiao.model import ItemStatus, MeetingStatus, Role, item_of
from xietiao.store.engine import Store
from xietiao.units import same_unit

FORM_ORDER = ("project", "issue", "material", "progress", "closure")


# Monthly reports need no acceptance: the bureau reads them per unit on /app/reports.
REVIEWED_FORMS = ("project", "issue", "material", "closure")


def _my_records(store: Store, user: User) -> list[Doc]:
    rows: list[Doc] = []
    if user.role is Role.UNIT:
        for form in FORM_ORDER:
            rows += store.all(form, lambda d: same_unit(d.get("unit"), user.unit))
    else:
        for form in REVIEWED_FORMS:
            rows += store.all(form, lambda d: d.get("status") == "submitted")
    rows.sort(key=lambda d: str(d.get("updated") or d.get("created")), reverse=True)
    return rows[:200]


def _my_items(store: Store, user: User, request: Request) -> list[tuple[object, object]]:
    today = state(request).today()
    docs = store.all("item", lambda d: same_unit(d.get("lead_unit"), user.unit) and d.get("status") != "closed")
    items = sorted((item_of(d) for d in docs), key=lambda i: i.planned)
    return [
        (i, assess(i.planned, i.done, today, thresholds=thresholds()))
        for i in items
        if i.status is not ItemStatus.CLOSED
    ]


def _topic_calls(store: Store, request: Request) -> tuple[list[MeetingView], MeetingView | None]:
    """Meetings whose call for topics is open (with the day to propose by), else the next one planned."""
    today = state(request).today()
    cal, _ = calendar(store)
    coming = [m for m in all_meetings(store) if status_of(m) in (MeetingStatus.PLANNED, MeetingStatus.CALL_OPEN)]
    open_calls = [view_of(store, m, cal, today) for m in coming if status_of(m) is MeetingStatus.CALL_OPEN]
    planned = [m for m in coming if status_of(m) is MeetingStatus.PLANNED]
    return open_calls, (view_of(store, planned[0], cal, today) if planned and not open_calls else None)


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
    calls, next_planned = await run_in_threadpool(_topic_calls, st.store, request) if is_unit else ([], None)
    returned = [r for r in records if r.get("status") == "returned"]
    waiting = (
        [
            m
            for m in all_meetings(st.store)
            if status_of(m) in (MeetingStatus.PLAN_PROPOSED, MeetingStatus.MINUTES_DRAFTED)
        ]
        if user.role is Role.LEADER
        else []
    )
    return render(
        request,
        "dashboard.html",
        {
            "waiting_count": len(waiting),
            "form_order": FORM_ORDER,
            "waiting_titles": [
                f"{m['title']}的{'建议方案' if status_of(m) is MeetingStatus.PLAN_PROPOSED else '纪要'}"
                for m in waiting
            ],
            "records": records,
            "returned": returned,
            "items": items,
            "forms": st.forms,
            "calls": calls,
            "next_planned": next_planned,
            "today": today,
            "publish": st.publisher.status,
            "owed": owed,
            "owed_month": month_of(today),
        },
    )  # type: ignore[return-value]


def routes() -> list[BaseRoute]:
    return [Route("/app/", home), Route("/app", home)]
