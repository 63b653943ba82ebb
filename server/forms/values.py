"""Between stored values and what an HTML form shows: field names, strings, display text."""

from __future__ import annotations

import json
from collections.abc import Mapping

from xietiao.forms.definitions import FieldDef, FieldType, FormDef
from xietiao.forms.quota import attachment_refs as attachment_refs
from xietiao.forms.quota import attachment_refs_in as attachment_refs_in
from xietiao.jsonvalue import JSONValue

T = FieldType
Raw = dict[str, list[str]]


def posted_count(value: object) -> int | None:
    """A non-negative whole number sent back by a page (a version, a page number); None otherwise."""
    text = str(value or "")
    # Nine digits at most: a longer number is no version or page of ours, and a few thousand
    # digits would pass Python's limit on converting text to an integer.
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _strings(f: FieldDef, prefix: str, value: JSONValue, raw: Raw) -> None:
    name = prefix + f.name
    if value is None:
        return
    if f.type is T.PERSON and isinstance(value, dict):
        raw[f"{name}-name"] = [str(value.get("name") or "")]
        raw[f"{name}-phone"] = [str(value.get("phone") or "")]
    elif f.type is T.YESNO:
        raw[name] = ["yes" if value is True else "no" if value is False else ""]
    elif f.type is T.ATTACHMENT:
        refs = value if isinstance(value, list) else [value]
        raw[name] = [json.dumps(r, ensure_ascii=False) for r in refs]
    elif isinstance(value, list):
        raw[name] = [str(v) for v in value]
    else:
        raw[name] = [str(value)]


def raw_from_values(form: FormDef, values: Mapping[str, JSONValue]) -> Raw:
    """Stored values as the strings an HTML form would have posted."""
    raw: Raw = {}
    for f in form.fields():
        value = values.get(f.name)
        if f.type is T.GROUP:
            for i, row in enumerate(value if isinstance(value, list) else []):
                if isinstance(row, dict):
                    for cell in f.fields:
                        _strings(cell, f"{f.name}-{i}-", row.get(cell.name), raw)
        else:
            _strings(f, "", value, raw)
    return raw


def group_row_count(f: FieldDef, raw: Raw, *, fresh: bool) -> int:
    """Rows to show: as many as were posted, one spare when all of them are filled, at least the minimum.

    A form shown again after an error keeps its number of rows instead of growing by one each time.
    """
    posted: set[int] = set()
    filled: set[int] = set()
    for key, values in raw.items():
        parts = key.split("-")
        if len(parts) >= 3 and parts[0] == f.name and parts[1].isascii() and parts[1].isdigit() and len(parts[1]) <= 4:
            posted.add(int(parts[1]))
            if any(v.strip() for v in values):
                filled.add(int(parts[1]))
    rows = max(posted) + 1 if posted else 0
    last = max(filled) + 1 if filled else 0
    wanted = max(rows, last + (1 if last >= rows else 0), f.min_rows or 1, 4 if fresh else 0)
    return min(wanted, f.max_rows or 50)


def display(f: FieldDef, value: JSONValue) -> str:
    """A stored value as plain text for record pages (the template escapes it)."""
    if value is None or value == "" or value == []:
        return "—"
    if f.type is T.YESNO:
        return "是" if value is True else "否"
    if f.type is T.PERSON and isinstance(value, dict):
        return f"{value.get('name', '')}（{value.get('phone', '')}）"
    if f.type is T.ATTACHMENT:
        refs = value if isinstance(value, list) else [value]
        return "、".join(str(r.get("name")) for r in refs if isinstance(r, dict)) or str(value)
    if f.type is T.DECIMAL:
        return f"{value} 万元" if "万元" not in f.label else str(value)
    if f.type is T.GROUP and isinstance(value, list):
        # One line per row, each cell shown by its own type: "开工：主体工程开工，2026-06-30".
        rows = []
        for row in value:
            if isinstance(row, dict):
                cells = [
                    (f"{c.label} " if c.type in (T.DATE, T.MONTH) else "") + display(c, row.get(c.name))
                    for c in f.fields
                    if row.get(c.name) not in (None, "", [])
                ]
                rows.append("，".join(cells))
        return "；".join(f"{k}. {r}" for k, r in enumerate(rows, 1)) or "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def all_attachment_shas(form: FormDef, values: Mapping[str, JSONValue]) -> set[str]:
    return {str(r["sha256"]) for r in attachment_refs_in(form, values)}


def kept_attachment_name(posted: str) -> str:
    """The file name in a posted attachment reference, or "" when the post is not one of ours."""
    try:
        ref = json.loads(posted)
    except ValueError:
        return ""
    return str(ref.get("name") or "") if isinstance(ref, dict) and isinstance(ref.get("sha256"), str) else ""
