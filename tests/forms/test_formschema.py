"""The real forms against their JSON Schema: what the check accepts the schema accepts, and both refuse alike."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from forms_support import (
    ATTACH,
    COND,
    DATE,
    DECIMAL,
    FORMS,
    GROUP,
    INTEGER,
    MONTH,
    PDF,
    PERSON,
    PNG,
    PROJECT,
    ROW_A,
    ROW_B,
    SELECTS,
    TEXT,
    UNITS,
    check,
)

from xietiao.forms.definitions import FormDef
from xietiao.forms.loader import load_forms
from xietiao.forms.schema import json_schema

# ---- the real forms and their schema ---------------------------------------------------

PERSON_OK = {"name": "张三", "phone": "13800001111"}
VALID: dict[str, dict[str, object]] = {
    "project": {
        "name": "新城综合体",
        "overview": "建设商业、办公和公共停车。",
        "category": "产业",
        "owner": "新城建设集团",
        "lead_unit": "东城街道",
        "town": "东城街道",
        "plans": ["区年度重大建设项目计划"],
        "focus_reason": "要素保障有难度",
        "investment": "125000.5",
        "year_investment": 30000,
        "milestones": [
            {"node": "开工", "task": "主体开工", "planned": "2026-12-01"},
            {"node": "竣工", "task": "竣工验收", "planned": "2028-06-30", "done": "2028-06-01"},
        ],
        "persons": [{"person": PERSON_OK, "role": "总负责"}],
        "confidential": False,
    },
    "issue": {
        "project": "P-2026-0001",
        "kind": "土地",
        "problem": "用地指标不足。",
        "urgency": "紧急",
        "coordinated": "10月已召开专题会。",
        "coordinated_by": "区发展改革局",
        "ask": "请统筹调剂指标。",
        "co_units": ["区自然资源和规划分局"],
        "needs_city": True,
        "city_reason": "需市级统筹。",
        "contact": {"name": "李四", "phone": "0577-88889999"},
    },
    "material": {
        "project": "P-2026-0002",
        "overview": "概况",
        "progress": "进展",
        "problems": "问题",
        "coordination": "协调",
        "ask": "事项",
        "lead_unit": "区财政局",
        "persons": [{"person": PERSON_OK}],
        "goals": [{"node": "前期工作", "task": "完成环评", "planned": "2027-01-15"}],
        "attachments": [PDF, PNG],
        "secret_notes": "仅会上",
        "confidential": False,
    },
    "progress": {
        "item": "2026-12-03",
        "month": "2026-12",
        "status": "存在困难",
        "progress": "完成征收七成。",
        "difficulties": "两户未签约。",
        "percent": 70,
    },
    "closure": {
        "item": "2026-12-03",
        "solved": "已全部签约。",
        "done": "2027-01-20",
        "evidence": [PDF],
        "contact": PERSON_OK,
    },
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


@pytest.mark.parametrize(
    ("form", "data"),
    [
        (TEXT, {"v": "新城大道"}),
        (INTEGER, {"v": 5}),
        (DECIMAL, {"v": "12.5"}),
        (DECIMAL, {"v": 12.5}),
        (DATE, {"v": "2026-11-28"}),
        (MONTH, {"v": "2026-11"}),
        (SELECTS, {"v": "交通", "m": ["甲计划"]}),
        (UNITS, {"v": "区财政局", "many": ["东城街道"]}),
        (PROJECT, {"v": "P-2026-0001"}),
        (PERSON, {"v": {"name": "李四", "phone": "0577-88889999"}}),
        (ATTACH, {"v": PDF, "many": [PDF, PNG]}),
        (COND, {"needs_city": True, "city_reason": "跨区", "status": "困难", "trouble": "缺钱", "detail": "x"}),
        (
            GROUP,
            {
                "flag": True,
                "milestones": [ROW_A, {**ROW_B, "note": "x"}, {"node": "其他", "other": "y", "date": "2027-01-01"}],
            },
        ),
    ],
)
def test_schema_accepts_what_the_check_accepts(form: FormDef, data: dict[str, object]) -> None:
    assert check(form, data).ok
    assert conforms(data, json_schema(form)) == []


@pytest.mark.parametrize(
    ("form", "data"),
    [
        (TEXT, {"v": "新城大道建设工程"}),
        (INTEGER, {"v": 101}),
        (DECIMAL, {"v": "1.234"}),
        (DATE, {"v": "20261128"}),
        (MONTH, {"v": "2026-13"}),
        (SELECTS, {"v": "水利"}),
        (PROJECT, {"v": "项目一"}),
        (PERSON, {"v": {"name": "李四", "phone": "12345"}}),
        (ATTACH, {"v": PNG}),
        (COND, {"needs_city": True}),
        (GROUP, {"milestones": [ROW_A]}),
        (GROUP, {"milestones": [{"node": "其他"}] * 2}),
        (TEXT, {"v": "新城", "extra": 1}),
    ],
)
def test_check_and_schema_both_refuse(form: FormDef, data: dict[str, object]) -> None:
    assert not check(form, data).ok
    assert conforms(data, json_schema(form))


def conforms(value: object, schema: dict[str, Any], at: str = "$") -> list[str]:
    """A small structural JSON Schema checker for the keywords formschema emits."""
    problems: list[str] = []
    types = schema.get("type")
    if types is not None:
        names = types if isinstance(types, list) else [types]
        kinds = {
            "string": str,
            "integer": int,
            "number": (int, float),
            "boolean": bool,
            "array": list,
            "object": dict,
            "null": type(None),
        }
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
        if not schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", 10**9):
            problems.append(f"{at}: length")
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and not schema.get("minimum", -math.inf) <= value <= schema.get("maximum", math.inf):  # type: ignore[operator]
        problems.append(f"{at}: range")
    if isinstance(value, list):
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", 10**9):
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
