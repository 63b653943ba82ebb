"""Form definitions: forms/*.yml read into typed fields, every mistake reported at once."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path

import yaml

from .attachments import KINDS


class FieldType(str, Enum):
    TEXT = "text"
    TEXTAREA = "textarea"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    MONTH = "month"
    SELECT = "select"
    MULTISELECT = "multiselect"
    UNIT = "unit"
    PROJECT = "project"
    PERSON = "person"
    YESNO = "yesno"
    ATTACHMENT = "attachment"
    GROUP = "group"


# A bound is compared with the checked value of the same type; months stay "YYYY-MM"
# strings because that fixed-width form sorts correctly as text.
Bound = int | Decimal | date | str
Scalar = str | int | bool


@dataclass(frozen=True)
class Condition:
    """Show (and require) a field only when another field has a value or is filled."""
    field: str
    equals: Scalar | None = None
    filled: bool | None = None

    def holds(self, value: object) -> bool:
        if self.filled is not None:
            return is_filled(value) == self.filled
        # type() first: True == 1 in Python, but a yes/no answer is not the number 1.
        return type(value) is type(self.equals) and value == self.equals


def is_filled(value: object) -> bool:
    return value is not None and value != "" and value != [] and value != {}


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: FieldType
    label: str
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    minimum: Bound | None = None
    maximum: Bound | None = None
    pattern: str | None = None
    when: Condition | None = None
    confidential: bool = False
    fields: tuple[FieldDef, ...] = ()
    min_rows: int | None = None
    max_rows: int | None = None
    accept: tuple[str, ...] = ()
    max_mb: int | None = None
    decimals: int = 2
    placeholder: str = ""
    multiple: bool = False


@dataclass(frozen=True)
class Section:
    title: str
    help: str
    fields: tuple[FieldDef, ...]


@dataclass(frozen=True)
class FormDef:
    name: str
    title: str
    prefix: str
    sections: tuple[Section, ...]
    confidential: bool = False
    confidential_field: str | None = None
    path: Path | None = None
    help: str = ""

    def fields(self) -> Iterator[FieldDef]:
        """Top-level fields in page order; a group's cells stay inside the group."""
        for section in self.sections:
            yield from section.fields

    def field(self, name: str) -> FieldDef:
        for f in self.fields():
            if f.name == name:
                return f
        raise KeyError(f"表单 {self.name} 没有字段 {name}")


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    rule: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.rule}；{self.fix}"


class FormDefinitionError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("表单定义有误，共 {} 处：\n{}".format(len(problems), "\n".join(map(str, problems))))


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PREFIX = re.compile(r"[A-Z]{1,2}")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_TOP_KEYS = ("title", "prefix", "help", "confidential", "confidential_field", "sections")
_SECTION_KEYS = ("title", "help", "fields")
_COMMON_KEYS = ("name", "type", "label", "required", "help", "when", "confidential", "placeholder")
T = FieldType
_TYPE_KEYS: dict[FieldType, tuple[str, ...]] = {
    T.TEXT: ("min_length", "max_length", "pattern"),
    T.TEXTAREA: ("min_length", "max_length", "pattern"),
    T.INTEGER: ("min", "max"), T.DECIMAL: ("min", "max", "decimals"),
    T.DATE: ("min", "max"), T.MONTH: ("min", "max"),
    T.SELECT: ("choices",), T.MULTISELECT: ("choices",),
    T.UNIT: ("multiple",), T.PROJECT: (), T.PERSON: (), T.YESNO: (),
    T.ATTACHMENT: ("accept", "max_mb", "multiple"),
    T.GROUP: ("fields", "min_rows", "max_rows"),
}
_ALL_FIELD_KEYS = _COMMON_KEYS + tuple(sorted({k for ks in _TYPE_KEYS.values() for k in ks}))
_TYPE_NAMES = ", ".join(t.value for t in T)
_DEFAULT_MAX_LENGTH = {T.TEXT: 200, T.TEXTAREA: 5000}
_DEFAULT_MAX_MB = 20
# Conditions test equality only against values with one obvious JSON type.
_EQUALS_TYPES = {T.YESNO: bool, T.SELECT: str, T.TEXT: str, T.UNIT: str, T.INTEGER: int}


class _Reader:
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
        if low is not None and high is not None and low > high:  # type: ignore[operator]
            self.bad(key, f"{names} 下限 {low} 大于上限 {high}", "调换两个值，或改正其中之一")


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _bound(r: _Reader, node: dict[object, object], key: str, name: str, ftype: FieldType) -> Bound | None:
    value = node.get(name)
    if value is None:
        return None
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
    example = {T.INTEGER: "100", T.DECIMAL: "0.5", T.DATE: "2026-01-01", T.MONTH: '"2026-01"'}[ftype]
    r.bad(_join(key, name), f"{name} 的值 {value!r} 不是 {ftype.value} 类型的值", f"例如 {name}: {example}")
    return None


def _condition(r: _Reader, node: dict[object, object], key: str) -> Condition | None:
    raw = node.get("when")
    if raw is None:
        return None
    fix = "写成 {field: 字段名, equals: 值} 或 {field: 字段名, filled: true}"
    if not isinstance(raw, dict) or not isinstance(raw.get("field"), str) \
            or ("equals" in raw) == ("filled" in raw) or set(raw) - {"field", "equals", "filled"}:
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


def _choices(r: _Reader, node: dict[object, object], key: str) -> tuple[str, ...]:
    raw = node.get("choices")
    ok = isinstance(raw, list) and raw and all(isinstance(c, str) and c.strip() for c in raw)
    if not ok:
        r.bad(f"{key}.choices", "select/multiselect 须有非空的选项列表，且每项都是文字",
              "写成 choices: [选项一, 选项二]；yes、no、on 之类须加引号")
        return ()
    if len(set(raw)) != len(raw):  # type: ignore[arg-type]
        r.bad(f"{key}.choices", "选项有重复", "删除重复的选项")
    return tuple(raw)  # type: ignore[arg-type]


def _accept(r: _Reader, node: dict[object, object], key: str) -> tuple[str, ...]:
    raw = node.get("accept", list(KINDS))
    if not isinstance(raw, list) or not raw or not set(raw) <= set(KINDS):
        r.bad(f"{key}.accept", f"accept 的值 {raw!r} 不对", "从以下类型中选：" + ", ".join(KINDS))
        return tuple(KINDS)
    return tuple(raw)


def _field(r: _Reader, node: object, key: str, *, in_group: bool) -> FieldDef | None:
    if not isinstance(node, dict):
        r.bad(key, "字段须为映射", "写成 - name: ... / type: ... / label: ...")
        return None
    name = node.get("name")
    if name is None:
        r.bad(f"{key}.name", "缺少字段名", "加上 name:，例如 name: total_investment")
    elif not isinstance(name, str) or not _IDENT.fullmatch(name):
        r.bad(f"{key}.name", f"字段名 {name!r} 不是 ASCII 标识符",
              "只用英文字母、数字和下划线，且不以数字开头；yes、no、on 之类会被 YAML 读成 true/false")
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
    common = dict(required=r.flag(node, key, "required"), help=r.text(node, key, "help", required=False),
                  placeholder=r.text(node, key, "placeholder", required=False),
                  confidential=r.flag(node, key, "confidential"), when=_condition(r, node, key))
    if ftype is None:
        # Keep the name so conditions and duplicates elsewhere are not reported twice.
        return FieldDef(name, T.TEXT, label, **common) if name else None  # type: ignore[arg-type]
    for k in node:
        if k in _ALL_FIELD_KEYS and k not in _COMMON_KEYS and k not in _TYPE_KEYS[ftype]:
            users = [t.value for t, ks in _TYPE_KEYS.items() if k in ks]
            r.bad(f"{key}.{k}", f"{k} 不适用于 {ftype.value} 类型", "删除该键；它只用于：" + ", ".join(users))
    return _typed(r, node, key, str(name or ""), ftype, label, common, in_group=in_group) if name else None


def _typed(r: _Reader, node: dict[object, object], key: str, name: str, ftype: FieldType, label: str,
           common: dict[str, object], *, in_group: bool) -> FieldDef:
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
                r.bad(f"{key}.pattern", f"正则表达式无法编译：{exc}",
                      "改正写法；整段值须匹配，不必加 ^ 和 $")
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
    if ftype is T.ATTACHMENT:
        extra["accept"] = _accept(r, node, key)
        extra["max_mb"] = r.count(node, key, "max_mb") or _DEFAULT_MAX_MB
    if ftype is T.GROUP:
        extra.update(_group(r, node, key, name, in_group=in_group))
    return FieldDef(name, ftype, label, **common, **extra)  # type: ignore[arg-type]


def _group(r: _Reader, node: dict[object, object], key: str, name: str, *,
           in_group: bool) -> dict[str, object]:
    if in_group:
        r.bad(f"{key}.type", "重复组内不能再套重复组", "把内层字段直接并入外层组，或另建一个组")
    raw = node.get("fields")
    if not isinstance(raw, list) or not raw:
        r.bad(f"{key}.fields", "重复组须列出组内字段", "在 fields: 下列出至少一个字段")
        raw = []
    cells = []
    for i, raw_cell in enumerate(raw):
        cell = _field(r, raw_cell, f"{key}.fields[{i}]", in_group=True)
        if cell is not None:
            cells.append(cell)
            r.located.append((cell, f"{key}.fields[{i}]", name))
    low, high = r.count(node, key, "min_rows"), r.count(node, key, "max_rows")
    r.order(f"{key}.min_rows", low, high, "行数")
    if high == 0:
        r.bad(f"{key}.max_rows", "max_rows 为 0，组内永远不能填写", "写至少 1")
    return {"fields": tuple(cells), "min_rows": low, "max_rows": high}


def _cross_checks(r: _Reader) -> None:
    """Checks that need the whole form: unique names and where conditions point."""
    located = r.located
    first: dict[str, tuple[FieldDef, str, str | None]] = {}
    for f, key, group in located:
        if f.name in first:
            r.bad(f"{key}.name", f"字段名 {f.name} 重复（{first[f.name][1]} 已使用）",
                  "改成唯一的名字；同一表单内（含重复组）不能重名")
        else:
            first[f.name] = (f, key, group)
    for f, key, group in located:
        if f.when is None:
            continue
        target = first.get(f.when.field)
        where = f"{key}.when.field"
        if f.when.field == f.name:
            r.bad(where, "条件引用了字段自身", "改为引用另一个字段")
        elif target is None:
            r.bad(where, f"条件引用了不存在的字段 {f.when.field}", "检查拼写；只能引用本表单中的字段")
        elif target[2] is not None and target[2] != group:
            r.bad(where, f"条件引用了重复组 {target[2]} 内的字段 {f.when.field}",
                  "组外字段只能引用组外字段；组内字段可引用同组或组外字段")
        elif f.when.filled is None and type(f.when.equals) is not _EQUALS_TYPES.get(target[0].type):
            r.bad(f"{key}.when.equals",
                  f"{target[0].type.value} 类型的字段不能用 equals {f.when.equals!r} 判断",
                  "yesno 用 true/false，select 用其中一个选项；其他类型改用 filled: true")
        elif target[0].type is T.SELECT and f.when.equals not in target[0].choices:
            r.bad(f"{key}.when.equals", f"{f.when.equals!r} 不是 {target[0].name} 的选项",
                  "可选：" + "、".join(target[0].choices))
        elif _cycles(f, first):
            r.bad(where, "条件互相引用，形成循环", "去掉其中一个条件")


def _cycles(start: FieldDef, by_name: dict[str, tuple[FieldDef, str, str | None]]) -> bool:
    seen, current = {start.name}, start
    while current.when is not None and current.when.field in by_name:
        current = by_name[current.when.field][0]
        if current.name in seen:
            return current.name == start.name
        seen.add(current.name)
    return False


def _confidential_field(r: _Reader, name: object, top: dict[str, FieldDef]) -> str | None:
    if name is None:
        return None
    target = top.get(name) if isinstance(name, str) else None
    if target is None or target.type is not T.YESNO or target.when is not None:
        r.bad("confidential_field", f"confidential_field {name!r} 须指向一个无条件的组外 yesno 字段",
              "先在表单里加一个 type: yesno 的“涉密”字段，再写它的 name")
        return None
    return name  # type: ignore[return-value]


def _form(r: _Reader, name: str, doc: object, path: Path | None) -> FormDef | None:
    if not isinstance(doc, dict):
        r.bad("(文件)", "文件内容须为映射", "以 title:、prefix:、sections: 开头书写")
        return None
    r.keys(doc, "", _TOP_KEYS)
    title = r.text(doc, "", "title", required=True)
    prefix = doc.get("prefix")
    if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
        r.bad("prefix", f"编号前缀 {prefix!r} 须为 1 到 2 个大写英文字母",
              "例如 prefix: P；NO、Y 之类须加引号")
        prefix = ""
    sections: list[Section] = []
    raw_sections = doc.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        r.bad("sections", "缺少分节", "在 sections: 下至少写一节，每节有 title 和 fields")
        raw_sections = []
    for i, raw in enumerate(raw_sections):
        key = f"sections[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("fields"), list) or not raw["fields"]:
            r.bad(key, "分节须为映射，且 fields 下至少有一个字段", "写成 - title: ... / fields: [...]")
            continue
        r.keys(raw, key, _SECTION_KEYS)
        fields: list[FieldDef] = []
        for j, node in enumerate(raw["fields"]):
            f = _field(r, node, f"{key}.fields[{j}]", in_group=False)
            if f is not None:
                fields.append(f)
                r.located.append((f, f"{key}.fields[{j}]", None))
        title_of = r.text(raw, key, "title", required=True)
        sections.append(Section(title_of, r.text(raw, key, "help", required=False), tuple(fields)))
    _cross_checks(r)
    top = {f.name: f for f, _, group in r.located if group is None}
    marker = _confidential_field(r, doc.get("confidential_field"), top)
    return FormDef(name, title, prefix, tuple(sections), r.flag(doc, "", "confidential"), marker, path,
                   r.text(doc, "", "help", required=False))


class _Loader(yaml.SafeLoader):
    """A YAML loader that refuses a key written twice instead of keeping the last one."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> dict[object, object]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)  # type: ignore[no-untyped-call]
        if not isinstance(key, Hashable):
            continue  # construct_mapping reports unhashable keys itself
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"键 {key!r} 重复", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
# Dates stay text: PyYAML would turn a placeholder "2026-12-03" into a date and crash on 2026-02-30.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _parse(name: str, text: str, file: str, path: Path | None) -> tuple[FormDef | None, list[Problem]]:
    r = _Reader(file)
    try:
        doc = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "未知位置"
        why = getattr(exc, "problem", None) or str(exc)
        r.bad("(文件)", f"YAML 格式错误（{where}）", f"检查该处的缩进、冒号和引号；解析器提示：{why}")
        return None, r.problems
    form = _form(r, name, doc, path)
    return (None if r.problems else form), r.problems


def load_form_text(name: str, text: str) -> FormDef:
    """Load one definition from text (tests, tools); raises FormDefinitionError."""
    form, problems = _parse(name, text, f"{name}.yml", None)
    if problems or form is None:
        raise FormDefinitionError(problems)
    return form


def load_forms(folder: Path) -> dict[str, FormDef]:
    """Load every forms/*.yml; all problems of all files are raised together."""
    problems: list[Problem] = []
    forms: dict[str, FormDef] = {}
    prefixes: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        problems.append(Problem(f"{folder.name}/{path.name}", "(文件名)", "扩展名 .yaml 不会被读取",
                                "改名为 .yml"))
    paths = sorted(folder.glob("*.yml"))
    if not paths:
        problems.append(Problem(str(folder), "(目录)", "没有找到任何 .yml 表单定义", "检查表单目录是否正确"))
    for path in paths:
        file = f"{folder.name}/{path.name}"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", path.stem):
            problems.append(Problem(file, "(文件名)", "表单名须为小写 ASCII 标识符", "例如 project.yml"))
            continue
        form, found = _parse(path.stem, path.read_text(encoding="utf-8"), file, path)
        problems += found
        if form is None:
            continue
        if form.prefix in prefixes:
            problems.append(Problem(file, "prefix", f"编号前缀 {form.prefix} 已被 {prefixes[form.prefix]} 使用",
                                    "每个表单用不同的前缀，否则编号会冲突"))
        prefixes.setdefault(form.prefix, file)
        forms[form.name] = form
    if problems:
        raise FormDefinitionError(problems)
    return forms
