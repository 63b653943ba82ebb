"""Form definitions: the five real forms load, and every kind of mistake is reported."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from xietiao.config import FORMS_DIR
from xietiao.forms.definitions import Condition, FieldType, FormDefinitionError, Problem
from xietiao.forms.loader import load_form_text, load_forms

FORMS = FORMS_DIR


def problems_of(text: str, name: str = "demo") -> list[Problem]:
    with pytest.raises(FormDefinitionError) as caught:
        load_form_text(name, text)
    return caught.value.problems


def keys(problems: list[Problem]) -> set[str]:
    return {p.key for p in problems}


def form(fields: str, head: str = "title: 示例\nprefix: D\n") -> str:
    body = "\n".join("      " + line for line in fields.strip("\n").splitlines())
    return f"{head}sections:\n  - title: 一\n    fields:\n{body}\n"


# ---- the real forms -------------------------------------------------------------------


def test_the_five_forms_load_cleanly() -> None:
    forms = load_forms(FORMS)
    assert set(forms) == {"project", "issue", "material", "progress", "closure"}
    assert {f.prefix for f in forms.values()} == {"P", "Q", "M", "R", "X"}
    for f in forms.values():
        assert f.path is not None and f.path.stem == f.name
        assert all(field.label for field in f.fields())


def test_real_forms_have_what_the_mechanism_asks() -> None:
    forms = load_forms(FORMS)
    project = forms["project"]
    assert project.field("category").choices == ("产业", "交通", "能源", "水利", "社会事业")
    assert project.field("investment").type is FieldType.DECIMAL
    milestones = project.field("milestones")
    assert (milestones.min_rows, milestones.max_rows) == (1, 12)
    assert project.confidential_field == "confidential"
    issue = forms["issue"]
    assert issue.field("city_reason").when == Condition("needs_city", equals=True)
    assert issue.field("urgency").choices == ("特急", "紧急", "一般")
    material = forms["material"]
    assert material.field("secret_notes").confidential and material.confidential_field == "confidential"
    progress = forms["progress"]
    assert progress.field("difficulties").when == Condition("status", equals="存在困难")
    assert (progress.field("percent").minimum, progress.field("percent").maximum) == (0, 100)
    closure = forms["closure"]
    assert closure.field("evidence").required and set(closure.field("evidence").accept) == {
        "pdf",
        "docx",
        "xlsx",
        "png",
        "jpg",
    }


def test_fields_and_field_lookup() -> None:
    f = load_form_text(
        "demo",
        form("""
- {name: a, type: text, label: 甲}
- name: g
  type: group
  label: 组
  fields:
    - {name: b, type: date, label: 乙}
"""),
    )
    assert [x.name for x in f.fields()] == ["a", "g"]
    assert f.field("g").fields[0].name == "b"
    assert f.field("a").max_length == 200
    with pytest.raises(KeyError):
        f.field("b")


def test_defaults_and_bounds_are_typed() -> None:
    f = load_form_text(
        "demo",
        form("""
- {name: t, type: textarea, label: 文}
- {name: n, type: decimal, label: 数, min: 0, max: 99.5}
- {name: d, type: date, label: 日, min: 2020-01-01, max: "2030-12-31"}
- {name: m, type: month, label: 月, min: "2020-01"}
- {name: f, type: attachment, label: 件}
"""),
    )
    assert f.field("t").max_length == 5000
    assert (f.field("n").minimum, f.field("n").maximum) == (Decimal(0), Decimal("99.5"))
    assert (f.field("d").minimum, f.field("d").maximum) == (date(2020, 1, 1), date(2030, 12, 31))
    assert f.field("m").minimum == "2020-01"
    assert f.field("f").max_mb == 20 and "pdf" in f.field("f").accept


# ---- broken definitions ---------------------------------------------------------------


def test_three_problems_in_one_file_are_all_reported() -> None:
    problems = problems_of(
        form("""
- {name: a, type: txet, label: 甲}
- {name: b, type: text}
- {name: c, type: text, label: 丙, when: {field: nowhere, filled: true}}
"""),
        name="issue",
    )
    assert keys(problems) == {
        "sections[0].fields[0].type",
        "sections[0].fields[1].label",
        "sections[0].fields[2].when.field",
    }
    text = str(FormDefinitionError(problems))
    lines = text.splitlines()[1:]
    assert len(lines) == 3 and all(line.startswith("issue.yml: sections[0].fields[") for line in lines)
    assert 'issue.yml: sections[0].fields[0].type: 未知字段类型 "txet"；可用类型：text, textarea' in text
    assert "nowhere" in text


def test_yaml_error_names_the_line() -> None:
    problems = problems_of("title: 示例\nprefix: D\nsections:\n  - title: [一\n")
    assert len(problems) == 1 and "YAML" in problems[0].rule and "第 " in problems[0].rule


def test_duplicate_yaml_key_is_refused() -> None:
    problems = problems_of("title: 示例\ntitle: 又一个\nprefix: D\nsections: []\n")
    assert "重复" in problems[0].fix and "第 2 行" in problems[0].rule


@pytest.mark.parametrize(
    ("fields", "key", "word"),
    [
        ("- {name: a, type: text, label: 甲, colour: red}", "sections[0].fields[0].colour", "未知的键"),
        ("- {type: text, label: 甲}", "sections[0].fields[0].name", "缺少字段名"),
        ("- {name: 项目, type: text, label: 甲}", "sections[0].fields[0].name", "ASCII"),
        ("- {name: a-b, type: text, label: 甲}", "sections[0].fields[0].name", "ASCII"),
        ("- {name: a, label: 甲}", "sections[0].fields[0].type", "缺少字段类型"),
        ("- {name: a, type: select, label: 甲}", "sections[0].fields[0].choices", "选项"),
        ("- {name: a, type: select, label: 甲, choices: []}", "sections[0].fields[0].choices", "选项"),
        ("- {name: a, type: multiselect, label: 甲, choices: [x, x]}", "sections[0].fields[0].choices", "重复"),
        ("- {name: a, type: select, label: 甲, choices: [yes, no]}", "sections[0].fields[0].choices", "选项"),
        ("- {name: a, type: text, label: 甲, choices: [x]}", "sections[0].fields[0].choices", "不适用"),
        ("- {name: a, type: text, label: 甲, pattern: '[a-'}", "sections[0].fields[0].pattern", "无法编译"),
        ("- {name: a, type: integer, label: 甲, min: 5, max: 1}", "sections[0].fields[0].min", "大于"),
        (
            "- {name: a, type: text, label: 甲, min_length: 9, max_length: 3}",
            "sections[0].fields[0].min_length",
            "大于",
        ),
        ("- {name: a, type: date, label: 甲, min: 2026-02-30}", "sections[0].fields[0].min", "date"),
        ("- {name: a, type: integer, label: 甲, min: x}", "sections[0].fields[0].min", "integer"),
        ("- {name: a, type: attachment, label: 甲, accept: [exe]}", "sections[0].fields[0].accept", "accept"),
        ("- {name: a, type: text, label: 甲, required: 是}", "sections[0].fields[0].required", "true"),
        (
            "- {name: a, type: text, label: 甲, when: {field: a, filled: true}}",
            "sections[0].fields[0].when.field",
            "自身",
        ),
        ("- {name: a, type: text, label: 甲, when: {field: b}}", "sections[0].fields[0].when", "条件写法"),
        (
            "- {name: a, type: text, label: 甲}\n- {name: a, type: integer, label: 乙}",
            "sections[0].fields[1].name",
            "重复",
        ),
    ],
)
def test_each_rule_is_checked(fields: str, key: str, word: str) -> None:
    problems = problems_of(form(fields))
    assert key in keys(problems), problems
    assert any(word in p.rule for p in problems if p.key == key), problems
    assert all(p.fix for p in problems)


def test_group_rules() -> None:
    problems = problems_of(
        form("""
- {name: top, type: yesno, label: 顶, when: {field: cell, filled: true}}
- name: g
  type: group
  label: 组
  min_rows: 5
  max_rows: 2
  fields:
    - {name: cell, type: text, label: 格}
    - {name: top, type: text, label: 重名}
    - name: inner
      type: group
      label: 内组
      fields:
        - {name: x, type: text, label: 叉}
- {name: h, type: group, label: 空组}
""")
    )
    assert {
        "sections[0].fields[0].when.field",  # outside refers into a group
        "sections[0].fields[1].min_rows",  # min > max
        "sections[0].fields[1].fields[1].name",  # duplicate across group boundary
        "sections[0].fields[1].fields[2].type",  # nested group
        "sections[0].fields[2].fields",
    } <= keys(problems)  # group without cells


def test_cell_condition_may_use_sibling_or_top_level() -> None:
    f = load_form_text(
        "demo",
        form("""
- {name: flag, type: yesno, label: 标记}
- name: g
  type: group
  label: 组
  fields:
    - {name: kind, type: select, label: 类, choices: [甲, 乙]}
    - {name: why, type: text, label: 因, when: {field: kind, equals: 乙}}
    - {name: more, type: text, label: 多, when: {field: flag, equals: true}}
"""),
    )
    assert f.field("g").fields[1].when == Condition("kind", equals="乙")


def test_condition_values_must_fit_the_field() -> None:
    problems = problems_of(
        form("""
- {name: s, type: select, label: 选, choices: [甲, 乙]}
- {name: y, type: yesno, label: 是否}
- {name: d, type: date, label: 日}
- {name: a, type: text, label: 一, when: {field: s, equals: 丙}}
- {name: b, type: text, label: 二, when: {field: y, equals: "true"}}
- {name: c, type: text, label: 三, when: {field: d, equals: x}}
""")
    )
    assert {
        "sections[0].fields[3].when.equals",
        "sections[0].fields[4].when.equals",
        "sections[0].fields[5].when.equals",
    } <= keys(problems)


def test_condition_cycle_is_refused() -> None:
    problems = problems_of(
        form("""
- {name: a, type: text, label: 一, when: {field: b, filled: true}}
- {name: b, type: text, label: 二, when: {field: a, filled: true}}
""")
    )
    assert any("循环" in p.rule for p in problems)


@pytest.mark.parametrize(
    ("head", "key"),
    [
        ("title: 示例\n", "prefix"),
        ("title: 示例\nprefix: p\n", "prefix"),
        ("title: 示例\nprefix: ABC\n", "prefix"),
        ("title: 示例\nprefix: NO\n", "prefix"),  # YAML reads NO as false
        ("prefix: D\n", "title"),
        ("title: 示例\nprefix: D\nowner: 我\n", "owner"),
        ("title: 示例\nprefix: D\nconfidential_field: nope\n", "confidential_field"),
        ("title: 示例\nprefix: D\nconfidential_field: a\n", "confidential_field"),  # a is text, not yesno
        ("title: 示例\nprefix: D\nconfidential: 1\n", "confidential"),
    ],
)
def test_top_level_rules(head: str, key: str) -> None:
    problems = problems_of(form("- {name: a, type: text, label: 甲}", head=head))
    assert key in keys(problems), problems


def test_missing_sections() -> None:
    assert "sections" in keys(problems_of("title: 示例\nprefix: D\n"))


def test_folder_problems_across_files(tmp_path: Path) -> None:
    good = form("- {name: a, type: text, label: 甲}")
    (tmp_path / "one.yml").write_text(good, encoding="utf-8")
    (tmp_path / "two.yml").write_text(good, encoding="utf-8")  # same prefix D
    (tmp_path / "three.yml").write_text(form("- {name: a, type: nope, label: 甲}"), encoding="utf-8")
    (tmp_path / "four.yaml").write_text(good, encoding="utf-8")
    with pytest.raises(FormDefinitionError) as caught:
        load_forms(tmp_path)
    found = {(p.file.split("/")[-1], p.key) for p in caught.value.problems}
    assert ("two.yml", "prefix") in found
    assert ("three.yml", "sections[0].fields[0].type") in found
    assert ("four.yaml", "(文件名)") in found


def test_empty_folder_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(FormDefinitionError):
        load_forms(tmp_path)
