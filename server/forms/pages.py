"""HTML forms rendered from forms/*.yml: new, edit, view with history, return and accept."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import check_write, render, require_user, state
from server.downloads import disposition
from server.forms.posts import file_lookup, read_post, store_and_save, without_new_files
from server.forms.values import (
    Raw,
    attachment_refs,
    display,
    group_row_count,
    kept_attachment_name,
    posted_count,
    raw_from_values,
)
from server.forms.versioned import all_attachment_refs, edit_values, history, shown
from xietiao.accounts import User
from xietiao.forms.attachments import KIND_BY_MIME, KINDS, sniff
from xietiao.forms.definitions import FieldType, FormDef
from xietiao.forms.posted import values_from_form
from xietiao.forms.sniff import Malformed
from xietiao.forms.submissions import (
    NO_VERSION,
    NotAllowed,
    NotFound,
    accept_record,
    check_only,
    data_versions,
    get_visible,
    return_record,
    version_of,
)
from xietiao.jsonvalue import Doc
from xietiao.ledger.board import official_name
from xietiao.ledger.items import leads
from xietiao.ledger.view import report_prefill
from xietiao.model import IssueState, Role
from xietiao.units import same_unit, unit_names


def _form_or_404(request: Request) -> FormDef:
    form = state(request).forms.get(request.path_params.get("name") or request.path_params.get("form", ""))
    if form is None:
        raise HTTPException(404)
    return form


def _projects_for(request: Request, user: User) -> list[tuple[str, str]]:
    store = state(request).store
    docs = store.all("project", lambda d: user.role is not Role.UNIT or same_unit(d.get("unit"), user.unit))
    return [(str(d["number"]), str((d.get("data") or {}).get("name") or "")) for d in docs]  # type: ignore[union-attr]


def _suggestions(request: Request, user: User, form: FormDef) -> dict[str, list[tuple[str, str]]]:
    """Choices offered while typing: a unit's open agreed items for the item number of a report."""
    if form.name not in ("progress", "closure") or user.role is not Role.UNIT:
        return {}
    official = official_name(user.unit)  # items may name the unit by one of its aliases
    items = state(request).store.all("item", lambda d: leads(official, d) and d.get("status") != "closed")
    items.sort(key=lambda d: str(d["number"]))
    return {"item": [(str(d["number"]), str(d.get("content") or "")[:80]) for d in items]}


def _form_page(
    request: Request,
    user: User,
    form: FormDef,
    raw: Raw,
    errors: dict[str, list[str]],
    number: str | None,
    status: int,
    fresh: bool,
    version: int | None = None,
    carried: str = "",
    left: list[tuple[str, str]] | None = None,
) -> Response:
    return render(
        request,
        "form.html",
        {
            "form": form,
            "raw": raw,
            "errors": errors,
            "number": number,
            "T": FieldType,
            "version": version,
            "suggest": _suggestions(request, user, form),
            "carried": carried,
            "left": left or [],
            "units": unit_names(),
            "projects": _projects_for(request, user),
            "rows": lambda f: group_row_count(f, raw, fresh=fresh),
            "json": kept_attachment_name,
            "max_mb": state(request).upload_limit // (1024 * 1024),
        },
        status=status,
    )  # type: ignore[return-value]


async def _save_post(request: Request, user: User, form: FormDef, number: str | None) -> Response:
    post = await read_post(request, form)
    submit = post.posted.get("action") == "submit"
    seen_version = posted_count(post.posted.get("version"))
    data = values_from_form(form, post.raw)
    if post.errors:
        # A refused file means the post is incomplete: nothing is saved, every problem is shown.
        lookup = file_lookup(request, user, form.name, number, new={u.ref.sha256 for _, _, u in post.uploads})
        result = await run_in_threadpool(check_only, form, data, lookup, submit=submit)
        errors = {**result.errors, **post.errors}
        raw = without_new_files(post, errors)
        return _form_page(request, user, form, raw, errors, number, 400, fresh=False, version=seen_version)
    if number is not None and seen_version is None:
        seen_version = NO_VERSION  # an edit that does not say where it started could overwrite another save
    try:
        result = await run_in_threadpool(store_and_save, request, user, form, post, data, number, seen_version)
    except NotFound:
        raise HTTPException(404) from None
    except NotAllowed as exc:
        raise HTTPException(403, str(exc)) from None
    if not result.ok:
        errors = dict(result.errors)
        raw = without_new_files(post, errors)
        shown = None if seen_version == NO_VERSION else seen_version
        return _form_page(request, user, form, raw, errors, number, 400, fresh=False, version=shown)
    done = "submitted" if submit else "saved"
    return RedirectResponse(f"/app/records/{form.name}/{result.number}?done={done}", status_code=303)


async def new_record(request: Request) -> Response:
    user = require_user(request, Role.UNIT, Role.BUREAU, Role.ADMIN)
    form = _form_or_404(request)
    if request.method == "POST":
        return await _save_post(request, user, form, None)
    # Links such as "file this month's report" pass the item: prefill top-level fields only.
    names = {f.name for f in form.fields() if f.type is not FieldType.GROUP}
    raw: Raw = {k: [v[:200]] for k, v in request.query_params.items() if k in names}
    if form.name == "progress" and raw.get("item") and user.role is Role.UNIT:
        # A monthly report starts from the unit's report of last month, dated this month.
        st = state(request)
        carried = await run_in_threadpool(report_prefill, st.store, raw["item"][0], user.unit, st.today())
        raw = {**{k: [v] for k, v in carried.items() if k in names}, **raw}
        return _form_page(request, user, form, raw, {}, None, 200, fresh=True, carried=carried.get("from", ""))
    return _form_page(request, user, form, raw, {}, None, 200, fresh=True)


async def _visible(request: Request, user: User, form: FormDef) -> Doc:
    try:
        return await run_in_threadpool(
            get_visible, state(request).store, form.name, request.path_params["number"], user
        )
    except NotFound:
        raise HTTPException(404) from None


async def edit_record(request: Request) -> Response:
    user = require_user(request, Role.UNIT, Role.BUREAU, Role.ADMIN)
    form = _form_or_404(request)
    record = await _visible(request, user, form)
    if request.method == "POST":
        return await _save_post(request, user, form, str(record["number"]))
    if not same_unit(record.get("unit"), user.unit):
        raise HTTPException(403, "只能修改本单位的填报。")
    if record.get("status") not in ("draft", "returned"):
        # Typically Back after submitting: show the record and why it is locked, not a bare refusal.
        return RedirectResponse(f"/app/records/{form.name}/{record['number']}?done=locked", status_code=303)
    # A draft filed under an older version of the form opens on today's form; what no longer fits is shown.
    values, left = await run_in_threadpool(edit_values, state(request).store, form, record)
    raw = raw_from_values(form, values)
    number = str(record["number"])
    return _form_page(request, user, form, raw, {}, number, 200, fresh=False, version=version_of(record), left=left)


async def view_record(request: Request) -> Response:
    user = require_user(request)
    form = _form_or_404(request)
    record = await _visible(request, user, form)
    st = state(request)
    # Read by the form it was filed under: a later definition cannot break or hide what was filed.
    view = await run_in_threadpool(shown, st.store, form, record)
    return render(
        request,
        "record.html",
        {
            "form": view.form,
            "view": view,
            "record": record,
            "values": view.values,
            "display": display,
            "refs": attachment_refs,
            "T": FieldType,
            "history": await run_in_threadpool(history, st.store, form, record),
            "versions": len(data_versions(record)),
            "can_edit": same_unit(record.get("unit"), user.unit) and record.get("status") in ("draft", "returned"),
            "can_review": user.role in (Role.BUREAU, Role.ADMIN) and record.get("status") == "submitted",
            "done": request.query_params.get("done", ""),
            "list_states": {s.value: s.label for s in IssueState},
        },
    )  # type: ignore[return-value]


async def review_record(request: Request) -> Response:
    user = require_user(request, Role.BUREAU, Role.ADMIN)
    form = _form_or_404(request)
    posted = await request.form(max_fields=10, max_files=0)
    check_write(request, str(posted.get("csrf") or ""))
    number = request.path_params["number"]
    st = state(request)
    try:
        if request.path_params["verb"] == "return":
            await run_in_threadpool(return_record, st.store, form.name, number, user, str(posted.get("reason") or ""))
        elif request.path_params["verb"] == "accept":
            await run_in_threadpool(accept_record, st.store, form.name, number, user, str(posted.get("note") or ""))
        else:
            raise HTTPException(404)
    except NotFound:
        raise HTTPException(404) from None
    except NotAllowed as exc:
        raise HTTPException(409, str(exc)) from None
    return RedirectResponse(f"/app/records/{form.name}/{number}", status_code=303)


async def attachment(request: Request) -> Response:
    """A file is served only to someone who may see a record that holds it."""
    user = require_user(request)
    form = _form_or_404(request)
    record = await _visible(request, user, form)
    sha = request.path_params["sha"]
    st = state(request)
    refs = all_attachment_refs(st.store, form, record)
    ref = next((r for r in refs if r.get("sha256") == sha), None)
    if ref is None:
        raise HTTPException(404)
    try:
        data = await run_in_threadpool(st.attachments.open, sha)
    except FileNotFoundError:
        raise HTTPException(404) from None
    kind = KIND_BY_MIME.get(str(ref.get("mime") or "")) or _stored_kind(data)
    # The name the unit gave the file (cleaned when it was stored), as it appears on the record.
    shown = str(ref.get("name") or f"{sha[:12]}.{kind}")
    return Response(data, media_type=KINDS[kind], headers=disposition(f"{sha[:12]}.{kind}", shown))


def _stored_kind(data: bytes) -> str:
    """A stored file's kind for a reference that does not say it (it passed the checks of its day)."""
    try:
        return sniff(data) or "pdf"
    except Malformed:
        return "pdf"


def routes() -> list[BaseRoute]:
    return [
        Route("/app/forms/{name}/new", new_record, methods=["GET", "POST"]),
        Route("/app/records/{form}/{number}", view_record),
        Route("/app/records/{form}/{number}/edit", edit_record, methods=["GET", "POST"]),
        Route("/app/records/{form}/{number}/{verb}", review_record, methods=["POST"]),
        Route("/app/records/{form}/{number}/files/{sha}", attachment),
    ]
