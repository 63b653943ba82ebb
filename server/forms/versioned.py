"""Records read by the form they were filed under: record pages, history, old drafts, attachments."""

from __future__ import annotations

from dataclasses import dataclass

from server.forms.values import attachment_refs_in, display
from xietiao.forms.compat import carry_over
from xietiao.forms.definitions import FieldType, FormDef
from xietiao.forms.submissions import data_versions, diff
from xietiao.forms.versions import filed_version, form_of_record, forms_of_versions, version_form
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.store.engine import Store


@dataclass(frozen=True)
class Shown:
    """What a record page shows: the record's own form, and anything that form has no field for."""

    form: FormDef
    values: Doc
    version: int  # the version it was filed under
    current: int  # today's version of the form
    extra: tuple[tuple[str, str], ...]  # (key, text) of values no field of its form names


def _data(record: Doc) -> Doc:
    data = record.get("data")
    return data if isinstance(data, dict) else {}


def _safe_values(form: FormDef, values: Doc) -> Doc:
    """Values whose shape does not fit the field (a group that is not a list of rows) are shown as text."""
    out = dict(values)
    for f in form.fields():
        value = out.get(f.name)
        if f.type is FieldType.GROUP and value is not None and not _rows(value):
            out[f.name] = None
    return out


def _rows(value: JSONValue) -> bool:
    return isinstance(value, list) and all(isinstance(r, dict) for r in value)


def shown(store: Store, current: FormDef, record: Doc) -> Shown:
    form = form_of_record(store, current, record)
    values = _data(record)
    names = {f.name for f in form.fields()}
    extra = [(k, str(v)) for k, v in values.items() if k not in names and v not in (None, "", [])]
    for f in form.fields():
        value = values.get(f.name)
        if f.type is FieldType.GROUP and value is not None and not _rows(value):
            extra.append((f.label, str(value)))
    return Shown(form, _safe_values(form, values), filed_version(record), current.version, tuple(extra))


def history(store: Store, current: FormDef, record: Doc) -> list[dict[str, object]]:
    """Each saved version with what changed, labelled and shown by the form that version was filed under."""
    rows: list[dict[str, object]] = []
    previous: Doc = {}
    previous_form = current
    for version in record.get("versions") or []:  # type: ignore[union-attr]
        assert isinstance(version, dict)
        data = version.get("data")
        changes = []
        if isinstance(data, dict):
            form = version_form(store, current, version)
            fields = {f.name: f for f in previous_form.fields()} | {f.name: f for f in form.fields()}
            order = [f.name for f in form.fields()] + [n for n in fields if n not in {f.name for f in form.fields()}]
            changed = {key: (before, after) for key, before, after in diff(previous, data)}
            for key in order + sorted(k for k in changed if k not in fields):
                if key in changed:
                    before, after = changed[key]
                    f = fields.get(key)
                    label = f.label if f else key
                    shown_before = display(f, before) if f else str(before)
                    shown_after = display(f, after) if f else str(after)
                    changes.append((label, shown_before, shown_after))
            previous, previous_form = data, form
        rows.append({"v": version, "changes": changes})
    return rows


def edit_values(store: Store, current: FormDef, record: Doc) -> tuple[Doc, list[tuple[str, str]]]:
    """An old draft's values on today's form, and what did not fit, as (where, text) to show above it."""
    own = form_of_record(store, current, record)
    values, left = carry_over(store, own, current, _data(record))
    return values, [(where, display(f, value)) for where, f, value in left]


def all_attachment_refs(store: Store, current: FormDef, record: Doc) -> list[dict[str, JSONValue]]:
    """Attachment references in the record's current data, found by each form it may have been filed under."""
    refs: list[dict[str, JSONValue]] = []
    for form in forms_of_versions(store, current, record):
        refs += attachment_refs_in(form, _data(record))
    return refs


def held_attachments(store: Store, current: FormDef, record: Doc) -> set[str]:
    """Every file any saved version of the record refers to, each version read by its own form."""
    held: set[str] = set()
    for version in data_versions(record):
        data = version.get("data")
        if isinstance(data, dict):
            for form in (version_form(store, current, version), current):
                held |= {str(r["sha256"]) for r in attachment_refs_in(form, data)}
    return held
