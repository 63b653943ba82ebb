"""Reading an HTML form post (repeated keys, group cells as `group-0-field`) into API-shaped values."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from xietiao.forms.definitions import FieldDef, FieldType, FormDef
from xietiao.forms.fieldtypes import RepeatedValue

T = FieldType


def values_from_form(form: FormDef, multi: Mapping[str, Sequence[str]]) -> dict[str, object]:
    """Turn an HTML post (repeated keys, group cells as `group-0-field`) into API-shaped values.

    Attachments are posted as the JSON of their reference, which the server put into a hidden
    input after storing the upload. Keys we cannot place are kept, so the check reports them.
    """
    top = {f.name: f for f in form.fields()}
    out: dict[str, object] = {}
    rows: dict[str, dict[int, dict[str, object]]] = {}
    for key, posted in multi.items():
        place = _place(top, key.split("-"))
        if place is None:
            out[key] = posted[0] if len(posted) == 1 else list(posted)
            continue
        f, group, index, part = place
        bucket = out if group is None else rows.setdefault(group, {}).setdefault(index, {})
        if part is None:
            bucket[f.name] = _from_strings(f, posted)
        else:
            person = bucket.setdefault(f.name, {})
            person[part] = posted[0] if len(posted) == 1 else RepeatedValue(tuple(posted))  # type: ignore[index]
    for name, by_index in rows.items():
        out[name] = [row for _, row in sorted(by_index.items()) if not all(map(_blank, row.values()))]
    return {key: value for key, value in out.items() if not _blank(value)}


def _place(top: Mapping[str, FieldDef], parts: list[str]) -> tuple[FieldDef, str | None, int, str | None] | None:
    f, group, index = top.get(parts[0]), None, 0
    if f is not None and f.type is T.GROUP:
        cells = {c.name: c for c in f.fields}
        if len(parts) < 3 or not re.fullmatch(r"\d{1,4}", parts[1], re.ASCII) or parts[2] not in cells:
            return None
        f, group, index, parts = cells[parts[2]], f.name, int(parts[1]), parts[2:]
    if f is None:
        return None
    if f.type is T.PERSON:
        return (f, group, index, parts[1]) if len(parts) == 2 and parts[1] in ("name", "phone") else None
    return (f, group, index, None) if len(parts) == 1 else None


def _from_strings(f: FieldDef, posted: Sequence[str]) -> object:
    if f.type is T.MULTISELECT or f.multiple:
        items = [p for p in posted if p.strip()]
        return [_json(p) for p in items] if f.type is T.ATTACHMENT else items
    if len(posted) > 1:
        return RepeatedValue(tuple(posted))
    text = posted[0].strip() if posted else ""
    if not text:
        return None
    if f.type is T.INTEGER:
        return int(text) if re.fullmatch(r"[+-]?\d{1,18}", text, re.ASCII) else text
    if f.type is T.YESNO:
        return {"yes": True, "no": False}.get(text, text)
    return _json(text) if f.type is T.ATTACHMENT else posted[0]


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _blank(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(v, str) and not v.strip() for v in value.values())
    return value is None or value == [] or (isinstance(value, str) and not value.strip())
