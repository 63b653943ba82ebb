"""A closure request (销号申请) decided where it is read: its item, the item's history, two decisions."""

from __future__ import annotations

from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.context import state
from xietiao.accounts import User
from xietiao.forms.submissions import NotAllowed, NotFound
from xietiao.jsonvalue import Doc
from xietiao.ledger.board import item_assessment
from xietiao.ledger.items import decide_closure_request, live_closure, may_see
from xietiao.ledger.view import item_journal, item_reports, project_names
from xietiao.model import ItemStatus, item_of
from xietiao.store.engine import Store

RECENT_REPORTS = 3


def closure_context(store: Store, user: User, record: Doc, today: date) -> dict[str, object]:
    """What the closure record page shows of the item it asks to close, and whether it may be decided now."""
    data = record.get("data")
    number = str(data.get("item") or "") if isinstance(data, dict) else ""
    doc = store.get("item", number) if number else None
    if doc is None or not may_see(user, doc):
        return {"closure_item": None}
    item = item_of(doc)
    live = live_closure(store, doc)
    name, secret = project_names(store).get(item.project, ("", False))
    return {
        "closure_item": item,
        "closure_doc": doc,
        "closure_project": name,
        "closure_secret": secret,
        "closure_assessment": item_assessment(item, today) if item.status.is_open else None,
        "closure_reports": item_reports(store, number)[:RECENT_REPORTS],
        "closure_journal": item_journal(store, number),
        "closure_live": live is not None and live.get("number") == record.get("number"),
        "closure_decidable": user.is_bureau
        and item.status is ItemStatus.CLOSURE_REQUESTED
        and live is not None
        and live.get("number") == record.get("number"),
    }


class Refused(Exception):
    """The decision was not taken; the page is shown again with the message and the reason typed."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message, self.reason = message, reason


async def decide(request: Request, user: User, posted: FormData, number: str, verb: str) -> Response:
    """确认销号 (verb "accept") or 退回 ("return"), both with a reason."""
    if verb not in ("accept", "return"):
        raise HTTPException(404)
    st = state(request)
    reason = str(posted.get("reason") or "")
    try:
        await run_in_threadpool(decide_closure_request, st.store, user, number, verb == "accept", reason, st.today())
    except NotFound:
        raise HTTPException(404) from None
    except NotAllowed as exc:
        raise Refused(str(exc), reason) from None
    done = "closed" if verb == "accept" else "sent-back"
    return RedirectResponse(f"/app/records/closure/{number}?done={done}", status_code=303)
