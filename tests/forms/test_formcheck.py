"""Checking whole submissions: conditions, groups, drafts, HTML posts, redaction, and the JSON Schema."""

from __future__ import annotations

import json

from forms_support import (
    COND,
    GROUP,
    PDF,
    ROW_A,
    ROW_B,
    TEXT,
    check,
    define,
)

from xietiao.forms.check import is_confidential, redact
from xietiao.forms.loader import load_form_text
from xietiao.forms.posted import values_from_form
from xietiao.jsonvalue import JSONValue

# ---- conditions, groups, drafts -------------------------------------------------------


def test_condition_true_requires_the_field() -> None:
    got = check(COND, {"needs_city": True})
    assert got.errors == {"city_reason": ["“市级协调理由”为必填项"]}
    assert check(COND, {"needs_city": True, "city_reason": "跨区用地"}).values == {
        "needs_city": True,
        "city_reason": "跨区用地",
    }


def test_condition_false_drops_the_value_and_its_errors() -> None:
    got = check(COND, {"needs_city": False, "city_reason": 123, "status": "正常", "trouble": "x", "detail": "y"})
    assert got.ok and got.values == {"needs_city": False, "status": "正常"}
    assert check(COND, {}).ok  # nothing to show, nothing required


def test_condition_chain() -> None:
    got = check(COND, {"status": "困难", "trouble": "缺指标", "detail": "用地指标未落实"})
    assert got.values == {"status": "困难", "trouble": "缺指标", "detail": "用地指标未落实"}
    # trouble hidden -> detail, which depends on it, is hidden too
    assert check(COND, {"status": "正常", "trouble": "缺指标", "detail": "x"}).values == {"status": "正常"}


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
    got = check(
        GROUP,
        {"milestones": [ROW_A, {"node": "其他", "date": "2026-02-30"}, {"node": "开工", "bogus": 1}, "not a row"]},
        complete=False,
    )
    assert got.errors["milestones"] == ["“时间节点”最多 3 行，现有 4 行"]
    got = check(GROUP, {"milestones": [ROW_A, {"node": "其他", "date": "2026-02-30"}, {"node": "开工", "bogus": 1}]})
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
    post = {
        "name": ["新城"],
        "n": ["12"],
        "ok": ["no"],
        "plans": ["甲", "乙"],
        "units": ["区财政局", ""],
        "contact-name": ["张三"],
        "contact-phone": ["13800001111"],
        "files": [json.dumps(PDF), ""],
        "rows-10-task": ["后"],
        "rows-2-task": ["前"],
        "rows-2-who-name": ["李四"],
        "rows-2-who-phone": ["0577-12345678"],
        "rows-5-task": [""],
        "rows-5-who-name": [""],
    }
    values = values_from_form(form, post)
    assert values == {
        "name": "新城",
        "n": 12,
        "ok": False,
        "plans": ["甲", "乙"],
        "units": ["区财政局"],
        "contact": {"name": "张三", "phone": "13800001111"},
        "files": [PDF],
        "rows": [{"task": "前", "who": {"name": "李四", "phone": "0577-12345678"}}, {"task": "后"}],
    }
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
    post = {
        "name": ["甲", "乙"],
        "n": ["十二"],
        "ok": ["maybe"],
        "contact-phone": ["1", "2"],
        "rows-x-task": ["?"],
        "rows-0-nope": ["?"],
        "csrf": ["t"],
        "n-extra": ["?"],
    }
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
    form = define(
        """
- {name: name, type: text, label: 名称}
- {name: notes, type: text, label: 内部说明, confidential: true}
- {name: secret, type: yesno, label: 涉密}
- name: rows
  type: group
  label: 行
  fields:
    - {name: task, type: text, label: 任务}
    - {name: phone_note, type: text, label: 私下说明, confidential: true}
""",
        extra="confidential_field: secret\n",
    )
    values: dict[str, JSONValue] = {
        "name": "新城",
        "notes": "别外传",
        "secret": False,
        "stray": "x",
        "rows": [{"task": "拆迁", "phone_note": "别外传"}],
    }
    assert not is_confidential(form, values)
    assert redact(form, values) == {"name": "新城", "secret": False, "rows": [{"task": "拆迁"}]}
    assert is_confidential(form, {**values, "secret": True})
    assert redact(form, {**values, "secret": True}) == {}
    whole = load_form_text(
        "w",
        "title: 整表\nprefix: W\nconfidential: true\nsections:\n"
        "  - title: 一\n    fields:\n      - {name: a, type: text, label: 甲}\n",
    )
    assert is_confidential(whole, {"a": "x"}) and redact(whole, {"a": "x"}) == {}
