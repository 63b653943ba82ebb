"""A form post on its way in: uploads checked before anything is stored, the quota, the save with its files."""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from server.context import check_write, session_of, state
from server.forms.values import Raw
from server.forms.versioned import held_attachments
from xietiao.accounts import User
from xietiao.forms.attachments import AttachmentRejected, AttachmentStore, Upload
from xietiao.forms.definitions import FieldDef, FieldType, FormDef
from xietiao.forms.quota import quota_problem
from xietiao.forms.submissions import SaveResult, StoreLookup, save
from xietiao.model import Role
from xietiao.units import same_unit

MAX_FIELDS = 600


@dataclass
class Post:
    """A form post read: its strings, the files it brought (checked, not yet stored), and upload errors."""

    posted: FormData
    raw: Raw
    errors: dict[str, list[str]]
    uploads: list[tuple[str, FieldDef, Upload]]


NOT_KEPT = "本次选择的文件未保存（表单有其他问题），改正后请重新选择该文件"


async def read_post(request: Request, form: FormDef) -> Post:
    """The post as strings; each upload is checked (kind, size, structure) but nothing is stored yet."""
    posted = await request.form(max_fields=MAX_FIELDS, max_files=20, max_part_size=1024 * 1024)
    # Check the request before reading any upload: a forged post must leave nothing behind.
    check_write(request, str(posted.get("csrf") or ""))
    post = Post(posted, {}, {}, [])
    st = state(request)
    for key, value in posted.multi_items():
        if key in ("csrf", "action", "version"):
            continue
        if not isinstance(value, UploadFile):
            post.raw.setdefault(key, []).append(value)
            continue
        if not value.filename:
            continue
        field = _attachment_field(form, key)
        if field is None:
            post.errors.setdefault(key, []).append("未知字段")
            continue
        accept = set(field.accept or ("pdf", "docx", "xlsx", "png", "jpg"))
        limit = min((field.max_mb or 10**6) * 1024 * 1024, st.upload_limit)
        data = await value.read(limit + 1)  # never more than one byte past the limit in memory
        try:
            upload = await run_in_threadpool(st.attachments.check, data, value.filename, accept, limit)
        except AttachmentRejected as exc:
            post.errors.setdefault(key, []).append(f"“{field.label}”：{exc.message}")
            continue
        post.uploads.append((key, field, upload))
        if not field.multiple:
            post.raw[key] = []  # a new file replaces the one kept from before
        post.raw.setdefault(key, []).append(json.dumps(upload.ref.to_json(), ensure_ascii=False))
    return post


def without_new_files(post: Post, errors: dict[str, list[str]]) -> Raw:
    """The post as the form is shown again: new files were not stored, so they are not kept, and say so."""
    new = {json.dumps(u.ref.to_json(), ensure_ascii=False) for _, _, u in post.uploads}
    for key, field, _ in post.uploads:
        if key not in errors:
            errors.setdefault(key, []).append(f"“{field.label}”：{NOT_KEPT}")
    return {k: [v for v in values if v not in new] for k, values in post.raw.items()}


def _attachment_field(form: FormDef, key: str) -> FieldDef | None:
    parts = key.split("-")
    for f in form.fields():
        if f.name == parts[0] and f.type is FieldType.ATTACHMENT and len(parts) == 1:
            return f
        if f.name == parts[0] and f.type is FieldType.GROUP and len(parts) == 3:
            return next((c for c in f.fields if c.name == parts[2] and c.type is FieldType.ATTACHMENT), None)
    return None


class _WithNew:
    """The attachment store as the checker sees it during a post: its files, plus the post's new ones."""

    def __init__(self, files: AttachmentStore, new: set[str]) -> None:
        self.files, self.new = files, new

    def exists(self, sha256: str) -> bool:
        return sha256 in self.new or self.files.exists(sha256)


def file_lookup(
    request: Request, user: User, form: str, number: str | None, new: set[str] | None = None
) -> StoreLookup:
    """The checker's lookup; a unit may refer only to files it uploaded or its record already holds.

    `new` are the files of the post being checked: they are stored only if the post is saved.
    """
    st = state(request)
    files = _WithNew(st.attachments, new or set())
    if user.role in (Role.BUREAU, Role.ADMIN):
        return StoreLookup(st.store, files, today=st.today())
    session = session_of(request)
    uploads = session.uploads if session is not None else set()
    record = st.store.get(form, number) if number else None
    mine = record if record is not None and same_unit(record.get("unit"), user.unit) else None
    # Only real attachment references of the record count, not a hash typed into one of its text fields.
    # Every save keeps its data as a version, the current one included, each read by its own form.
    held = held_attachments(st.store, st.forms[form], mine) if mine is not None else set()
    fresh = new or set()
    return StoreLookup(
        st.store, files, today=st.today(), may_use=lambda sha: sha in uploads or sha in held or sha in fresh
    )


def store_and_save(
    request: Request,
    user: User,
    form: FormDef,
    post: Post,
    data: dict[str, object],
    number: str | None,
    seen: int | None,
) -> SaveResult:
    """The quota, the new files and the record together: a refused post leaves no file behind."""
    st = state(request)
    uploads = [u for _, _, u in post.uploads]
    lookup = file_lookup(request, user, form.name, number, new={u.ref.sha256 for u in uploads})
    with st.attachments.posting():
        over = quota_problem(st.store, st.forms, st.attachments, user.unit, uploads, st.unit_quota) if uploads else ""
        if over:
            first_key, first_field, _ = post.uploads[0]
            return SaveResult(errors={first_key: [f"“{first_field.label}”：{over}"]})
        written = st.attachments.write_new(uploads)
        try:
            result = save(
                st.store, form, user, data, submit=post.posted.get("action") == "submit", today=st.today(),
                lookup=lookup, number=number, seen_version=seen,
            )  # fmt: skip
        except BaseException:
            st.attachments.remove(written)
            raise
        if not result.ok:
            st.attachments.remove(written)
            return result
    session = session_of(request)
    if session is not None:
        # This session stored them: it may refer to them again (another draft of the same matter).
        session.uploads.update(u.ref.sha256 for u in uploads)
    return result
