"""JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it) of a form's API values."""

from __future__ import annotations

from decimal import Decimal

from xietiao.forms.attachments import KINDS, SHA256
from xietiao.forms.definitions import Bound, FieldDef, FieldType, FormDef
from xietiao.jsonvalue import JSONValue

T = FieldType
DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The shapes check_submission accepts, written as ECMA-262 patterns.
PHONE_PATTERN = r"^(1[3-9]\d{9}|0\d{2,3}-\d{7,8})$"
PROJECT_PATTERN = r"^[A-Z]{1,2}-\d{4}-\d{4,6}$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
_DIGITS = r"(\d{1,15}|\d{1,3}([,，]\d{3})+)"

Schema = dict[str, JSONValue]


def json_schema(form: FormDef) -> Schema:
    """The schema of a complete submission; a draft may leave required fields out.

    The checker is a little more forgiving than the schema (it trims blanks around text
    and inside phone numbers, and skips blank group rows); the schema states the
    canonical shape, so whatever the schema accepts the checker accepts in shape.
    """
    schema: Schema = {"$schema": DIALECT, "title": form.title}
    if form.help:
        schema["description"] = form.help
    schema.update(_object(list(form.fields())))
    return schema


def _object(fields: list[FieldDef]) -> Schema:
    names = {f.name for f in fields}
    required = [f.name for f in fields if f.required and f.when is None]
    properties: Schema = {}
    for f in fields:
        prop = _property(f)
        properties[f.name] = prop if f.name in required else _nullable(prop)
    out: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    # Conditions on a field of the same object become if/then; a group cell that depends
    # on a top-level field cannot be said in JSON Schema and is left to the checker.
    rules: list[JSONValue] = [_if_then(f) for f in fields if f.required and f.when and f.when.field in names]
    if rules:
        out["allOf"] = rules
    return out


def _if_then(f: FieldDef) -> Schema:
    assert f.when is not None
    other = f.when.field
    test: Schema = {"const": f.when.equals} if f.when.filled is None else {"not": {"enum": [None, "", [], {}]}}
    condition: Schema = {"properties": {other: test}, "required": [other]}
    if f.when.filled is False:
        condition = {"not": condition}
    return {"if": condition, "then": {"required": [f.name], "properties": {f.name: {"not": {"type": "null"}}}}}


def _nullable(prop: Schema) -> Schema:
    # The checker reads null as "not filled", exactly like a missing key.
    kind = prop["type"]
    out = dict(prop)
    out["type"] = [*kind, "null"] if isinstance(kind, list) else [kind, "null"]
    if isinstance(prop.get("enum"), list):
        out["enum"] = [*prop["enum"], None]  # type: ignore[misc]
    return out


def _number(bound: Bound | None) -> JSONValue:
    if isinstance(bound, Decimal):
        return int(bound) if bound == bound.to_integral_value() else float(bound)
    return bound if isinstance(bound, int) else None


def _described(f: FieldDef, schema: Schema) -> Schema:
    out: Schema = {"title": f.label}
    notes = [f.help] if f.help else []
    if f.type in (T.DATE, T.MONTH) and (f.minimum or f.maximum):
        shown = {None: "不限", "today": "提交当日"}
        notes.append(f"范围：{shown.get(f.minimum, f.minimum)} 至 {shown.get(f.maximum, f.maximum)}")  # type: ignore[arg-type]
    if f.confidential:
        notes.append("不公开（仅内部）字段，不会发布到内网站点")
    if notes:
        out["description"] = "；".join(notes)
    out.update(schema)
    return out


def _many(f: FieldDef, item: Schema) -> Schema:
    return {"type": "array", "items": item, "uniqueItems": True} if f.multiple else item


def _property(f: FieldDef) -> Schema:
    return _described(f, _shape(f))


def _shape(f: FieldDef) -> Schema:
    if f.type in (T.TEXT, T.TEXTAREA):
        text: Schema = {"type": "string", "maxLength": f.max_length}
        if f.min_length:
            text["minLength"] = f.min_length
        if f.pattern:
            text["pattern"] = f"^(?:{f.pattern})$"
        return text
    if f.type in (T.INTEGER, T.DECIMAL):
        number: Schema = (
            {"type": "integer"}
            if f.type is T.INTEGER
            else {
                "type": ["string", "number"],
                # Digits, or digits grouped by commas as people write amounts (52,000.50), as the checker takes.
                "pattern": rf"^[+-]?{_DIGITS}(\.\d{{1,{f.decimals}}}0*)?$"
                if f.decimals
                else rf"^[+-]?{_DIGITS}(\.0+)?$",
            }
        )
        for key, bound in (("minimum", f.minimum), ("maximum", f.maximum)):
            if bound is not None:
                number[key] = _number(bound)
        return number
    if f.type is T.DATE:
        return {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    if f.type is T.MONTH:
        return {"type": "string", "pattern": MONTH_PATTERN}
    if f.type is T.SELECT:
        return {"type": "string", "enum": list(f.choices)}
    if f.type is T.MULTISELECT:
        return {
            "type": "array",
            "items": {"type": "string", "enum": list(f.choices)},
            "uniqueItems": True,
            "maxItems": len(f.choices),
        }
    if f.type is T.UNIT:
        return _many(f, {"type": "string", "minLength": 1})
    if f.type is T.PROJECT:
        return {"type": "string", "pattern": PROJECT_PATTERN}
    if f.type is T.PERSON:
        return {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "phone"],
            "properties": {
                "name": {"type": "string", "title": "姓名", "minLength": 1, "maxLength": 30},
                "phone": {"type": "string", "title": "电话", "pattern": PHONE_PATTERN},
            },
        }
    if f.type is T.YESNO:
        return {"type": "boolean"}
    if f.type is T.ATTACHMENT:
        return _many(f, _attachment(f))
    assert f.type is T.GROUP, f.type
    rows: Schema = {"type": "array", "items": _object(list(f.fields))}
    least = max(f.min_rows or 0, 1 if f.required else 0)
    if least:
        rows["minItems"] = least
    if f.max_rows is not None:
        rows["maxItems"] = f.max_rows
    return rows


def _attachment(f: FieldDef) -> Schema:
    """A reference returned by the upload endpoint, posted back unchanged."""
    size: Schema = {"type": "integer", "minimum": 1}
    if f.max_mb is not None:
        size["maximum"] = f.max_mb * 1024 * 1024
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["sha256", "name", "size", "mime"],
        "properties": {
            "sha256": {"type": "string", "pattern": f"^{SHA256.pattern}$"},
            "name": {"type": "string", "minLength": 1},
            "size": size,
            "mime": {"type": "string", "enum": [KINDS[k] for k in f.accept]},
        },
    }
