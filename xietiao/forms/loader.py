"""Reading forms/*.yml into form definitions, every mistake of every file reported at once."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from xietiao.forms.definitions import FieldDef, FieldType, FormDef, FormDefinitionError, Problem, Section
from xietiao.forms.fields import Reader, read_field
from xietiao.yamlfile import StrictLoader, yaml_problem

_PREFIX = re.compile(r"[A-Z]{1,2}")
_TOP_KEYS = ("title", "prefix", "help", "confidential", "confidential_field", "sections")
_SECTION_KEYS = ("title", "help", "fields")
T = FieldType
# Conditions test equality only against values with one obvious JSON type.
_EQUALS_TYPES = {T.YESNO: bool, T.SELECT: str, T.TEXT: str, T.UNIT: str, T.INTEGER: int}


def _cross_checks(r: Reader) -> None:
    """Checks that need the whole form: unique names and where conditions point."""
    located = r.located
    first: dict[str, tuple[FieldDef, str, str | None]] = {}
    for f, key, group in located:
        if f.name in first:
            r.bad(
                f"{key}.name",
                f"字段名 {f.name} 重复（{first[f.name][1]} 已使用）",
                "改成唯一的名字；同一表单内（含重复组）不能重名",
            )
        else:
            first[f.name] = (f, key, group)
    current = {(group, f.name) for f, _, group in located}
    for f, key, group in located:
        for old in f.was:
            if (group, old) in current:
                r.bad(f"{key}.was", f"was 写的旧名 {old} 仍是本表单中另一个字段的名字", "旧名只能是已不再使用的字段名")
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
            r.bad(
                where,
                f"条件引用了重复组 {target[2]} 内的字段 {f.when.field}",
                "组外字段只能引用组外字段；组内字段可引用同组或组外字段",
            )
        elif f.when.filled is None and type(f.when.equals) is not _EQUALS_TYPES.get(target[0].type):
            r.bad(
                f"{key}.when.equals",
                f"{target[0].type.value} 类型的字段不能用 equals {f.when.equals!r} 判断",
                "yesno 用 true/false，select 用其中一个选项；其他类型改用 filled: true",
            )
        elif target[0].type is T.SELECT and f.when.equals not in target[0].choices:
            r.bad(
                f"{key}.when.equals",
                f"{f.when.equals!r} 不是 {target[0].name} 的选项",
                "可选：" + "、".join(target[0].choices),
            )
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


def _confidential_field(r: Reader, name: object, top: dict[str, FieldDef]) -> str | None:
    if name is None:
        return None
    target = top.get(name) if isinstance(name, str) else None
    if target is None or target.type is not T.YESNO or target.when is not None:
        r.bad(
            "confidential_field",
            f"confidential_field {name!r} 须指向一个无条件的组外 yesno 字段",
            "先在表单里加一个 type: yesno 的“涉密”字段，再写它的 name",
        )
        return None
    return name  # type: ignore[return-value]


def _form(r: Reader, name: str, doc: object, path: Path | None, source: str) -> FormDef | None:
    if not isinstance(doc, dict):
        r.bad("(文件)", "文件内容须为映射", "以 title:、prefix:、sections: 开头书写")
        return None
    r.keys(doc, "", _TOP_KEYS)
    title = r.text(doc, "", "title", required=True)
    prefix = doc.get("prefix")
    if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
        r.bad("prefix", f"编号前缀 {prefix!r} 须为 1 到 2 个大写英文字母", "例如 prefix: P；NO、Y 之类须加引号")
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
            f = read_field(r, node, f"{key}.fields[{j}]", in_group=False)
            if f is not None:
                fields.append(f)
                r.located.append((f, f"{key}.fields[{j}]", None))
        title_of = r.text(raw, key, "title", required=True)
        sections.append(Section(title_of, r.text(raw, key, "help", required=False), tuple(fields)))
    _cross_checks(r)
    top = {f.name: f for f, _, group in r.located if group is None}
    marker = _confidential_field(r, doc.get("confidential_field"), top)
    return FormDef(
        name,
        title,
        prefix,
        tuple(sections),
        r.flag(doc, "", "confidential"),
        marker,
        path,
        r.text(doc, "", "help", required=False),
        source=source,
    )


def _parse(name: str, text: str, file: str, path: Path | None) -> tuple[FormDef | None, list[Problem]]:
    r = Reader(file)
    try:
        doc = yaml.load(text, Loader=StrictLoader)
    except (yaml.YAMLError, ValueError) as exc:
        where, why = yaml_problem(exc)
        r.bad("(文件)", f"YAML 格式错误（{where}）", f"检查该处的缩进、冒号和引号；解析器提示：{why}")
        return None, r.problems
    form = _form(r, name, doc, path, text)
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
        problems.append(Problem(f"{folder.name}/{path.name}", "(文件名)", "扩展名 .yaml 不会被读取", "改名为 .yml"))
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
            problems.append(
                Problem(
                    file,
                    "prefix",
                    f"编号前缀 {form.prefix} 已被 {prefixes[form.prefix]} 使用",
                    "每个表单用不同的前缀，否则编号会冲突",
                )
            )
        prefixes.setdefault(form.prefix, file)
        forms[form.name] = form
    if problems:
        raise FormDefinitionError(problems)
    return forms
