"""Field types of the form language: turning one posted value into a clean typed value, or messages."""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from xietiao.forms.attachments import BIDI_CONTROLS, KIND_BY_MIME, SHA256, accepted_text, clean_name
from xietiao.forms.definitions import TODAY, Bound, FieldDef, FieldType
from xietiao.jsonvalue import JSONValue
from xietiao.units import unit_by_name

T = FieldType


class Lookup(Protocol):
    def unit_exists(self, name: str) -> bool: ...
    def project_exists(self, number: str) -> bool: ...
    def attachment_exists(self, sha256: str) -> bool: ...


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
MAX_ITEMS = 200  # a cap on any list so a hostile post cannot make us do unbounded lookups
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


def quoted(f: FieldDef) -> str:
    return f"“{f.label}”"


def _string(f: FieldDef, raw: object, *, multiline: bool = False) -> str:
    if isinstance(raw, RepeatedValue):
        raise _Invalid(f"{quoted(f)}只能填一个值")
    if not isinstance(raw, str):
        raise _Invalid(f"{quoted(f)}须为文字")
    if _broken_text(raw):
        raise _Invalid(f"{quoted(f)}含有无法识别的字符（常见于从其他系统复制的乱码），请删除后重新输入")
    return clean_text(raw, multiline=multiline)


def _items(f: FieldDef, raw: object) -> list[object]:
    if not isinstance(raw, list):
        raise _Invalid(f"{quoted(f)}须为列表")
    if len(raw) > MAX_ITEMS:
        raise _Invalid(f"{quoted(f)}的项数过多")
    return raw


def _unique(f: FieldDef, items: list[str]) -> None:
    if len(set(items)) != len(items):
        raise _Invalid(f"{quoted(f)}有重复项")


def _in_range(
    f: FieldDef, value: Bound, *, early: str = "小于", late: str = "大于", lookup: Lookup | None = None
) -> None:
    for bound, beyond, word in ((f.minimum, operator.lt, early), (f.maximum, operator.gt, late)):
        if bound == TODAY:
            today = _today(lookup)
            if today is None:
                continue
            bound, shown = (today, "今天") if f.type is FieldType.DATE else (today.isoformat()[:7], "本月")
        else:
            shown = f" {bound}"
        if bound is not None and beyond(value, bound):
            raise _Invalid(f"{quoted(f)}不能{word}{shown}")


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
        raise _Invalid(f"{quoted(f)}最多 {f.max_length} 个字，现有 {len(text)} 个字")
    if f.min_length is not None and len(text) < f.min_length:
        raise _Invalid(f"{quoted(f)}至少 {f.min_length} 个字")
    if f.pattern is not None and not re.fullmatch(f.pattern, text):
        raise _Invalid(f"{quoted(f)}格式不对" + (f"（示例：{f.placeholder}）" if f.placeholder else ""))
    return text


def _integer(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    if type(raw) is not int:  # bool is a subclass of int, but “是” is not 1
        raise _Invalid(f"{quoted(f)}须为整数")
    _in_range(f, raw)
    return raw


_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?")


def _decimal(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    wrong = _Invalid(f"{quoted(f)}须为数字，最多{_PLACES[f.decimals]}小数" if f.decimals else f"{quoted(f)}须为整数")
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise wrong
    # repr() of a float is its shortest exact spelling: 0.1 + 0.2 shows all its garbage digits.
    text = _string(f, raw) if isinstance(raw, str) else repr(raw)
    if not text:
        return None
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "").replace("，", "")  # 52,000.50 as people write amounts
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
        raise _Invalid(f"{quoted(f)}不是有效日期（格式：2026-11-28）")
    _in_range(f, day, early="早于", late="晚于", lookup=lookup)
    return text


def _month(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    text = _string(f, raw)
    if text and not _MONTH.fullmatch(text):
        raise _Invalid(f"{quoted(f)}不是有效月份（格式：2026-11）")
    if text:
        _in_range(f, text, early="早于", late="晚于", lookup=lookup)
    return text or None


def _select(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    if raw == "":
        return None
    if not isinstance(raw, str) or raw not in f.choices:
        raise _Invalid(f"{quoted(f)}只能选：{'、'.join(f.choices)}")
    return raw


def _multiselect(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    items = _items(f, raw)
    for item in items:
        if not isinstance(item, str) or item not in f.choices:
            raise _Invalid(f"{quoted(f)}中的“{item}”不是可选项；可选：{'、'.join(f.choices)}")
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
        raise _Invalid(f"{quoted(f)}：“{name}”不是系统中登记的单位")
    unit = unit_by_name(name) if name and f.kinds else None
    if unit is not None and unit.kind.label not in f.kinds:
        raise _Invalid(f"{quoted(f)}：“{name}”不是{'或'.join(f.kinds)}")
    return name


def _project(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    number = _string(f, raw)
    if not number:
        return None
    if not _PROJECT.fullmatch(number):
        raise _Invalid(f"{quoted(f)}须为项目编号，如 P-2026-0001")
    if not lookup.project_exists(number):
        raise _Invalid(f"{quoted(f)}：项目编号 {number} 不存在")
    return number


def _person(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    if not isinstance(raw, Mapping) or set(raw) - {"name", "phone"}:
        raise _Invalid(f"{quoted(f)}须写成姓名和电话两项")
    name = _string(f, raw.get("name", ""))
    phone = re.sub(r"\s+", "", _string(f, raw.get("phone", "")))
    if not name and not phone:
        return None
    problems = []
    if not name or len(name) > 30:
        problems.append(f"{quoted(f)}须填写姓名（不超过 30 个字）")
    if not (_MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone)):
        problems.append(f"{quoted(f)}的电话须为 11 位手机号，或带区号的座机号（如 0577-12345678）")
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
    if (
        not isinstance(raw, Mapping)
        or set(raw) != _REF_KEYS
        or not isinstance(raw["sha256"], str)
        or not SHA256.fullmatch(raw["sha256"])
        or type(raw["size"]) is not int
        or raw["size"] <= 0
        or not isinstance(raw["name"], str)
        or not isinstance(raw["mime"], str)
    ):
        raise _Invalid(f"{quoted(f)}的附件信息不完整，请重新上传")
    if _broken_text(raw["name"]):
        raise _Invalid(f"{quoted(f)}的文件名含有无法识别的字符，请改名后重新上传")
    kind = KIND_BY_MIME.get(raw["mime"])
    if kind not in f.accept:
        raise _Invalid(f"{quoted(f)}只接受：{accepted_text(f.accept)}")
    if f.max_mb is not None and raw["size"] > f.max_mb * 1024 * 1024:
        raise _Invalid(f"{quoted(f)}的文件不能超过 {f.max_mb} MB")
    if not lookup.attachment_exists(raw["sha256"]):
        raise _Invalid(f"{quoted(f)}的文件未找到，请重新上传")
    return {"sha256": raw["sha256"], "name": clean_name(raw["name"], kind), "size": raw["size"], "mime": raw["mime"]}


def _yesno(f: FieldDef, raw: object, lookup: Lookup) -> JSONValue:
    if type(raw) is not bool:
        raise _Invalid(f"{quoted(f)}须为“是”或“否”")
    return raw


_CONVERT: dict[FieldType, Callable[[FieldDef, object, Lookup], JSONValue]] = {
    T.TEXT: _text,
    T.TEXTAREA: _text,
    T.INTEGER: _integer,
    T.DECIMAL: _decimal,
    T.DATE: _date,
    T.MONTH: _month,
    T.SELECT: _select,
    T.MULTISELECT: _multiselect,
    T.UNIT: _unit,
    T.PROJECT: _project,
    T.PERSON: _person,
    T.YESNO: _yesno,
    T.ATTACHMENT: _attachment,
}


def convert(f: FieldDef, raw: object, lookup: Lookup) -> tuple[JSONValue, list[str]]:
    if raw is None:  # JSON null means "not filled", like an omitted key
        return None, []
    if isinstance(raw, RepeatedValue):
        return None, [f"{quoted(f)}只能填一个值，却提交了 {len(raw.values)} 个"]
    try:
        return _CONVERT[f.type](f, raw, lookup), []
    except _Invalid as exc:
        return None, exc.messages
