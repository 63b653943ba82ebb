"""One definition, two doors: an inline form with every field type stores the same through HTML and API."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import PASSWORD, TODAY, Client, fixed_now

from xietiao.config import FORMS_DIR
from xietiao.store.engine import Store

EVERY_TYPE = """
title: 全字段测试
prefix: T
sections:
  - title: 一
    fields:
      - {name: t, type: text, label: 文本, required: true, max_length: 20}
      - {name: ta, type: textarea, label: 多行}
      - {name: n, type: integer, label: 整数, min: 0, max: 100}
      - {name: d, type: decimal, label: 金额（万元）}
      - {name: day, type: date, label: 日期}
      - {name: m, type: month, label: 月份}
      - {name: s, type: select, label: 单选, choices: [甲, 乙]}
      - {name: ms, type: multiselect, label: 多选, choices: [甲, 乙, 丙]}
      - {name: u, type: unit, label: 单位}
      - {name: p, type: person, label: 联系人}
      - {name: yn, type: yesno, label: 是否}
      - {name: why, type: textarea, label: 理由, required: true, when: {field: yn, equals: true}}
      - name: rows
        type: group
        label: 明细
        min_rows: 1
        max_rows: 3
        fields:
          - {name: what, type: text, label: 事项, required: true}
          - {name: due, type: date, label: 期限}
"""

API_DATA = {
    "t": "  东城\u202e测试 ",
    "ta": "第一行\n第二行",
    "n": 42,
    "d": "1234.5",
    "day": "2026-12-01",
    "m": "2026-11",
    "s": "乙",
    "ms": ["甲", "丙"],
    "u": "区财政局",
    "p": {"name": "王五", "phone": "13900000000"},
    "yn": True,
    "why": "需要",
    "rows": [{"what": "办证", "due": "2027-01-15"}, {"what": "开工"}],
}
HTML_DATA = {
    "t": "  东城\u202e测试 ",
    "ta": "第一行\r\n第二行",
    "n": "42",
    "d": "1234.5",
    "day": "2026-12-01",
    "m": "2026-11",
    "s": "乙",
    "ms": ["甲", "丙"],
    "u": "区财政局",
    "p-name": "王五",
    "p-phone": "13900000000",
    "yn": "yes",
    "why": "需要",
    "rows-0-what": "办证",
    "rows-0-due": "2027-01-15",
    "rows-1-what": "开工",
    "rows-2-what": "",
    "rows-2-due": "",
}


@pytest.fixture
def parity_app(store: Store, tmp_path: Path):  # type: ignore[no-untyped-def]
    from cli.assemble import assemble_app

    forms = tmp_path / "forms"
    shutil.copytree(FORMS_DIR, forms)
    (forms / "alltypes.yml").write_text(EVERY_TYPE, "utf-8")
    return assemble_app(
        store, site_dir=tmp_path / "site", today=lambda: TODAY, now=fixed_now, forms_dir=forms, auto_publish=False
    )


def test_html_and_api_store_the_same_values(parity_app) -> None:  # type: ignore[no-untyped-def]
    api = Client(parity_app)
    token = api.post("/api/login", json={"username": "dc", "password": PASSWORD}).json()["csrf"]
    r = api.post("/api/forms/alltypes", json={"action": "submit", "data": API_DATA}, headers={"X-CSRF-Token": token})
    assert r.status_code == 201, r.text
    via_api = api.get(f"/api/submissions/{r.json()['number']}").json()["data"]

    html = Client(parity_app)
    html.post("/app/login", data={"username": "dc", "password": PASSWORD})
    page = html.get("/app/forms/alltypes/new")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = html.post(
        "/app/forms/alltypes/new", data={**HTML_DATA, "csrf": csrf, "action": "submit"}, follow_redirects=False
    )
    assert r.status_code == 303, r.text[:2000]
    number = r.headers["location"].split("/")[-1].split("?")[0]
    via_html = api.get(f"/api/submissions/{number}").json()["data"]

    assert via_html == via_api
    assert via_api["t"] == "东城测试"  # trimmed, bidi override removed
    assert via_api["ta"] == "第一行\n第二行"
    assert via_api["n"] == 42 and via_api["yn"] is True and via_api["rows"][1] == {"what": "开工"}


def test_the_schema_and_the_html_form_come_from_the_same_fields(parity_app) -> None:  # type: ignore[no-untyped-def]
    api = Client(parity_app)
    api.post("/api/login", json={"username": "dc", "password": PASSWORD})
    schema = next(f["schema"] for f in api.get("/api/forms").json() if f["name"] == "alltypes")
    html = Client(parity_app)
    html.post("/app/login", data={"username": "dc", "password": PASSWORD})
    page = html.get("/app/forms/alltypes/new").text
    fields = re.findall(r'<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)"', page)
    names = {re.sub(r"(-\d+-[a-z]+|-name|-phone)$", "", n) for n in fields} - {"csrf", "action"}
    assert names == set(schema["properties"])
    # An optional field may also be sent as null (the same as leaving it out).
    assert [v for v in schema["properties"]["s"]["enum"] if v is not None] == ["甲", "乙"]


def test_condition_drops_and_requires(parity_app) -> None:  # type: ignore[no-untyped-def]
    api = Client(parity_app)
    token = api.post("/api/login", json={"username": "dc", "password": PASSWORD}).json()["csrf"]
    data = {**API_DATA, "yn": True}
    del data["why"]
    r = api.post("/api/forms/alltypes", json={"action": "submit", "data": data}, headers={"X-CSRF-Token": token})
    assert r.status_code == 422 and "why" in r.json()["errors"]
    r = api.post(
        "/api/forms/alltypes",
        json={"action": "submit", "data": {**API_DATA, "yn": False}},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 201
    stored = api.get(f"/api/submissions/{r.json()['number']}").json()["data"]
    assert "why" not in stored  # a hidden field's value is not kept
