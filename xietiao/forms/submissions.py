"""Form records and their lifecycle: draft -> submitted -> returned -> accepted, every version kept."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from xietiao.accounts import User
from xietiao.forms.check import check_submission, is_confidential
from xietiao.forms.definitions import FormDef
from xietiao.forms.fieldtypes import Lookup
from xietiao.jsonvalue import Doc, JSONValue, copy_value
from xietiao.model import Role, SubmissionStatus, record_number
from xietiao.store.engine import Store, now_iso
from xietiao.units import bureau_name, same_unit, unit_by_name

EDITABLE = (SubmissionStatus.DRAFT.value, SubmissionStatus.RETURNED.value)


class NotAllowed(Exception):
    """The user may not do this to this record; the message is for the user."""


class NotYours(NotAllowed):
    """The record belongs to another unit (the bureau may see it, but not edit it)."""


class NotFound(Exception):
    """No such record, or one the user may not see (both look the same to them)."""


@dataclass(frozen=True)
class SaveResult:
    number: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, JSONValue] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class StoreLookup(Lookup):
    """Answers the form checker's questions about units, projects and attachments."""

    def __init__(
        self,
        store: Store,
        attachment_exists: object = None,
        may_use: Callable[[str], bool] | None = None,
        today: date | None = None,
    ) -> None:
        self._store = store
        self._attachments = attachment_exists
        self._may_use = may_use
        self._today = today

    def today(self) -> date | None:
        """The day of the submission, for fields with `max: today`."""
        return self._today

    def unit_exists(self, name: str) -> bool:
        return unit_by_name(name) is not None

    def project_exists(self, number: str) -> bool:
        return self._store.get("project", number) is not None

    def attachment_exists(self, sha256: str) -> bool:
        check = getattr(self._attachments, "exists", None)
        if self._may_use is not None and not self._may_use(sha256):
            return False  # said the same way as a missing file: whether it exists is not told
        return bool(check(sha256)) if callable(check) else False


def can_see(user: User, record: Doc) -> bool:
    if user.role in (Role.BUREAU, Role.ADMIN, Role.LEADER):
        return True
    return same_unit(record.get("unit"), user.unit)


def get_visible(store: Store, form: str, number: str, user: User) -> Doc:
    record = store.get(form, number)
    if record is None or not can_see(user, record):
        raise NotFound(number)
    return record


STALE = "_stale"  # the error key for "someone saved this record after you opened it"
STALE_TEXT = (
    "这条填报在您打开之后已被他人保存过。为免覆盖，本次未保存：请复制您填写的内容，刷新页面查看最新版本后再修改。"
)
NO_VERSION = -1  # what an edit that does not say its version passes as seen_version: it never matches
MISSING_VERSION = (
    "这次修改没有带上您打开时的版本号，无法确认期间没有他人保存过，为免覆盖本次未保存："
    "请复制您填写的内容，刷新页面后再修改。"
)


def check_only(form: FormDef, data: Mapping[str, object], lookup: Lookup, *, submit: bool) -> SaveResult:
    """The field checks alone, for a post that cannot be saved anyway (e.g. a refused upload)."""
    checked = check_submission(form, data, lookup, complete=submit)
    return SaveResult(errors=dict(checked.errors), values=dict(checked.values))


def version_of(record: Doc) -> int:
    versions = record.get("versions")
    return len(versions) if isinstance(versions, list) else 0


def save(
    store: Store,
    form: FormDef,
    user: User,
    data: Mapping[str, object],
    *,
    submit: bool,
    today: date,
    lookup: Lookup,
    number: str | None = None,
    seen_version: int | None = None,
) -> SaveResult:
    """Save a draft or submit; nothing is stored unless the whole check passes.

    `seen_version` is the record's version when the user opened it: if someone saved it since,
    nothing is stored and the user is told (two clerks of one unit editing one draft). Pages and
    the API pass NO_VERSION for an edit that names none: it is refused the same way.
    """
    if user.role is Role.LEADER:
        raise NotAllowed(f"{Role.LEADER.label}账号不填报表单。")
    checked = check_submission(form, data, lookup, complete=submit)
    values: Doc = dict(checked.values)
    if checked.errors:
        return SaveResult(errors=dict(checked.errors), values=values)
    status = SubmissionStatus.SUBMITTED if submit else SubmissionStatus.DRAFT
    with store.batch():
        # Inside the batch: the rules look at other records (one report per item and month, ...),
        # and no other writer may slip in between the look and the write.
        errors = form.rule.extra_errors(store, user, values) if submit and form.rule else {}
        if number is not None:
            # Who may edit comes first: a stale or missing version is news only to the record's own unit.
            current = get_visible(store, form.name, number, user)
            if not same_unit(current.get("unit"), user.unit):
                raise NotYours("只能修改本单位的填报。")
            if current.get("status") not in EDITABLE:
                raise NotAllowed(f"已提交的填报已锁定；如需修改，请联系{bureau_name()}退回。")
            if seen_version is not None and version_of(current) != seen_version:
                errors[STALE] = [STALE_TEXT if seen_version >= 0 else MISSING_VERSION]
        if errors:
            return SaveResult(errors=errors, values=values)
        if number is None:
            seq = store.next_number(f"{form.prefix}-{today.year}")
            number = record_number(form.prefix, today.year, seq)
            record: Doc = {
                "number": number,
                "form": form.name,
                "unit": user.unit,
                "author": user.username,
                "status": status.value,
                "data": values,
                "versions": [],
                "confidential": is_confidential(form, values),
                "return_reason": "",
            }
            _add_version(record, user, status, values, "", form.version)
            store.insert(form.name, record, actor=user.username, action=_verb(status, new=True))
        else:

            def change(doc: Doc) -> None:
                doc.update(status=status.value, data=values, confidential=is_confidential(form, values))
                _add_version(doc, user, status, values, "", form.version)

            store.update(form.name, number, change, actor=user.username, action=_verb(status, new=False))
        if submit:
            saved = store.get(form.name, number)
            assert saved is not None
            if form.rule:
                form.rule.run_after_submit(store, user, saved)
    return SaveResult(number=number, values=dict(values))


def return_record(store: Store, form: str, number: str, user: User, reason: str) -> Doc:
    """The bureau sends a submission back with a reason; the unit may edit it again."""
    _require_bureau(user)
    if not reason.strip():
        raise NotAllowed("退回时必须写明理由。")
    return _transition(store, form, number, user, SubmissionStatus.RETURNED, reason.strip(), "退回")


def accept_record(store: Store, form: str, number: str, user: User, note: str = "") -> Doc:
    _require_bureau(user)
    return _transition(store, form, number, user, SubmissionStatus.ACCEPTED, note.strip(), "受理")


def _transition(store: Store, form: str, number: str, user: User, to: SubmissionStatus, note: str, verb: str) -> Doc:
    def change(doc: Doc) -> None:
        doc["status"] = to.value
        if to is SubmissionStatus.RETURNED:
            doc["return_reason"] = note
        versions = doc.get("versions")
        if isinstance(versions, list):
            versions.append(
                {
                    "version": len(versions) + 1,
                    "status": to.value,
                    "data": None,
                    "at": _now(),
                    "by": user.username,
                    "note": note,
                }
            )

    # Look and change in one batch: an accept and a return clicked at once cannot both pass.
    with store.batch():
        current = get_visible(store, form, number, user)
        if current.get("status") != SubmissionStatus.SUBMITTED.value:
            raise NotAllowed(f"只有“已提交”的填报才能{verb}；当前状态：{SubmissionStatus(current['status']).label}。")
        return store.update(form, number, change, actor=user.username, action=verb)


def _require_bureau(user: User) -> None:
    if user.role not in (Role.BUREAU, Role.ADMIN):
        raise NotAllowed(f"只有{bureau_name()}可以退回或受理填报。")


def _add_version(doc: Doc, user: User, status: SubmissionStatus, values: Doc, note: str, form_version: int) -> None:
    versions = doc.setdefault("versions", [])
    assert isinstance(versions, list)
    entry: Doc = {
        "version": len(versions) + 1,
        "status": status.value,
        "data": copy_value(values),
        "at": _now(),
        "by": user.username,
        "note": note,
    }
    if form_version:
        # The form this data was filed under: its pages, exports and API read it by that form (forms.versions).
        entry["form_version"] = form_version
        doc["form_version"] = form_version
    versions.append(entry)


def _verb(status: SubmissionStatus, *, new: bool) -> str:
    if status is SubmissionStatus.SUBMITTED:
        return "提交" if new else "修改后提交"
    return "保存草稿"


def _now() -> str:
    return now_iso()


def diff(old: Mapping[str, JSONValue], new: Mapping[str, JSONValue]) -> list[tuple[str, JSONValue, JSONValue]]:
    """Fields whose value changed between two versions: (field, before, after)."""
    keys = sorted(set(old) | set(new))
    return [(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


def data_versions(record: Doc) -> list[Doc]:
    """The versions that carry data (saves and submits), oldest first."""
    versions = record.get("versions")
    return (
        [v for v in versions if isinstance(v, dict) and v.get("data") is not None] if isinstance(versions, list) else []
    )
