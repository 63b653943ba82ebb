"""Checking a submission against its form: clean typed values, or Chinese errors per field."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from .attachments import BIDI_CONTROLS, KIND_BY_MIME, SHA256, accepted_text, clean_name
from .formdefs import TODAY, Bound, FieldDef, FieldType, FormDef, is_filled
from .jsonvalue import JSONValue

T = FieldType


class Lookup(Protocol):
    def unit_exists(self, name: str) -> bool: ...
    def project_exists(self, number: str) -> bool: ...
    def attachment_exists(self, sha256: str) -> bool: ...


@dataclass(frozen=True)
class Checked:
    values: dict[str, JSONValue]
    errors: dict[str, list[str]]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class RepeatedValue:
    """An HTML post that sent a single-valued field more than once."""
    values: tuple[str, ...]


class _Invalid(Exception):
    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


_DECIMAL = re.compile(r"[+-]?\d{1,15}(\.\d+)?", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])", re.ASCII)
_PROJECT = re.compile(r"[A-Z]{1,2}-\d{4}-\d{4,6}", re.ASCII)
_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_LANDLINE = re.compile(r"0\d{2,3}-\d{7,8}", re.ASCII)
_PLACES = {1: "一位", 2: "两位", 3: "三位", 4: "四位", 5: "五位", 6: "六位"}
_MAX_ITEMS = 200  # a cap on any list so a hostile post cannot make us do unbounded lookups
_REF_KEYS = {"sha256", "name", "size", "mime"}


def clean_text(text: str, *, multiline: bool = False) -> str:
    """NFC, no control or direction-override characters, no surrounding blanks."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    keep = "\n\t" if multiline else ""
    text = "".join(c for c in text.translate(BIDI_CONTROLS) if c in keep or unicodedata.category(c) != "Cc")
    return text.strip()


def _broken_text(text: str) -> bool:
    """Half of a UTF-16 pair, which JSON can spell ("\\ud800") and no file can store."""
    return any(unicodedata.category(c) == "Cs" for c in text)


def _q(f: FieldDef) -> str:
    return f"“{f.label}”"


def _string(f: FieldDef, raw: object, *, multiline: bool = False) -> str:
    if isinstance(raw, RepeatedValue):
        raise _Invalid(f"{_q(f)}只能填一个值")
    if not isinstance(raw, str):
        raise _Invalid(f"{_q(f)}须为文字")
    if _broken_text(raw):
        raise _Invalid(f"{_q(f)}含有无法识别的字符（常见于从其他系统复制的乱码），请删除后重新输入")
    return clean_text(raw, multiline=multiline)


def _items(f: FieldDef, raw: object) -> list[object]:
    if not isinstance(raw, list):
        raise _Invalid(f"{_q(f)}须为列表")
    if len(raw) > _MAX_ITEMS:
        raise _Invalid(f"{_q(f)}的项数过多")
    return raw


def _unique(f: FieldDef, items: list[str]) -> None:
    if len(set(items)) != len(items):
        raise _Invalid(f"{_q(f)}有重复项")


def _in_range(f: FieldDef, value: Bound, *, early: str = "小于", late: str = "大于",
              lookup: Lookup | None = None) -> None:
    for bound, beyond, word in ((f.minimum, lambda v, b: v < b, early), (f.maximum, lambda v, b: v > b, late)):
        if bound == TODAY:
            today = _today(lookup)
            if today is None:
                continue
            bound, shown = (today, "今天") if f.type is FieldType.DATE else (today.isoformat()[:7], "本月")
        else:
            shown = f" {bound}"
        if bound is not None and beyond(value, bound):
            raise _Invalid(f"{_q(f)}不能{word}{shown}")


def _today(lookup: Lookup | None) -> date | None:
    """The day of the submission, from lookups that know it (the store's does)."""
    get = getattr(lookup, "today", None)
    value = get() if callable(get) else None
    return value if isinstance(value, date) else None


def _text(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    text = _string(f, raw, multiline=f.type is T.TEXTAREA)
    if not text:
        return None
    if f.max_length is not None and len(text) > f.max_length:
        raise _Invalid(f"{_q(f)}最多 {f.max_length} 个字，现有 {len(text)} 个字")
    if f.min_length is not None and len(text) < f.min_length:
        raise _Invalid(f"{_q(f)}至少 {f.min_length} 个字")
    if f.pattern is not None and not re.fullmatch(f.pattern, text):
        raise _Invalid(f"{_q(f)}格式不对" + (f"（示例：{f.placeholder}）" if f.placeholder else ""))
    return text


def _integer(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    if type(raw) is not int:  # bool is a subclass of int, but “是” is not 1
        raise _Invalid(f"{_q(f)}须为整数")
    _in_range(f, raw)
    return raw


_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?")


def _decimal(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    wrong = _Invalid(f"{_q(f)}须为数字，最多{_PLACES[f.decimals]}小数" if f.decimals else f"{_q(f)}须为整数")
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise wrong
    # repr() of a float is its shortest exact spelling: 0.1 + 0.2 shows all its garbage digits.
    text = _string(f, raw) if isinstance(raw, str) else repr(raw)
    if not text:
        return None
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "").replace("，", "")    # 52,000.50 as people write amounts
    if not _DECIMAL.fullmatch(text):
        raise wrong
    number = Decimal(text)
    if -min(0, int(number.normalize().as_tuple().exponent)) > f.decimals:
        raise wrong
    _in_range(f, number)
    return str(number.quantize(Decimal(1).scaleb(-f.decimals)))


def _date(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    text = _string(f, raw)
    if not text:
        return None
    try:
        # fromisoformat alone would also take "20261128" and week dates.
        day = date.fromisoformat(text) if _DATE.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        raise _Invalid(f"{_q(f)}不是有效日期（格式：2026-11-28）")
    _in_range(f, day, early="早于", late="晚于", lookup=lookup)
    return text


def _month(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    text = _string(f, raw)
    if text and not _MONTH.fullmatch(text):
        raise _Invalid(f"{_q(f)}不是有效月份（格式：2026-11）")
    if text:
        _in_range(f, text, early="早于", late="晚于", lookup=lookup)
    return text or None


def _select(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    if raw == "":
        return None
    if not isinstance(raw, str) or raw not in f.choices:
        raise _Invalid(f"{_q(f)}只能选：{'、'.join(f.choices)}")
    return raw


def _multiselect(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    items = _items(f, raw)
    for item in items:
        if not isinstance(item, str) or item not in f.choices:
            raise _Invalid(f"{_q(f)}中的“{item}”不是可选项；可选：{'、'.join(f.choices)}")
    _unique(f, items)  # type: ignore[arg-type]
    return [c for c in f.choices if c in items] or None


def _unit(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    if f.multiple:
        names = [n for n in (_one_unit(f, item, lookup) for item in _items(f, raw)) if n]
        _unique(f, names)
        return names or None  # type: ignore[return-value]
    return _one_unit(f, raw, lookup) or None


def _one_unit(f: FieldDef, raw: object, lookup: Lookup) -> str:
    name = _string(f, raw)
    if name and not lookup.unit_exists(name):
        raise _Invalid(f"{_q(f)}：“{name}”不是系统中登记的单位")
    return name


def _project(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    number = _string(f, raw)
    if not number:
        return None
    if not _PROJECT.fullmatch(number):
        raise _Invalid(f"{_q(f)}须为项目编号，如 P-2026-0001")
    if not lookup.project_exists(number):
        raise _Invalid(f"{_q(f)}：项目编号 {number} 不存在")
    return number


def _person(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    if not isinstance(raw, Mapping) or set(raw) - {"name", "phone"}:
        raise _Invalid(f"{_q(f)}须写成姓名和电话两项")
    name = _string(f, raw.get("name", ""))
    phone = re.sub(r"\s+", "", _string(f, raw.get("phone", "")))
    if not name and not phone:
        return None
    problems = []
    if not name or len(name) > 30:
        problems.append(f"{_q(f)}须填写姓名（不超过 30 个字）")
    if not (_MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone)):
        problems.append(f"{_q(f)}的电话须为 11 位手机号，或带区号的座机号（如 0577-12345678）")
    if problems:
        raise _Invalid(*problems)
    return {"name": name, "phone": phone}


def _attachment(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    if not f.multiple:
        return _one_ref(f, raw, lookup)
    refs = [_one_ref(f, item, lookup) for item in _items(f, raw)]
    _unique(f, [ref["sha256"] for ref in refs])  # type: ignore[misc]
    return refs or None  # type: ignore[return-value]


def _one_ref(f: FieldDef, raw: object, lookup: Lookup) -> dict[str, JSONValue]:
    if not isinstance(raw, Mapping) or set(raw) != _REF_KEYS or not isinstance(raw["sha256"], str) \
            or not SHA256.fullmatch(raw["sha256"]) or type(raw["size"]) is not int or raw["size"] <= 0 \
            or not isinstance(raw["name"], str) or not isinstance(raw["mime"], str):
        raise _Invalid(f"{_q(f)}的附件信息不完整，请重新上传")
    if _broken_text(raw["name"]):
        raise _Invalid(f"{_q(f)}的文件名含有无法识别的字符，请改名后重新上传")
    kind = KIND_BY_MIME.get(raw["mime"])
    if kind not in f.accept:
        raise _Invalid(f"{_q(f)}只接受：{accepted_text(f.accept)}")
    if f.max_mb is not None and raw["size"] > f.max_mb * 1024 * 1024:
        raise _Invalid(f"{_q(f)}的文件不能超过 {f.max_mb} MB")
    if not lookup.attachment_exists(raw["sha256"]):
        raise _Invalid(f"{_q(f)}的文件未找到，请重新上传")
    return {"sha256": raw["sha256"], "name": clean_name(raw["name"], kind), "size": raw["size"], "mime": raw["mime"]}


def _yesno(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    if type(raw) is not bool:
        raise _Invalid(f"{_q(f)}须为“是”或“否”")
    return raw


_CONVERT: dict[FieldType, Callable[[FieldDef, object, Lookup], JSONValue]] = {
    T.TEXT: _text, T.TEXTAREA: _text, T.INTEGER: _integer, T.DECIMAL: _decimal, T.DATE: _date,
    T.MONTH: _month, T.SELECT: _select, T.MULTISELECT: _multiselect, T.UNIT: _unit, T.PROJECT: _project,
    T.PERSON: _person, T.YESNO: _yesno, T.ATTACHMENT: _attachment,
}


def _convert(f: FieldDef, raw: object, lookup: Lookup) -> tuple[JSONValue, list[str]]:
    if raw is None:  # JSON null means "not filled", like an omitted key
        return None, []
    if isinstance(raw, RepeatedValue):
        return None, [f"{_q(f)}只能填一个值，却提交了 {len(raw.values)} 个"]
    try:
        return _CONVERT[f.type](f, raw, lookup), []
    except _Invalid as exc:
        return None, exc.messages


def _active(fields: Mapping[str, FieldDef], values: Mapping[str, JSONValue]) -> set[str]:
    """Names whose condition holds; a field hidden by its own condition hides its dependants."""
    memo: dict[str, bool] = {}

    def shown(name: str) -> bool:
        if name not in memo:
            memo[name] = False  # the definition checker refuses cycles; this only keeps us finite
            when = fields[name].when
            memo[name] = when is None or (when.field in fields and shown(when.field)
                                          and when.holds(values.get(when.field)))
        return memo[name]

    return {name for name in fields if shown(name)}


def _missing(f: FieldDef, value: JSONValue, complete: bool) -> list[str]:
    return [f"{_q(f)}为必填项"] if complete and f.required and not is_filled(value) else []


def _check_group(group: FieldDef, raw: object, top: Mapping[str, FieldDef], top_values: Mapping[str, JSONValue],
                 lookup: Lookup, complete: bool) -> tuple[list[JSONValue], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        return [], {group.name: [f"{_q(group)}须为列表（每行一项）"]}
    limit = group.max_rows or _MAX_ITEMS
    if len(raw) > limit:
        return [], {group.name: [f"{_q(group)}最多 {limit} 行，现有 {len(raw)} 行"]}
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
        converted = {c.name: _convert(c, row.get(c.name), lookup) for c in group.fields}
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
        errors[group.name] = [f"{_q(group)}为必填项" if need == 1 else f"{_q(group)}至少填写 {need} 行"]
    return rows, errors


def check_submission(form: FormDef, data: Mapping[str, object], lookup: Lookup, *, complete: bool) -> Checked:
    """Check a draft (complete=False: nothing is required) or a submission."""
    top = {f.name: f for f in form.fields()}
    errors = {key: [f"未知字段“{key}”"] for key in data if key not in top}
    values: dict[str, JSONValue] = {}
    found: dict[str, dict[str, list[str]]] = {}
    for f in top.values():
        if f.type is not T.GROUP:
            values[f.name], messages = _convert(f, data.get(f.name), lookup)
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


def is_confidential(form: FormDef, values: Mapping[str, JSONValue]) -> bool:
    """Whether the whole record is 涉密 and must stay off the intranet site."""
    return form.confidential or (form.confidential_field is not None
                                 and values.get(form.confidential_field) is True)


def redact(form: FormDef, values: Mapping[str, JSONValue]) -> dict[str, JSONValue]:
    """What may be published: {} for a confidential record, else without 涉密 fields.

    Fails closed: keys the form does not know are dropped too.
    """
    if is_confidential(form, values):
        return {}
    out: dict[str, JSONValue] = {}
    for f in form.fields():
        if f.confidential or f.name not in values:
            continue
        value = values[f.name]
        if f.type is T.GROUP and isinstance(value, list):
            secret = {c.name for c in f.fields if c.confidential}
            value = [{k: v for k, v in row.items() if k not in secret} for row in value if isinstance(row, dict)]
        out[f.name] = value
    return out
