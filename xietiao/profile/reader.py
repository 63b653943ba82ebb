"""Reading a profile section from its dataclass: keys, types and limits come from the fields, every problem is kept.

A section is a frozen dataclass whose fields are made with `setting()`; `SectionReader.read` turns
a YAML mapping into it, reporting unknown keys, missing ones, wrong types and broken limits with
the file, the key, the rule and the fix. A dataclass may add its own checks in a `problems()`
method returning (key, rule, fix) triples; keys there are relative to the section.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import yaml

from xietiao.yamlfile import StrictLoader, yaml_problem

T = TypeVar("T")
_BAD = object()  # a value that could not be read; its problem is already recorded
_TYPE_WORDS = {int: "数字", float: "小数", bool: "是/否", type(None): "空值", list: "列表", dict: "映射", str: "文字"}


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    rule: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.rule}；{self.fix}"


class ProfileError(Exception):
    """The profile cannot be used; every problem found, each with file, key, rule and fix."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("区情配置有误，共 {} 处：\n{}".format(len(problems), "\n".join(map(str, problems))))


def setting(
    default: Any = dataclasses.MISSING,
    *,
    example: str = "",
    minimum: int | None = None,
    maximum: int | None = None,
    pattern: str = "",
    choices: tuple[str, ...] = (),
    empty_ok: bool = False,
    min_items: int = 0,
    internal: bool = False,
    factory: Any = dataclasses.MISSING,
) -> Any:
    """A field of a profile section with what the reader checks about it.

    `example` is shown in the fix of any problem with the key; `internal` fields are not YAML keys.
    """
    meta = {
        "example": example,
        "minimum": minimum,
        "maximum": maximum,
        "pattern": pattern,
        "choices": choices,
        "empty_ok": empty_ok,
        "min_items": min_items,
        "internal": internal,
    }
    if factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _word(value: object) -> str:
    return _TYPE_WORDS.get(type(value), type(value).__name__)


class SectionReader:
    """Collects problems for one file instead of stopping at the first."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def bad(self, key: str, rule: str, fix: str) -> None:
        self.problems.append(Problem(self.file, key or "(文件)", rule, fix))

    def read(self, cls: type[T], node: object, key: str) -> T | None:
        """The section `cls` from the mapping `node` found at `key`; None when it cannot be built."""
        fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}  # type: ignore[arg-type]
        if not isinstance(node, dict):
            self.bad(key, f"须为映射（键: 值），现为{_word(node)}", "可用的键：" + ", ".join(fields))
            return None
        for name in node:
            if name not in fields:
                self.bad(join(key, str(name)), f"未知的键 {name!r}", "可用的键：" + ", ".join(fields))
        hints = typing.get_type_hints(cls)
        values: dict[str, object] = {}
        complete = True
        for name, f in fields.items():
            where = join(key, name)
            if name not in node:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    self.bad(where, f"缺少 {name}", _example(f.metadata) or f"加上 {name}:")
                    complete = False
                continue
            value = self._value(hints[name], node[name], where, f.metadata)
            if value is _BAD:
                complete = False
            else:
                values[name] = value
        if not complete:
            return None
        built = cls(**values)
        for sub, rule, fix in _own_problems(built):
            self.bad(join(key, sub), rule, fix)
        return built

    def _value(self, kind: Any, raw: object, key: str, meta: Mapping[str, Any]) -> object:
        origin = typing.get_origin(kind)
        if origin is tuple:
            return self._items(typing.get_args(kind)[0], raw, key, meta)
        if origin in (typing.Union, types.UnionType):
            raise TypeError(f"区情配置的字段不能是可选类型：{key}")
        if dataclasses.is_dataclass(kind):
            built = self.read(kind, raw, key)  # type: ignore[arg-type]
            return _BAD if built is None else built
        if kind is str:
            return self._text(raw, key, meta)
        if kind is bool:
            if not isinstance(raw, bool):
                self.bad(key, f"须为 true 或 false，现为 {raw!r}", f"写成 {key.rsplit('.', 1)[-1]}: true")
                return _BAD
            return raw
        if kind is int:
            return self._number(raw, key, meta)
        raise TypeError(f"区情配置不支持的字段类型 {kind!r}（{key}）")

    def _text(self, raw: object, key: str, meta: Mapping[str, Any]) -> object:
        if not isinstance(raw, str):
            self.bad(
                key,
                f"须为文字，YAML 把 {raw!r} 读成了{_word(raw)}",
                "给它加上引号；像时间、数字、yes/no/on/off 的文字都要加引号" + _also(meta),
            )
            return _BAD
        text = raw.strip()
        if not text and not meta.get("empty_ok"):
            self.bad(key, "不能为空", _example(meta) or "写上内容")
            return _BAD
        choices: tuple[str, ...] = meta.get("choices") or ()
        if choices and text not in choices:
            self.bad(key, f"{text!r} 不是可选值", "可选：" + "、".join(choices))
            return _BAD
        pattern = meta.get("pattern") or ""
        if text and pattern and not re.fullmatch(pattern, text):
            self.bad(key, f"{text!r} 的格式不对", _example(meta) or f"须符合 {pattern}")
            return _BAD
        return text

    def _number(self, raw: object, key: str, meta: Mapping[str, Any]) -> object:
        low, high = meta.get("minimum"), meta.get("maximum")
        limits = f"{low} 到 {high} 之间的整数" if low is not None and high is not None else "整数"
        if type(raw) is not int:
            self.bad(key, f"须为{limits}，现为 {raw!r}", _example(meta) or "写一个整数，不加引号")
            return _BAD
        if (low is not None and raw < low) or (high is not None and raw > high):
            self.bad(key, f"{raw} 超出范围：须为{limits}", _example(meta) or f"改为{limits}")
            return _BAD
        return raw

    def _items(self, kind: Any, raw: object, key: str, meta: Mapping[str, Any]) -> object:
        if not isinstance(raw, list):
            self.bad(key, f"须为列表，现为{_word(raw)}", "写成 [甲, 乙]，或逐行写 - 甲" + _also(meta))
            return _BAD
        least = meta.get("min_items") or 0
        if len(raw) < least:
            self.bad(key, f"至少要有 {least} 项", _example(meta) or "补上列表项")
            return _BAD
        item_meta = {"example": meta.get("example", "")}
        items = [self._value(kind, value, f"{key}[{i}]", item_meta) for i, value in enumerate(raw)]
        return _BAD if any(i is _BAD for i in items) else tuple(items)


def _example(meta: Mapping[str, Any]) -> str:
    example = meta.get("example") or ""
    return f"例如 {example}" if example else ""


def _also(meta: Mapping[str, Any]) -> str:
    example = meta.get("example") or ""
    return f"；例如 {example}" if example else ""


def _own_problems(section: object) -> Iterable[tuple[str, str, str]]:
    check = getattr(section, "problems", None)
    return check() if callable(check) else ()


def read_file(cls: type[T], text: str, file: str) -> T:
    """The whole profile `cls` from YAML text; raises ProfileError with every problem."""
    reader = SectionReader(file)
    try:
        doc = yaml.load(text, Loader=StrictLoader)
    except (yaml.YAMLError, ValueError) as exc:
        where, why = yaml_problem(exc)
        reader.bad("(文件)", f"YAML 格式错误（{where}）", f"检查该处的缩进、冒号和引号；解析器提示：{why}")
        raise ProfileError(reader.problems) from None
    built = reader.read(cls, doc if doc is not None else {}, "")
    if reader.problems or built is None:
        raise ProfileError(reader.problems)
    return built
