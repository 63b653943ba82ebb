"""Every field type of the form language: what each accepts, how it is stored, what it refuses."""

from __future__ import annotations

import json
from datetime import date

import pytest
from forms_support import (
    ATTACH,
    DATE,
    DECIMAL,
    INTEGER,
    MONTH,
    PDF,
    PERSON,
    PNG,
    PROJECT,
    SELECTS,
    SHA_PDF,
    TEXT,
    UNITS,
    Known,
    check,
    define,
    one,
)

from xietiao.forms.check import check_submission
from xietiao.forms.fieldtypes import clean_text
from xietiao.forms.schema import json_schema

# ---- every field type -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("新城大道", "新城大道"),
        ("  新城大道\t ", "新城大道"),
        ("Cafe\u0301馆", "Café馆"),  # NFC
        ("新城\x00大\x07道", "新城大道"),  # control characters
        ("新城\u202e道大\u202c", "新城道大"),  # bidi override
        ("\u2066新城\u2069\u200f", "新城"),
        ("新城\n大道", "新城大道"),  # no line breaks in a one-line field
    ],
)
def test_text_is_normalised(raw: str, stored: str) -> None:
    assert one(TEXT, raw) == (stored, [])


@pytest.mark.parametrize(
    ("raw", "word"), [("新城大道建设工程", "最多 6 个字"), ("新", "至少 2 个字"), (5, "须为文字"), (["甲"], "须为文字")]
)
def test_text_limits(raw: object, word: str) -> None:
    value, errors = one(TEXT, raw)
    assert value is None and len(errors) == 1 and word in errors[0] and "“项目名称”" in errors[0]


def test_textarea_keeps_lines_and_pattern_applies_to_whole_value() -> None:
    form = define("""
- {name: v, type: textarea, label: 说明}
- {name: code, type: text, label: 编号, pattern: '\\d{4}-\\d{2}-\\d{2}', placeholder: "2026-12-03"}
""")
    got = check(form, {"v": " 第一\r\n第二\t行\x0b ", "code": "x2026-12-03"}, complete=False)
    assert got.values == {"v": "第一\n第二\t行"}
    assert got.errors == {"code": ["“编号”格式不对（示例：2026-12-03）"]}
    assert check(form, {"code": "2026-12-03"}).values == {"code": "2026-12-03"}
    assert clean_text("a\u200eb\r\nc", multiline=True) == "ab\nc"


@pytest.mark.parametrize(
    ("raw", "ok"),
    [(0, True), (100, True), (55, True), (101, False), (-1, False), (True, False), ("5", False), (5.0, False)],
)
def test_integer(raw: object, ok: bool) -> None:
    value, errors = one(INTEGER, raw)
    assert (value == raw and not errors) if ok else (value is None and errors)
    if raw == 101:
        assert errors == ["“完成比例（%）”不能大于 100"]


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("1234.5", "1234.50"),
        (1234.5, "1234.50"),
        (12, "12.00"),
        (" 0.1 ", "0.10"),
        ("7.500", "7.50"),
        ("0", "0.00"),
        ("3,000", "3000.00"),
        ("52,000.5", "52000.50"),
        ("1，234，567", "1234567.00"),
    ],
)
def test_decimal_valid(raw: object, stored: str) -> None:
    assert one(DECIMAL, raw) == (stored, [])


@pytest.mark.parametrize(
    "raw",
    [
        0.1 + 0.2,
        "1.234",
        "abc",
        "1e5",
        "12,34",
        "1,2345",
        ",123",
        True,
        float("nan"),
        float("inf"),
        "12.",
        ".5",
        [1],
        10**20,
    ],
)
def test_decimal_invalid(raw: object) -> None:
    assert one(DECIMAL, raw) == (None, ["“总投资（万元）”须为数字，最多两位小数"])


def test_decimal_minimum() -> None:
    assert one(DECIMAL, "-1") == (None, ["“总投资（万元）”不能小于 0"])


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("2026-11-28", True),
        ("2024-02-29", True),
        ("2026-02-29", False),
        ("2026-02-30", False),
        ("20261128", False),
        ("2026/11/28", False),
        ("2026-W48-1", False),
        (20261128, False),
    ],
)
def test_date(raw: object, ok: bool) -> None:
    value, errors = one(DATE, raw)
    if ok:
        assert (value, errors) == (raw, [])
    else:
        assert errors[0].startswith("“计划日期”") and value is None
    if raw == "2026-02-30":
        assert errors == ["“计划日期”不是有效日期（格式：2026-11-28）"]


def test_date_range() -> None:
    assert one(DATE, "2019-12-31") == (None, ["“计划日期”不能早于 2020-01-01"])


class KnownOn(Known):
    """A lookup that also knows the day of the submission."""

    def today(self) -> date:
        return date(2026, 11, 28)


def test_no_later_than_today_for_dates_and_months() -> None:
    form = define("""
- {name: d, type: date, label: 办结日期, max: today}
- {name: m, type: month, label: 报告月份, max: today}
""")
    assert (form.field("d").maximum, form.field("m").maximum) == ("today", "today")
    got = check_submission(form, {"d": "2026-11-29", "m": "2026-12"}, KnownOn(), complete=False)
    assert got.errors == {"d": ["“办结日期”不能晚于今天"], "m": ["“报告月份”不能晚于本月"]}
    fine = check_submission(form, {"d": "2026-11-28", "m": "2026-11"}, KnownOn(), complete=False)
    assert fine.ok and fine.values == {"d": "2026-11-28", "m": "2026-11"}
    # A lookup that does not know the day checks nothing against it.
    assert check_submission(form, {"d": "2099-01-01"}, Known(), complete=False).ok
    assert "提交当日" in json.dumps(json_schema(form), ensure_ascii=False)


@pytest.mark.parametrize(
    ("raw", "ok"), [("2026-11", True), ("2026-13", False), ("2026-1", False), ("2026-11-01", False), ("2031-01", False)]
)
def test_month(raw: str, ok: bool) -> None:
    value, errors = one(MONTH, raw)
    assert (value == raw and not errors) if ok else (value is None and errors)


def test_select_is_exact() -> None:
    assert one(SELECTS, "交通") == ("交通", [])
    assert one(SELECTS, "交通 ")[1] == ["“项目类别”只能选：产业、交通、能源"]
    assert one(SELECTS, "水利")[0] is None
    assert one(SELECTS, "")[0] is None and not one(SELECTS, "")[1]


@pytest.mark.parametrize(
    ("raw", "stored", "word"),
    [
        (["丙计划", "甲计划"], ["甲计划", "丙计划"], None),  # stored in the definition's order
        ([], None, None),
        (["丁计划"], None, "不是可选项"),
        (["甲计划", "甲计划"], None, "重复"),
        ("甲计划", None, "列表"),
    ],
)
def test_multiselect(raw: object, stored: object, word: str | None) -> None:
    got = check(SELECTS, {"m": raw}, complete=False)
    assert got.values.get("m") == stored
    assert (word is None and not got.errors) or word in got.errors["m"][0]


def test_unit() -> None:
    assert one(UNITS, " 区财政局 ") == ("区财政局", [])
    assert one(UNITS, "区财务局") == (None, ["“责任单位”：“区财务局”不是系统中登记的单位"])
    got = check(UNITS, {"many": ["区财政局", "东城街道"]}, complete=False)
    assert got.values == {"many": ["区财政局", "东城街道"]}
    assert "重复" in check(UNITS, {"many": ["区财政局", "区财政局"]}, complete=False).errors["many"][0]
    assert "不是系统中登记的单位" in check(UNITS, {"many": ["外星局"]}, complete=False).errors["many"][0]


@pytest.mark.parametrize(
    ("raw", "word"),
    [
        ("P-2026-0001", None),
        ("P-2026-0009", "不存在"),
        ("项目一", "项目编号"),
        ("p-2026-0001", "项目编号"),
        (1, "文字"),
    ],
)
def test_project(raw: object, word: str | None) -> None:
    value, errors = one(PROJECT, raw)
    assert (word is None and value == raw) or word in errors[0]


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ({"name": "张三", "phone": "13800001111"}, {"name": "张三", "phone": "13800001111"}),
        ({"name": " 李四 ", "phone": "0577-88889999"}, {"name": "李四", "phone": "0577-88889999"}),
        ({"name": "王五", "phone": "138 0000 1111"}, {"name": "王五", "phone": "13800001111"}),
        ({"name": "", "phone": ""}, None),
    ],
)
def test_person_valid(raw: object, stored: object) -> None:
    assert one(PERSON, raw) == (stored, [])


@pytest.mark.parametrize(
    ("raw", "count"),
    [
        ({"name": "张三", "phone": "12345"}, 1),
        ({"name": "", "phone": "13800001111"}, 1),
        ({"name": "张三", "phone": "23800001111"}, 1),
        ({"name": "张三"}, 1),
        ({"phone": "x"}, 2),
        ({"name": "张三", "phone": "13800001111", "email": "x"}, 1),
        ("张三 13800001111", 1),
    ],
)
def test_person_invalid(raw: object, count: int) -> None:
    value, errors = one(PERSON, raw)
    assert value is None and len(errors) == count and all(e.startswith("“联系人”") for e in errors)


def test_yesno() -> None:
    form = define("- {name: v, type: yesno, label: 涉密, required: true}")
    assert one(form, True) == (True, []) and one(form, False) == (False, [])
    assert one(form, "yes") == (None, ["“涉密”须为“是”或“否”"])
    assert one(form, 1)[0] is None
    assert check(form, {"v": False}).ok  # “否” is an answer, so required is met
    assert check(form, {}).errors == {"v": ["“涉密”为必填项"]}


def test_attachment() -> None:
    assert one(ATTACH, PDF) == (PDF, [])
    assert one(ATTACH, {**PDF, "name": "../../etc/passwd"})[0]["name"] == "_.._etc_passwd.pdf"  # type: ignore[index]
    assert one(ATTACH, PNG) == (None, ["“批复文件”只接受：PDF"])
    assert one(ATTACH, {**PDF, "size": 2 * 1024 * 1024}) == (None, ["“批复文件”的文件不能超过 1 MB"])
    assert one(ATTACH, {**PDF, "sha256": "c" * 64}) == (None, ["“批复文件”的文件未找到，请重新上传"])
    for broken in ({**PDF, "sha256": "../x"}, {**PDF, "size": True}, {"sha256": SHA_PDF}, SHA_PDF, {**PDF, "extra": 1}):
        assert one(ATTACH, broken) == (None, ["“批复文件”的附件信息不完整，请重新上传"])
    assert check(ATTACH, {"many": [PDF, PNG]}).values == {"many": [PDF, PNG]}
    assert "重复" in check(ATTACH, {"many": [PDF, PDF]}).errors["many"][0]
