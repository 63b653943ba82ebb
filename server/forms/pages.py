"""HTML forms rendered from forms/*.yml: new, edit, view with history, return and accept."""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import check_write, render, require_user, session_of, state
from server.downloads import disposition
from server.forms import progress
from server.forms.values import (
    Raw,
    all_attachment_shas,
    attachment_refs_in,
    display,
    group_row_count,
    kept_attachment_name,
    posted_count,
    raw_from_values,
)
from xietiao.accounts import User
from xietiao.forms.attachments import AttachmentRejected
from xietiao.forms.definitions import FieldType, FormDef
from xietiao.forms.posted import values_from_form
from xietiao.forms.submissions import (
    NotAllowed,
    NotFound,
    StoreLookup,
    accept_record,
    check_only,
    data_versions,
    diff,
    get_visible,
    return_record,
    save,
    version_of,
)
from xietiao.jsonvalue import Doc
from xietiao.ledger.board import official_name
from xietiao.ledger.items import leads
from xietiao.ledger.view import report_prefill
from xietiao.model import IssueState, Role
from xietiao.units import unit_names

MAX_FIELDS = 600


def _form_or_404(request: Request) -> FormDef:
    form = state(request).forms.get(request.path_params.get("name") or request.path_params.get("form", ""))
    if form is None:
        raise HTTPException(404)
    return form


def _projects_for(request: Request, user: User) -> list[tuple[str, str]]:
    store = state(request).store
    docs = store.all("project", lambda d: user.role is not Role.UNIT or d.get("unit") == user.unit)
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
    extra: dict[str, object] | None = None,
) -> Response:
    first = {k: v[0] for k, v in raw.items() if v and k in ("item", "month")}
    return render(
        request,
        "form.html",
        {
            **progress.form_context(state(request).store, form, user.unit, first),
            **(extra or {}),
            "form": form,
            "raw": raw,
            "errors": errors,
            "number": number,
            "T": FieldType,
            "version": version,
            "suggest": _suggestions(request, user, form),
            "carried": carried,
            "units": unit_names(),
            "projects": _projects_for(request, user),
            "rows": lambda f: group_row_count(f, raw, fresh=fresh),
            "json": kept_attachment_name,
            "max_mb": state(request).upload_limit // (1024 * 1024),
        },
        status=status,
    )  # type: ignore[return-value]


async def _read_post(request: Request, form: FormDef) -> tuple[FormData, Raw, dict[str, list[str]]]:
    """The post as strings; uploads stored first and replaced by their references."""
    posted = await request.form(max_fields=MAX_FIELDS, max_files=20, max_part_size=1024 * 1024)
    # Check the request before storing any upload: a forged post must leave nothing behind.
    check_write(request, str(posted.get("csrf") or ""))
    raw: Raw = {}
    errors: dict[str, list[str]] = {}
    st = state(request)
    for key, value in posted.multi_items():
        if key in ("csrf", "action", "version", progress.CONFIRM):
            continue
        if isinstance(value, UploadFile):
            if not value.filename:
                continue
            data = await value.read()
            field = _attachment_field(form, key)
            if field is None:
                errors.setdefault(key, []).append("未知字段")
                continue
            accept = set(field.accept or ("pdf", "docx", "xlsx", "png", "jpg"))
            limit = min((field.max_mb or 10**6) * 1024 * 1024, st.upload_limit)
            try:
                ref = await run_in_threadpool(st.attachments.save, data, value.filename, accept, limit)
            except AttachmentRejected as exc:
                errors.setdefault(key, []).append(f"“{field.label}”：{exc.message}")
                continue
            session = session_of(request)
            if session is not None:
                session.uploads.add(ref.sha256)
            if not field.multiple:
                raw[key] = []  # a new file replaces the one kept from before
            raw.setdefault(key, []).append(json.dumps(ref.to_json(), ensure_ascii=False))
        else:
            raw.setdefault(key, []).append(value)
    return posted, raw, errors


def _attachment_field(form: FormDef, key: str) -> object:
    parts = key.split("-")
    for f in form.fields():
        if f.name == parts[0] and f.type is FieldType.ATTACHMENT and len(parts) == 1:
            return f
        if f.name == parts[0] and f.type is FieldType.GROUP and len(parts) == 3:
            return next((c for c in f.fields if c.name == parts[2] and c.type is FieldType.ATTACHMENT), None)
    return None


def file_lookup(request: Request, user: User, form: str, number: str | None) -> StoreLookup:
    """The checker's lookup; a unit may refer only to files it uploaded or its record already holds."""
    st = state(request)
    if user.role in (Role.BUREAU, Role.ADMIN):
        return StoreLookup(st.store, st.attachments, today=st.today())
    session = session_of(request)
    uploads = session.uploads if session is not None else set()
    record = st.store.get(form, number) if number else None
    mine = record if record is not None and record.get("unit") == user.unit else None
    # Only real attachment references of the record count, not a hash typed into one of its text fields.
    # Every save keeps its data as a version, the current one included.
    versions = data_versions(mine) if mine is not None else []
    held = {str(r["sha256"]) for v in versions for r in attachment_refs_in(st.forms[form], v["data"])}  # type: ignore[arg-type]
    return StoreLookup(st.store, st.attachments, today=st.today(), may_use=lambda sha: sha in uploads or sha in held)


async def _save_post(request: Request, user: User, form: FormDef, number: str | None) -> Response:
    posted, raw, upload_errors = await _read_post(request, form)
    submit = posted.get("action") == "submit"
    seen_version = posted_count(posted.get("version"))
    st = state(request)
    data = values_from_form(form, raw)
    lookup = file_lookup(request, user, form.name, number)
    if upload_errors:
        # A refused file means the post is incomplete: nothing is saved, every problem is shown,
        # and the files that were accepted stay in the form so they need not be sent again.
        result = await run_in_threadpool(check_only, form, data, lookup, submit=submit)
        return _form_page(
            request, user, form, raw, {**result.errors, **upload_errors}, number, 400, fresh=False, version=seen_version
        )
    if form.name == progress.FORM and submit:
        asked = await _confirmation(request, user, form, data, posted, lookup)
        if asked is not None:
            return _form_page(request, user, form, raw, {}, number, 200, fresh=False, version=seen_version, extra=asked)
    try:
        result = await run_in_threadpool(
            save,
            st.store,
            form,
            user,
            data,
            submit=submit,
            today=st.today(),
            lookup=lookup,
            number=number,
            seen_version=seen_version,
        )
    except NotFound:
        raise HTTPException(404) from None
    except NotAllowed as exc:
        raise HTTPException(403, str(exc)) from None
    if not result.ok:
        return _form_page(request, user, form, raw, result.errors, number, 400, fresh=False, version=seen_version)
    done = "submitted" if submit else "saved"
    return RedirectResponse(f"/app/records/{form.name}/{result.number}?done={done}", status_code=303)


async def _confirmation(
    request: Request, user: User, form: FormDef, data: Mapping[str, object], posted: FormData, lookup: StoreLookup
) -> dict[str, object] | None:
    """A valid report that repeats last month's text is shown again with a question instead of being saved."""
    st = state(request)
    checked = await run_in_threadpool(check_only, form, data, lookup, submit=True)
    if checked.errors:
        return None  # the errors come first; save() reports them
    check = await run_in_threadpool(progress.needs_confirmation, st.store, user.unit, checked.values, posted)
    return progress.confirmation_context(form, check) if check is not None else None


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
    if record.get("unit") != user.unit:
        raise HTTPException(403, "只能修改本单位的填报。")
    if record.get("status") not in ("draft", "returned"):
        # Typically Back after submitting: show the record and why it is locked, not a bare refusal.
        return RedirectResponse(f"/app/records/{form.name}/{record['number']}?done=locked", status_code=303)
    raw = raw_from_values(form, record.get("data") or {})  # type: ignore[arg-type]
    return _form_page(request, user, form, raw, {}, str(record["number"]), 200, fresh=False, version=version_of(record))


def _history(form: FormDef, record: Doc) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    previous: Doc = {}
    labels = {f.name: f for f in form.fields()}
    for version in record.get("versions") or []:  # type: ignore[union-attr]
        assert isinstance(version, dict)
        data = version.get("data")
        changes = []
        if isinstance(data, dict):
            changed = {key: (before, after) for key, before, after in diff(previous, data)}
            for key, f in labels.items():  # in the form's own order
                if key in changed:
                    before, after = changed[key]
                    changes.append((f.label, display(f, before), display(f, after)))
            previous = data
        rows.append({"v": version, "changes": changes})
    return rows


async def view_record(request: Request) -> Response:
    user = require_user(request)
    form = _form_or_404(request)
    record = await _visible(request, user, form)
    values = record.get("data") or {}
    return render(
        request,
        "record.html",
        {
            "form": form,
            "record": record,
            "values": values,
            "display": display,
            "T": FieldType,
            "history": _history(form, record),
            "versions": len(data_versions(record)),
            "can_edit": record.get("unit") == user.unit and record.get("status") in ("draft", "returned"),
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
    if sha not in all_attachment_shas(form, record.get("data") or {}):  # type: ignore[arg-type]
        raise HTTPException(404)
    st = state(request)
    data = await run_in_threadpool(st.attachments.open, sha)
    from xietiao.forms.attachments import KINDS, sniff

    kind = sniff(data) or "pdf"
    # The name the unit gave the file (cleaned when it was stored), as it appears on the record.
    shown = next(
        (
            str(r.get("name"))
            for r in attachment_refs_in(form, record.get("data") or {})  # type: ignore[arg-type]
            if r.get("sha256") == sha and r.get("name")
        ),
        f"{sha[:12]}.{kind}",
    )
    return Response(data, media_type=KINDS[kind], headers=disposition(f"{sha[:12]}.{kind}", shown))


def routes() -> list[BaseRoute]:
    return [
        Route("/app/forms/{name}/new", new_record, methods=["GET", "POST"]),
        Route("/app/records/{form}/{number}", view_record),
        Route("/app/records/{form}/{number}/edit", edit_record, methods=["GET", "POST"]),
        Route("/app/records/{form}/{number}/{verb}", review_record, methods=["POST"]),
        Route("/app/records/{form}/{number}/files/{sha}", attachment),
    ]
