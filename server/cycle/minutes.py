"""The minutes page: the bureau drafts attendance, discussions and agreed items, saves, and sends for approval."""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import render, require_user, state
from server.cycle.common import (
    all_projects,
    calendar,
    calendar_warning,
    issue_labels,
    meeting_or_404,
    posted,
    project_names,
    view_of,
    zh,
)
from server.forms.values import Raw, posted_count, raw_from_values
from xietiao.cycle.issuelist import data_of
from xietiao.cycle.meetings import InvalidInput, minutes_revision, plan_issue_docs, save_minutes
from xietiao.cycle.minutes import draft_values, minutes_form, plan_issues
from xietiao.forms.definitions import FieldDef, FieldType
from xietiao.forms.posted import values_from_form
from xietiao.forms.submissions import NotAllowed
from xietiao.jsonvalue import Doc
from xietiao.model import MeetingStatus, Role
from xietiao.publication import withheld_projects
from xietiao.store.engine import Store
from xietiao.units import unit_names

MAX_FIELDS = 1200


def posted_rows(f: FieldDef, raw: Raw) -> int:
    """One row per agreed item (or discussion) there is, and one empty row when there is none."""
    prefix = f"{f.name}-"
    rows = {int(k.split("-")[1]) for k in raw if k.startswith(prefix) and k.split("-")[1].isdigit()}
    return min(max(rows, default=0) + 1, f.max_rows or 99)


def _context(store: Store, doc: Doc, today: object) -> dict[str, object]:
    cal, problem = calendar(store)
    view = view_of(store, doc, cal, today)  # type: ignore[arg-type]
    issues = plan_issue_docs(store, doc)
    names = project_names(store, [str(data_of(i).get("project") or "") for i in issues])
    return {
        "m": doc,
        "view": view,
        "warning": calendar_warning(cal, problem, view.days),
        "zh": zh,
        "issues": issues,
        "names": names,
        "choice_labels": issue_labels(issues, names),
        "withheld": withheld_projects(store),
        "projects": all_projects(store),
        "units": unit_names(),
        "data_of": data_of,
        "editable": doc.get("status") == MeetingStatus.HELD.value,
    }


async def _page(
    request: Request,
    doc: Doc,
    raw: Raw,
    errors: dict[str, list[str]],
    *,
    error: str = "",
    status: int = 200,
    revision: int | None = None,
) -> Response:
    st = state(request)
    ctx = await run_in_threadpool(_context, st.store, doc, st.today())
    form = minutes_form(plan_issues(doc))
    return render(
        request,
        "cycle_minutes.html",
        {
            **ctx,
            "form": form,
            "raw": raw,
            "errors": errors,
            "T": FieldType,
            "json": json,
            "error": error,
            "rows": lambda f: posted_rows(f, raw),
            "saved": request.query_params.get("saved") == "1",
            "revision": revision if revision is not None else minutes_revision(doc),
        },
        status=status,
    )  # type: ignore[return-value]


async def minutes_page(request: Request) -> Response:
    user = require_user(request, Role.BUREAU, Role.ADMIN)
    doc = await meeting_or_404(request)
    form = minutes_form(plan_issues(doc))
    if request.method in ("GET", "HEAD"):
        issues = await run_in_threadpool(plan_issue_docs, state(request).store, doc)
        return await _page(request, doc, raw_from_values(form, draft_values(doc, issues)), {})
    post = await posted(request, MAX_FIELDS)
    raw: Raw = {}
    for key, value in post.multi_items():
        if key not in ("csrf", "action", "revision") and isinstance(value, str):
            raw.setdefault(key, []).append(value)
    submit = post.get("action") == "submit"
    seen_revision = posted_count(post.get("revision"))
    st = state(request)
    number = str(doc["number"])
    try:
        await run_in_threadpool(
            lambda: save_minutes(
                st.store,
                user,
                number,
                values_from_form(form, raw),
                st.now(),
                submit=submit,
                seen_revision=seen_revision,
            )
        )
    except InvalidInput as exc:
        return await _page(
            request,
            doc,
            raw,
            exc.errors,
            error=f"有 {len(exc.errors)} 处需要修改，请查看下方标红的字段。未保存任何内容。",
            status=400,
            revision=seen_revision,
        )
    except NotAllowed as exc:
        return await _page(request, doc, raw, {}, error=str(exc), status=409, revision=seen_revision)
    if submit:
        return RedirectResponse(f"/app/cycle/{number}", status_code=303)
    return RedirectResponse(f"/app/cycle/{number}/minutes?saved=1", status_code=303)


def routes() -> list[BaseRoute]:
    return [Route("/app/cycle/{number}/minutes", minutes_page, methods=["GET", "POST"])]
