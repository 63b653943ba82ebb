"""Checking whole submissions: conditions, groups, drafts, HTML posts, redaction, and the JSON Schema."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest

from forms_support import (ATTACH, DATE, DECIMAL, FORMS, INTEGER, MONTH, PDF, PERSON, PNG, PROJECT, SELECTS, TEXT,
                           UNITS, check, define)
from xietiao.forms.check import is_confidential, redact
from xietiao.forms.definitions import FormDef
from xietiao.forms.loader import load_form_text, load_forms
from xietiao.forms.posted import values_from_form
from xietiao.forms.schema import json_schema
from xietiao.jsonvalue import JSONValue

# ---- conditions, groups, drafts -------------------------------------------------------

COND = define("""
- {name: needs_city, type: yesno, label: 需报市级协调}
- {name: city_reason, type: textarea, label: 市级协调理由, required: true, when: {field: needs_city, equals: true}}
- {name: status, type: select, label: 状态, choices: [正常, 困难]}
- {name: trouble, type: text, label: 困难, required: true, when: {field: status, equals: 困难}}
- {name: detail, type: text, label: 困难细节, when: {field: trouble, filled: true}}
""")


def test_condition_true_requires_the_field() -> None:
    got = check(COND, {"needs_city": True})
    assert got.errors == {"city_reason": ["“市级协调理由”为必填项"]}
    assert check(COND, {"needs_city": True, "city_reason": "跨区用地"}).values == {
        "needs_city": True, "city_reason": "跨区用地"}


def test_condition_false_drops_the_value_and_its_errors() -> None:
    got = check(COND, {"needs_city": False, "city_reason": 123, "status": "正常", "trouble": "x", "detail": "y"})
    assert got.ok and got.values == {"needs_city": False, "status": "正常"}
    assert check(COND, {}).ok  # nothing to show, nothing required


def test_condition_chain() -> None:
    got = check(COND, {"status": "困难", "trouble": "缺指标", "detail": "用地指标未落实"})
    assert got.values == {"status": "困难", "trouble": "缺指标", "detail": "用地指标未落实"}
    # trouble hidden -> detail, which depends on it, is hidden too
    assert check(COND, {"status": "正常", "trouble": "缺指标", "detail": "x"}).values == {"status": "正常"}


GROUP = define("""
- {name: flag, type: yesno, label: 有备注}
- name: milestones
  type: group
  label: 时间节点
  required: true
  min_rows: 2
  max_rows: 3
  fields:
    - {name: node, type: select, label: 阶段, required: true, choices: [开工, 竣工, 其他]}
    - {name: other, type: text, label: 其他说明, required: true, when: {field: node, equals: 其他}}
    - {name: date, type: date, label: 计划日期, required: true}
    - {name: note, type: text, label: 备注, when: {field: flag, equals: true}}
""")
ROW_A = {"node": "开工", "date": "2026-12-01"}
ROW_B = {"node": "竣工", "date": "2027-06-30"}


def test_group_valid() -> None:
    got = check(GROUP, {"milestones": [ROW_A, {**ROW_B, "note": "dropped"}]})
    assert got.ok and got.values == {"milestones": [ROW_A, ROW_B]}
    got = check(GROUP, {"flag": True, "milestones": [ROW_A, {**ROW_B, "note": "要紧"}]})
    assert got.values["milestones"] == [ROW_A, {**ROW_B, "note": "要紧"}]


def test_group_row_counts() -> None:
    assert check(GROUP, {"milestones": [ROW_A]}).errors == {"milestones": ["“时间节点”至少填写 2 行"]}
    assert check(GROUP, {}).errors == {"milestones": ["“时间节点”至少填写 2 行"]}
    too_many = check(GROUP, {"milestones": [ROW_A] * 4}, complete=False)
    assert too_many.errors == {"milestones": ["“时间节点”最多 3 行，现有 4 行"]}
    assert check(GROUP, {"milestones": [ROW_A]}, complete=False).ok
    assert "列表" in check(GROUP, {"milestones": ROW_A}).errors["milestones"][0]


def test_group_cell_errors_are_keyed_by_row() -> None:
    got = check(GROUP, {"milestones": [ROW_A, {"node": "其他", "date": "2026-02-30"},
                                       {"node": "开工", "bogus": 1}, "not a row"]}, complete=False)
    assert got.errors["milestones"] == ["“时间节点”最多 3 行，现有 4 行"]
    got = check(GROUP, {"milestones": [ROW_A, {"node": "其他", "date": "2026-02-30"},
                                       {"node": "开工", "bogus": 1}]})
    assert got.errors == {
        "milestones.1.other": ["第2行“其他说明”为必填项"],
        "milestones.1.date": ["第2行“计划日期”不是有效日期（格式：2026-11-28）"],
        "milestones.2.bogus": ["未知字段“bogus”"],
        "milestones.2.date": ["第3行“计划日期”为必填项"],
    }
    assert check(GROUP, {"milestones": [ROW_A, 5]}).errors["milestones.1"] == ["第2行格式不对"]


def test_blank_rows_are_spare_rows() -> None:
    got = check(GROUP, {"milestones": [ROW_A, {"node": None, "date": ""}, ROW_B]})
    assert got.ok and got.values["milestones"] == [ROW_A, ROW_B]


def test_draft_skips_required_but_not_types() -> None:
    form = define("""
- {name: name, type: text, label: 项目名称, required: true}
- {name: total, type: decimal, label: 总投资（万元）, required: true}
""")
    assert check(form, {}, complete=False).ok
    assert check(form, {}).errors == {"name": ["“项目名称”为必填项"], "total": ["“总投资（万元）”为必填项"]}
    draft = check(form, {"total": "很多"}, complete=False)
    assert draft.errors == {"total": ["“总投资（万元）”须为数字，最多两位小数"]}
    assert check(form, {"name": "   "}).errors["name"] == ["“项目名称”为必填项"]


def test_unknown_fields_are_refused() -> None:
    got = check(TEXT, {"v": "新城", "__proto__": 1, "is_admin": True}, complete=False)
    assert got.errors == {"__proto__": ["未知字段“__proto__”"], "is_admin": ["未知字段“is_admin”"]}


def test_null_means_not_filled() -> None:
    assert check(TEXT, {"v": None}).errors == {"v": ["“项目名称”为必填项"]}


# ---- HTML posts -----------------------------------------------------------------------

def test_values_from_form() -> None:
    form = define("""
- {name: name, type: text, label: 名称}
- {name: n, type: integer, label: 数量}
- {name: ok, type: yesno, label: 是否}
- {name: plans, type: multiselect, label: 计划, choices: [甲, 乙]}
- {name: units, type: unit, multiple: true, label: 单位}
- {name: contact, type: person, label: 联系人}
- {name: files, type: attachment, multiple: true, label: 附件}
- name: rows
  type: group
  label: 行
  fields:
    - {name: task, type: text, label: 任务}
    - {name: who, type: person, label: 责任人}
""")
    post = {"name": ["新城"], "n": ["12"], "ok": ["no"], "plans": ["甲", "乙"], "units": ["区财政局", ""],
            "contact-name": ["张三"], "contact-phone": ["13800001111"], "files": [json.dumps(PDF), ""],
            "rows-10-task": ["后"], "rows-2-task": ["前"], "rows-2-who-name": ["李四"],
            "rows-2-who-phone": ["0577-12345678"], "rows-5-task": [""], "rows-5-who-name": [""]}
    values = values_from_form(form, post)
    assert values == {"name": "新城", "n": 12, "ok": False, "plans": ["甲", "乙"], "units": ["区财政局"],
                      "contact": {"name": "张三", "phone": "13800001111"}, "files": [PDF],
                      "rows": [{"task": "前", "who": {"name": "李四", "phone": "0577-12345678"}}, {"task": "后"}]}
    assert check(form, values).ok


def test_values_from_form_leaves_bad_input_for_the_check() -> None:
    form = define("""
- {name: name, type: text, label: 名称}
- {name: n, type: integer, label: 数量}
- {name: ok, type: yesno, label: 是否}
- {name: contact, type: person, label: 联系人}
- name: rows
  type: group
  label: 行
  fields:
    - {name: task, type: text, label: 任务}
""")
    post = {"name": ["甲", "乙"], "n": ["十二"], "ok": ["maybe"], "contact-phone": ["1", "2"],
            "rows-x-task": ["?"], "rows-0-nope": ["?"], "csrf": ["t"], "n-extra": ["?"]}
    got = check(form, values_from_form(form, post), complete=False)
    assert got.errors == {
        "name": ["“名称”只能填一个值，却提交了 2 个"],
        "n": ["“数量”须为整数"],
        "ok": ["“是否”须为“是”或“否”"],
        "contact": ["“联系人”只能填一个值"],
        "rows-x-task": ["未知字段“rows-x-task”"],
        "rows-0-nope": ["未知字段“rows-0-nope”"],
        "csrf": ["未知字段“csrf”"],
        "n-extra": ["未知字段“n-extra”"],
    }


def test_empty_html_fields_are_absent() -> None:
    form = define("- {name: v, type: yesno, label: 是否, required: true}\n- {name: w, type: integer, label: 数}")
    assert values_from_form(form, {"v": [""], "w": ["  "]}) == {}


# ---- confidentiality ------------------------------------------------------------------

def test_redact_and_is_confidential() -> None:
    form = define("""
- {name: name, type: text, label: 名称}
- {name: notes, type: text, label: 内部说明, confidential: true}
- {name: secret, type: yesno, label: 涉密}
- name: rows
  type: group
  label: 行
  fields:
    - {name: task, type: text, label: 任务}
    - {name: phone_note, type: text, label: 私下说明, confidential: true}
""", extra="confidential_field: secret\n")
    values: dict[str, JSONValue] = {"name": "新城", "notes": "别外传", "secret": False, "stray": "x",
                                    "rows": [{"task": "拆迁", "phone_note": "别外传"}]}
    assert not is_confidential(form, values)
    assert redact(form, values) == {"name": "新城", "secret": False, "rows": [{"task": "拆迁"}]}
    assert is_confidential(form, {**values, "secret": True})
    assert redact(form, {**values, "secret": True}) == {}
    whole = load_form_text("w", "title: 整表\nprefix: W\nconfidential: true\nsections:\n"
                                "  - title: 一\n    fields:\n      - {name: a, type: text, label: 甲}\n")
    assert is_confidential(whole, {"a": "x"}) and redact(whole, {"a": "x"}) == {}


# ---- the real forms and their schema ---------------------------------------------------

PERSON_OK = {"name": "张三", "phone": "13800001111"}
VALID: dict[str, dict[str, object]] = {
    "project": {
        "name": "新城综合体", "overview": "建设商业、办公和公共停车。", "category": "产业", "owner": "新城建设集团",
        "lead_unit": "东城街道", "town": "东城街道", "plans": ["区年度重大建设项目计划"],
        "focus_reason": "要素保障有难度", "investment": "125000.5", "year_investment": 30000,
        "milestones": [{"node": "开工", "task": "主体开工", "planned": "2026-12-01"},
                       {"node": "竣工", "task": "竣工验收", "planned": "2028-06-30", "done": "2028-06-01"}],
        "persons": [{"person": PERSON_OK, "role": "总负责"}], "confidential": False},
    "issue": {
        "project": "P-2026-0001", "kind": "土地", "problem": "用地指标不足。", "urgency": "紧急",
        "coordinated": "10月已召开专题会。", "coordinated_by": "区发展改革局", "ask": "请统筹调剂指标。",
        "co_units": ["区自然资源和规划分局"], "needs_city": True, "city_reason": "需市级统筹。",
        "contact": {"name": "李四", "phone": "0577-88889999"}},
    "material": {
        "project": "P-2026-0002", "overview": "概况", "progress": "进展", "problems": "问题",
        "coordination": "协调", "ask": "事项", "lead_unit": "区财政局",
        "persons": [{"person": PERSON_OK}], "goals": [{"node": "前期工作", "task": "完成环评", "planned": "2027-01-15"}],
        "attachments": [PDF, PNG], "secret_notes": "仅会上", "confidential": False},
    "progress": {"item": "2026-12-03", "month": "2026-12", "status": "存在困难", "progress": "完成征收七成。",
                 "difficulties": "两户未签约。", "percent": 70},
    "closure": {"item": "2026-12-03", "solved": "已全部签约。", "done": "2027-01-20", "evidence": [PDF],
                "contact": PERSON_OK},
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_real_form_accepts_a_full_submission_and_the_schema_agrees(name: str) -> None:
    form = load_forms(FORMS)[name]
    got = check(form, VALID[name])
    assert got.ok, got.errors
    schema = json_schema(form)
    assert conforms(VALID[name], schema) == []
    assert conforms(got.values, schema) == []  # stored values stay valid input
    json.dumps(schema)  # serialisable as is


@pytest.mark.parametrize("name", sorted(VALID))
def test_real_form_requires_and_schema_requires_alike(name: str) -> None:
    form = load_forms(FORMS)[name]
    schema = json_schema(form)
    for field in form.fields():
        if field.required and field.when is None:
            partial = {k: v for k, v in VALID[name].items() if k != field.name}
            assert field.name in check(form, partial).errors
            assert conforms(partial, schema), field.name


def test_schema_shape() -> None:
    forms = load_forms(FORMS)
    schema = json_schema(forms["project"])
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False and "name" in schema["required"]  # type: ignore[operator]
    props = schema["properties"]
    assert props["name"]["title"] == "项目名称"  # type: ignore[index]
    assert props["category"]["enum"] == ["产业", "交通", "能源", "水利", "社会事业"]  # type: ignore[index]
    milestones = props["milestones"]  # type: ignore[index]
    assert (milestones["type"], milestones["minItems"], milestones["maxItems"]) == ("array", 1, 12)
    assert milestones["items"]["properties"]["planned"]["format"] == "date"
    issue = json_schema(forms["issue"])
    assert "city_reason" not in issue["required"]  # type: ignore[operator]
    assert conforms({**VALID["issue"], "city_reason": None}, issue)  # if/then: required when needs_city
    assert conforms({**VALID["issue"], "surprise": 1}, issue)
    assert conforms({**VALID["issue"], "needs_city": False, "city_reason": None}, issue) == []


@pytest.mark.parametrize(("form", "data"), [
    (TEXT, {"v": "新城大道"}), (INTEGER, {"v": 5}), (DECIMAL, {"v": "12.5"}), (DECIMAL, {"v": 12.5}),
    (DATE, {"v": "2026-11-28"}), (MONTH, {"v": "2026-11"}), (SELECTS, {"v": "交通", "m": ["甲计划"]}),
    (UNITS, {"v": "区财政局", "many": ["东城街道"]}), (PROJECT, {"v": "P-2026-0001"}),
    (PERSON, {"v": {"name": "李四", "phone": "0577-88889999"}}), (ATTACH, {"v": PDF, "many": [PDF, PNG]}),
    (COND, {"needs_city": True, "city_reason": "跨区", "status": "困难", "trouble": "缺钱", "detail": "x"}),
    (GROUP, {"flag": True, "milestones": [ROW_A, {**ROW_B, "note": "x"}, {"node": "其他", "other": "y",
                                                                        "date": "2027-01-01"}]}),
])
def test_schema_accepts_what_the_check_accepts(form: FormDef, data: dict[str, object]) -> None:
    assert check(form, data).ok
    assert conforms(data, json_schema(form)) == []


@pytest.mark.parametrize(("form", "data"), [
    (TEXT, {"v": "新城大道建设工程"}), (INTEGER, {"v": 101}), (DECIMAL, {"v": "1.234"}), (DATE, {"v": "20261128"}),
    (MONTH, {"v": "2026-13"}), (SELECTS, {"v": "水利"}), (PROJECT, {"v": "项目一"}),
    (PERSON, {"v": {"name": "李四", "phone": "12345"}}), (ATTACH, {"v": PNG}),
    (COND, {"needs_city": True}), (GROUP, {"milestones": [ROW_A]}), (GROUP, {"milestones": [{"node": "其他"}] * 2}),
    (TEXT, {"v": "新城", "extra": 1}),
])
def test_check_and_schema_both_refuse(form: FormDef, data: dict[str, object]) -> None:
    assert not check(form, data).ok
    assert conforms(data, json_schema(form))


def conforms(value: object, schema: dict[str, Any], at: str = "$") -> list[str]:
    """A small structural JSON Schema checker for the keywords formschema emits."""
    problems: list[str] = []
    types = schema.get("type")
    if types is not None:
        names = types if isinstance(types, list) else [types]
        kinds = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list,
                 "object": dict, "null": type(None)}
        numeric = ("integer", "number")
        if not any(isinstance(value, kinds[n]) and not (n in numeric and isinstance(value, bool)) for n in names):
            return [f"{at}: type {names}"]
    if "const" in schema and value != schema["const"]:
        problems.append(f"{at}: const")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{at}: enum")
    if "not" in schema and not conforms(value, schema["not"], at):
        problems.append(f"{at}: not")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            problems.append(f"{at}: pattern")
        if not schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", 10 ** 9):
            problems.append(f"{at}: length")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not schema.get("minimum", -math.inf) <= value <= schema.get("maximum", math.inf):
            problems.append(f"{at}: range")
    if isinstance(value, list):
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", 10 ** 9):
            problems.append(f"{at}: items")
        if schema.get("uniqueItems") and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
            problems.append(f"{at}: unique")
        for i, item in enumerate(value):
            problems += conforms(item, schema.get("items", {}), f"{at}[{i}]")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        problems += [f"{at}.{k}: required" for k in schema.get("required", []) if k not in value]
        if schema.get("additionalProperties") is False:
            problems += [f"{at}.{k}: additional" for k in value if k not in props]
        for k, v in value.items():
            if k in props:
                problems += conforms(v, props[k], f"{at}.{k}")
    for rule in schema.get("allOf", []):
        if "if" in rule and not conforms(value, rule["if"], at):
            problems += conforms(value, rule["then"], at)
    return problems
