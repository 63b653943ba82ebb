"""Reading one field of a form definition: its type's keys, bounds, condition and group cells."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from xietiao.forms.attachments import KINDS
from xietiao.forms.definitions import TODAY, Bound, Condition, FieldDef, FieldType, Problem
from xietiao.units import UnitKind

UNIT_KIND_LABELS = tuple(k.label for k in UnitKind)

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_COMMON_KEYS = ("name", "type", "label", "required", "help", "when", "confidential", "placeholder", "was")
T = FieldType
_TYPE_KEYS: dict[FieldType, tuple[str, ...]] = {
    T.TEXT: ("min_length", "max_length", "pattern"),
    T.TEXTAREA: ("min_length", "max_length", "pattern"),
    T.INTEGER: ("min", "max"),
    T.DECIMAL: ("min", "max", "decimals"),
    T.DATE: ("min", "max"),
    T.MONTH: ("min", "max"),
    T.SELECT: ("choices",),
    T.MULTISELECT: ("choices",),
    T.UNIT: ("multiple", "kinds"),
    T.PROJECT: (),
    T.PERSON: (),
    T.YESNO: (),
    T.ATTACHMENT: ("accept", "max_mb", "multiple"),
    T.GROUP: ("fields", "min_rows", "max_rows"),
}
_ALL_FIELD_KEYS = _COMMON_KEYS + tuple(sorted({k for ks in _TYPE_KEYS.values() for k in ks}))
_TYPE_NAMES = ", ".join(t.value for t in T)
_DEFAULT_MAX_LENGTH = {T.TEXT: 200, T.TEXTAREA: 5000}
_DEFAULT_MAX_MB = 20


class Reader:
    """Collects problems for one file instead of stopping at the first."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        # Every parsed field with its key and enclosing group, for the whole-form checks.
        self.located: list[tuple[FieldDef, str, str | None]] = []

    def bad(self, key: str, rule: str, fix: str) -> None:
        self.problems.append(Problem(self.file, key, rule, fix))

    def keys(self, node: dict[object, object], key: str, allowed: tuple[str, ...]) -> None:
        for k in node:
            if k not in allowed:
                self.bad(_join(key, str(k)), f"未知的键 {k!r}", "可用的键：" + ", ".join(allowed))

    def text(self, node: dict[object, object], key: str, name: str, *, required: bool) -> str:
        value = node.get(name)
        if value is None:
            if required:
                self.bad(_join(key, name), f"缺少 {name}", f"加上 {name}: 后写中文文字")
            return ""
        if not isinstance(value, str) or not value.strip():
            got = f"，YAML 把 {value} 读成了 {type(value).__name__}" if not isinstance(value, str) else ""
            self.bad(_join(key, name), f"{name} 须为非空文字{got}", "写一段文字；像日期或数字的文字要加引号")
            return ""
        return value.strip()

    def flag(self, node: dict[object, object], key: str, name: str) -> bool:
        value = node.get(name, False)
        if not isinstance(value, bool):
            self.bad(_join(key, name), f"{name} 须为 true 或 false，现为 {value!r}", f"写成 {name}: true")
            return False
        return value

    def count(self, node: dict[object, object], key: str, name: str) -> int | None:
        value = node.get(name)
        if value is None:
            return None
        if type(value) is not int or value < 0:
            self.bad(_join(key, name), f"{name} 须为非负整数，现为 {value!r}", f"例如 {name}: 10")
            return None
        return value

    def order(self, key: str, low: object, high: object, names: str) -> None:
        if TODAY in (low, high):
            return  # a moving bound: nothing to compare at load time
        if low is not None and high is not None and low > high:  # type: ignore[operator]
            self.bad(key, f"{names} 下限 {low} 大于上限 {high}", "调换两个值，或改正其中之一")


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _bound(r: Reader, node: dict[object, object], key: str, name: str, ftype: FieldType) -> Bound | None:
    value = node.get(name)
    if value is None:
        return None
    if ftype in (T.DATE, T.MONTH) and value == TODAY:
        return TODAY
    try:
        if ftype is T.INTEGER and type(value) is int:
            return value
        if ftype is T.DECIMAL and type(value) in (int, float, str):
            number = Decimal(str(value))
            if number.is_finite():
                return number
        if ftype is T.DATE and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
        if ftype is T.MONTH and isinstance(value, str) and _MONTH.fullmatch(value):
            return value
    except (ValueError, InvalidOperation):
        pass
    example = {T.INTEGER: "100", T.DECIMAL: "0.5", T.DATE: "2026-01-01 或 today", T.MONTH: '"2026-01" 或 today'}[ftype]
    r.bad(_join(key, name), f"{name} 的值 {value!r} 不是 {ftype.value} 类型的值", f"例如 {name}: {example}")
    return None


def _condition(r: Reader, node: dict[object, object], key: str) -> Condition | None:
    raw = node.get("when")
    if raw is None:
        return None
    fix = "写成 {field: 字段名, equals: 值} 或 {field: 字段名, filled: true}"
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("field"), str)
        or ("equals" in raw) == ("filled" in raw)
        or set(raw) - {"field", "equals", "filled"}
    ):
        r.bad(f"{key}.when", "条件写法不对", fix)
        return None
    equals, filled = raw.get("equals"), raw.get("filled")
    if "filled" in raw and not isinstance(filled, bool):
        r.bad(f"{key}.when.filled", "filled 须为 true 或 false", fix)
        return None
    if "equals" in raw and not isinstance(equals, str | int):
        r.bad(f"{key}.when.equals", f"equals 的值 {equals!r} 须为文字、整数或 true/false", fix)
        return None
    return Condition(raw["field"], equals=equals, filled=filled)


def _was(r: Reader, node: dict[object, object], key: str) -> tuple[str, ...]:
    """The names this field had in earlier versions of the form: old records' values carry over."""
    raw = node.get("was")
    if raw is None:
        return ()
    names = [raw] if isinstance(raw, str) else raw
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and _IDENT.fullmatch(n) for n in names):
        r.bad(
            f"{key}.was",
            f"was 的值 {raw!r} 不对",
            "写字段以前的名字，如 was: old_name；改过多次写成 was: [name1, name2]",
        )
        return ()
    return tuple(names)


def _choices(r: Reader, node: dict[object, object], key: str) -> tuple[str, ...]:
    raw = node.get("choices")
    ok = isinstance(raw, list) and raw and all(isinstance(c, str) and c.strip() for c in raw)
    if not ok:
        r.bad(
            f"{key}.choices",
            "select/multiselect 须有非空的选项列表，且每项都是文字",
            "写成 choices: [选项一, 选项二]；yes、no、on 之类须加引号",
        )
        return ()
    choices = [str(c) for c in raw] if isinstance(raw, list) else []
    if len(set(choices)) != len(choices):
        r.bad(f"{key}.choices", "选项有重复", "删除重复的选项")
    return tuple(choices)


def _accept(r: Reader, node: dict[object, object], key: str) -> tuple[str, ...]:
    raw = node.get("accept", list(KINDS))
    if not isinstance(raw, list) or not raw or not set(raw) <= set(KINDS):
        r.bad(f"{key}.accept", f"accept 的值 {raw!r} 不对", "从以下类型中选：" + ", ".join(KINDS))
        return tuple(KINDS)
    return tuple(raw)


def read_field(r: Reader, node: object, key: str, *, in_group: bool) -> FieldDef | None:
    if not isinstance(node, dict):
        r.bad(key, "字段须为映射", "写成 - name: ... / type: ... / label: ...")
        return None
    name = node.get("name")
    if name is None:
        r.bad(f"{key}.name", "缺少字段名", "加上 name:，例如 name: total_investment")
    elif not isinstance(name, str) or not _IDENT.fullmatch(name):
        r.bad(
            f"{key}.name",
            f"字段名 {name!r} 不是 ASCII 标识符",
            "只用英文字母、数字和下划线，且不以数字开头；yes、no、on 之类会被 YAML 读成 true/false",
        )
        name = None
    raw_type, ftype = node.get("type"), None
    if raw_type is None:
        r.bad(f"{key}.type", "缺少字段类型", "加上 type:，可用类型：" + _TYPE_NAMES)
    else:
        try:
            ftype = T(raw_type)
        except ValueError:
            r.bad(f"{key}.type", f'未知字段类型 "{raw_type}"', "可用类型：" + _TYPE_NAMES)
    label = r.text(node, key, "label", required=True)
    r.keys(node, key, _ALL_FIELD_KEYS)
    common = {
        "required": r.flag(node, key, "required"),
        "help": r.text(node, key, "help", required=False),
        "placeholder": r.text(node, key, "placeholder", required=False),
        "confidential": r.flag(node, key, "confidential"),
        "when": _condition(r, node, key),
        "was": _was(r, node, key),
    }
    if ftype is None:
        # Keep the name so conditions and duplicates elsewhere are not reported twice.
        return FieldDef(name, T.TEXT, label, **common) if name else None  # type: ignore[arg-type]
    for k in node:
        if k in _ALL_FIELD_KEYS and k not in _COMMON_KEYS and k not in _TYPE_KEYS[ftype]:
            users = [t.value for t, ks in _TYPE_KEYS.items() if k in ks]
            r.bad(f"{key}.{k}", f"{k} 不适用于 {ftype.value} 类型", "删除该键；它只用于：" + ", ".join(users))
    return _typed(r, node, key, str(name or ""), ftype, label, common, in_group=in_group) if name else None


def _typed(
    r: Reader,
    node: dict[object, object],
    key: str,
    name: str,
    ftype: FieldType,
    label: str,
    common: dict[str, object],
    *,
    in_group: bool,
) -> FieldDef:
    extra: dict[str, object] = {}
    if ftype in (T.SELECT, T.MULTISELECT):
        extra["choices"] = _choices(r, node, key)
    if ftype in (T.TEXT, T.TEXTAREA):
        extra["min_length"] = r.count(node, key, "min_length")
        extra["max_length"] = r.count(node, key, "max_length") or _DEFAULT_MAX_LENGTH[ftype]
        r.order(f"{key}.min_length", extra["min_length"], extra["max_length"], "长度")
        pattern = node.get("pattern")
        if pattern is not None:
            try:
                re.compile(str(pattern))
                extra["pattern"] = str(pattern)
            except re.error as exc:
                r.bad(f"{key}.pattern", f"正则表达式无法编译：{exc}", "改正写法；整段值须匹配，不必加 ^ 和 $")
    if ftype in (T.INTEGER, T.DECIMAL, T.DATE, T.MONTH):
        extra["minimum"] = _bound(r, node, key, "min", ftype)
        extra["maximum"] = _bound(r, node, key, "max", ftype)
        r.order(f"{key}.min", extra["minimum"], extra["maximum"], "取值")
    if ftype is T.DECIMAL:
        decimals = r.count(node, key, "decimals")
        if decimals is not None and decimals > 6:
            r.bad(f"{key}.decimals", f"小数位数 {decimals} 过多", "金额以万元计，一般写 2，最多 6")
        extra["decimals"] = 2 if decimals is None else decimals
    if ftype in (T.UNIT, T.ATTACHMENT):
        extra["multiple"] = r.flag(node, key, "multiple")
    if ftype is T.UNIT and "kinds" in node:
        extra["kinds"] = _kinds(r, node.get("kinds"), f"{key}.kinds")
    if ftype is T.ATTACHMENT:
        extra["accept"] = _accept(r, node, key)
        extra["max_mb"] = r.count(node, key, "max_mb") or _DEFAULT_MAX_MB
    if ftype is T.GROUP:
        extra.update(_group(r, node, key, name, in_group=in_group))
    return FieldDef(name, ftype, label, **common, **extra)  # type: ignore[arg-type]


def _kinds(r: Reader, raw: object, key: str) -> tuple[str, ...]:
    """Which kinds of unit a unit field offers, by the labels the district profile uses."""
    if not isinstance(raw, list) or not raw or any(k not in UNIT_KIND_LABELS for k in raw):
        r.bad(key, f"kinds {raw!r} 须为单位类别的列表", "可选：" + "、".join(UNIT_KIND_LABELS) + "；例如 kinds: [镇街]")
        return ()
    return tuple(str(k) for k in raw)


def _group(r: Reader, node: dict[object, object], key: str, name: str, *, in_group: bool) -> dict[str, object]:
    if in_group:
        r.bad(f"{key}.type", "重复组内不能再套重复组", "把内层字段直接并入外层组，或另建一个组")
    raw = node.get("fields")
    if not isinstance(raw, list) or not raw:
        r.bad(f"{key}.fields", "重复组须列出组内字段", "在 fields: 下列出至少一个字段")
        raw = []
    cells = []
    for i, raw_cell in enumerate(raw):
        cell = read_field(r, raw_cell, f"{key}.fields[{i}]", in_group=True)
        if cell is not None:
            cells.append(cell)
            r.located.append((cell, f"{key}.fields[{i}]", name))
    low, high = r.count(node, key, "min_rows"), r.count(node, key, "max_rows")
    r.order(f"{key}.min_rows", low, high, "行数")
    if high == 0:
        r.bad(f"{key}.max_rows", "max_rows 为 0，组内永远不能填写", "写至少 1")
    return {"fields": tuple(cells), "min_rows": low, "max_rows": high}
