"""HTML forms rendered from forms/*.yml: new, edit, view with history, return and accept."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import check_write, render, require_user, state
from server.downloads import disposition
from server.forms import closure, progress
from server.forms.extras import record_extras
from server.forms.posts import Post, file_lookup, read_post, store_and_save, without_new_files
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
from xietiao.cycle.issuelist import issue_projects
from xietiao.cycle.materials import filing_projects, material_start
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


def _projects_for(request: Request, user: User, form: FormDef) -> list[tuple[str, str]]:
    """The projects a form's project picker offers: the same rule as the form's own check."""
    store = state(request).store
    if form.name == "issue":
        return issue_projects(store, user)
    if form.name == "material":
        return filing_projects(store, user)
    docs = store.all("project", lambda d: user.role is not Role.UNIT or same_unit(d.get("unit"), user.unit))
    return [(str(d["number"]), str((d.get("data") or {}).get("name") or "")) for d in docs]  # type: ignore[union-attr]


def _plan_projects(request: Request, form: FormDef, raw: Raw) -> tuple[str, list[str]] | None:
    """For material filed for a meeting: its title and the projects on its plan, to warn about others."""
    number = (raw.get("meeting") or [""])[0]
    meeting = state(request).store.get("meeting", number) if form.name == "material" and number else None
    if meeting is None:
        return None
    projects = meeting.get("projects")
    return str(meeting.get("title") or number), [str(p) for p in projects] if isinstance(projects, list) else []


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
            "left": left or [],
            "units": unit_names(),
            "projects": _projects_for(request, user, form),
            "plan_projects": _plan_projects(request, form, raw),
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
    if form.name == progress.FORM and submit:
        asked = await _confirmation(request, user, form, data, post, number)
        if asked is not None:
            # Nothing is stored before the unit confirms: a file chosen this time must be chosen again.
            errors = {}
            raw = without_new_files(post, errors)
            shown = None if seen_version == NO_VERSION else seen_version
            return _form_page(request, user, form, raw, errors, number, 200, fresh=False, version=shown, extra=asked)
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


async def _confirmation(
    request: Request, user: User, form: FormDef, data: Mapping[str, object], post: Post, number: str | None
) -> dict[str, object] | None:
    """A valid report that repeats last month's text is shown again with a question instead of being saved."""
    st = state(request)
    lookup = file_lookup(request, user, form.name, number, new={u.ref.sha256 for _, _, u in post.uploads})
    checked = await run_in_threadpool(check_only, form, data, lookup, submit=True)
    if checked.errors:
        return None  # the errors come first; save() reports them
    check = await run_in_threadpool(progress.needs_confirmation, st.store, user.unit, checked.values, post.posted)
    return progress.confirmation_context(form, check) if check is not None else None


async def new_record(request: Request) -> Response:
    user = require_user(request, Role.UNIT, Role.BUREAU, Role.ADMIN)
    form = _form_or_404(request)
    if request.method == "POST":
        return await _save_post(request, user, form, None)
    # Links such as "file this month's report" pass the item: prefill top-level fields only.
    names = {f.name for f in form.fields() if f.type is not FieldType.GROUP}
    raw: Raw = {k: [v[:200]] for k, v in request.query_params.items() if k in names}
    if form.name == "material" and raw.get("project"):
        # From a workbench task: start from the project's registration and the issue it was planned with.
        st = state(request)
        project, meeting = raw["project"][0], (raw.get("meeting") or [""])[0]
        start = await run_in_threadpool(material_start, st.store, user, project, meeting)
        raw = {**raw_from_values(form, start), **raw}
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
    return await record_page(request, user, form, await _visible(request, user, form))


async def record_page(
    request: Request, user: User, form: FormDef, record: Doc, extra: dict[str, object] | None = None, status: int = 200
) -> Response:
    st = state(request)
    # Read by the form it was filed under: a later definition cannot break or hide what was filed.
    view = await run_in_threadpool(shown, st.store, form, record)
    more = await run_in_threadpool(record_extras, st.store, user, form.name, record, st.today())
    return render(
        request,
        "record.html",
        {
            **more,
            **(extra or {}),
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
            "can_review": user.role in (Role.BUREAU, Role.ADMIN)
            and record.get("status") == "submitted"
            and form.name != "closure",
            "done": request.query_params.get("done", ""),
            "list_states": {s.value: s.label for s in IssueState},
        },
        status=status,
    )  # type: ignore[return-value]


async def review_record(request: Request) -> Response:
    user = require_user(request, Role.BUREAU, Role.ADMIN)
    form = _form_or_404(request)
    posted = await request.form(max_fields=10, max_files=0)
    check_write(request, str(posted.get("csrf") or ""))
    number = request.path_params["number"]
    st = state(request)
    if form.name == "closure":  # decided through its item: confirm closure or send back, nothing else
        try:
            return await closure.decide(request, user, posted, number, request.path_params["verb"])
        except closure.Refused as exc:
            record = await _visible(request, user, form)
            typed = {"error": exc.message, "reason": exc.reason, "verb": request.path_params["verb"]}
            return await record_page(request, user, form, record, {"decision": typed}, 409)
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
