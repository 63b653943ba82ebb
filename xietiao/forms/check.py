"""Checking a submission against its form: clean typed values, or Chinese errors per field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from xietiao.forms.definitions import FieldDef, FieldType, FormDef, is_filled
from xietiao.forms.fieldtypes import MAX_ITEMS, Lookup, convert, quoted
from xietiao.jsonvalue import JSONValue

T = FieldType


@dataclass(frozen=True)
class Checked:
    values: dict[str, JSONValue]
    errors: dict[str, list[str]]

    @property
    def ok(self) -> bool:
        return not self.errors


def _active(fields: Mapping[str, FieldDef], values: Mapping[str, JSONValue]) -> set[str]:
    """Names whose condition holds; a field hidden by its own condition hides its dependants."""
    memo: dict[str, bool] = {}

    def shown(name: str) -> bool:
        if name not in memo:
            memo[name] = False  # the definition checker refuses cycles; this only keeps us finite
            when = fields[name].when
            memo[name] = when is None or (
                when.field in fields and shown(when.field) and when.holds(values.get(when.field))
            )
        return memo[name]

    return {name for name in fields if shown(name)}


def _missing(f: FieldDef, value: JSONValue, complete: bool) -> list[str]:
    return [f"{quoted(f)}为必填项"] if complete and f.required and not is_filled(value) else []


def _check_group(
    group: FieldDef,
    raw: object,
    top: Mapping[str, FieldDef],
    top_values: Mapping[str, JSONValue],
    lookup: Lookup,
    complete: bool,
) -> tuple[list[JSONValue], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        return [], {group.name: [f"{quoted(group)}须为列表（每行一项）"]}
    limit = group.max_rows or MAX_ITEMS
    if len(raw) > limit:
        return [], {group.name: [f"{quoted(group)}最多 {limit} 行，现有 {len(raw)} 行"]}
    cells = {c.name: c for c in group.fields}
    scope = {**top, **cells}
    rows: list[JSONValue] = []
    for i, row in enumerate(raw):
        if not isinstance(row, Mapping):
            errors[f"{group.name}.{i}"] = [f"第{i + 1}行格式不对"]
            continue
        for key in row:
            if key not in cells:
                errors[f"{group.name}.{i}.{key}"] = [f"未知字段“{key}”"]
        converted = {c.name: convert(c, row.get(c.name), lookup) for c in group.fields}
        if not any(is_filled(v) or e for v, e in converted.values()):
            continue  # a blank row is a spare row, not a row of missing answers
        active = _active(scope, {**top_values, **{k: v for k, (v, _) in converted.items()}})
        out: dict[str, JSONValue] = {}
        for name, (value, found) in converted.items():
            if name not in active:
                continue
            found = found or _missing(cells[name], value, complete)
            if found:
                errors[f"{group.name}.{i}.{name}"] = [f"第{i + 1}行{m}" for m in found]
            elif is_filled(value):
                out[name] = value
        rows.append(out)
    need = max(group.min_rows or 0, 1 if group.required else 0) if complete else 0
    if len(rows) < need:
        errors[group.name] = [f"{quoted(group)}为必填项" if need == 1 else f"{quoted(group)}至少填写 {need} 行"]
    return rows, errors


def check_submission(form: FormDef, data: Mapping[str, object], lookup: Lookup, *, complete: bool) -> Checked:
    """Check a draft (complete=False: nothing is required) or a submission."""
    top = {f.name: f for f in form.fields()}
    errors = {key: [f"未知字段“{key}”"] for key in data if key not in top}
    values: dict[str, JSONValue] = {}
    found: dict[str, dict[str, list[str]]] = {}
    for f in top.values():
        if f.type is not T.GROUP:
            values[f.name], messages = convert(f, data.get(f.name), lookup)
            found[f.name] = {f.name: messages} if messages else {}
    plain = dict(values)
    for f in top.values():
        if f.type is T.GROUP:
            rows, found[f.name] = _check_group(f, data.get(f.name), top, plain, lookup, complete)
            values[f.name] = rows
    active = _active(top, values)
    for f in top.values():
        if f.name in active:
            errors.update(found[f.name] or {f.name: _missing(f, values[f.name], complete)})
    errors = {key: messages for key, messages in errors.items() if messages}
    kept = {name: value for name, value in values.items() if name in active and is_filled(value)}
    return Checked(kept, errors)


def is_confidential(form: FormDef, values: Mapping[str, JSONValue]) -> bool:
    """Whether the whole record is 涉密 and must stay off the intranet site."""
    return form.confidential or (form.confidential_field is not None and values.get(form.confidential_field) is True)


def redact(form: FormDef, values: Mapping[str, JSONValue], also: Sequence[FormDef] = ()) -> dict[str, JSONValue]:
    """What may be published: {} for a confidential record, else without 涉密 fields.

    Fails closed: keys the form does not know are dropped too. `also` are other versions of the
    form the record may have been filed under: what any of them marks 涉密 stays out as well.
    """
    forms = (form, *also)
    if any(is_confidential(f, values) for f in forms):
        return {}
    secret = {f.name for each in forms for f in each.fields() if f.confidential}
    out: dict[str, JSONValue] = {}
    for f in form.fields():
        if f.name in secret or f.name not in values:
            continue
        value = values[f.name]
        if f.type is T.GROUP and isinstance(value, list):
            cells = {
                c.name for each in forms for g in each.fields() if g.name == f.name for c in g.fields if c.confidential
            }
            value = [{k: v for k, v in row.items() if k not in cells} for row in value if isinstance(row, dict)]
        out[f.name] = value
    return out
