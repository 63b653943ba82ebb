"""Forms through the real app: JSON API, HTML forms, lifecycle, CSRF, throttling, access."""

from __future__ import annotations

import re

from conftest import PASSWORD, Client, login

PROJECT = {
    "name": "东城智能制造产业园",
    "overview": "新建标准厂房及配套设施。",
    "category": "产业",
    "owner": "XX经开集团",
    "lead_unit": "东城街道",
    "town": "东城街道",
    "plans": ["区年度重大建设项目计划"],
    "focus_reason": "要素保障有难度",
    "investment": "52000.00",
    "milestones": [
        {"node": "前期工作", "task": "完成用地预审", "planned": "2026-03-31"},
        {"node": "开工", "task": "主体工程开工", "planned": "2026-06-30"},
        {"node": "竣工", "task": "主体竣工验收", "planned": "2027-12-31"},
        {"node": "投产运营", "task": "首批企业入驻", "planned": "2028-06-30"},
    ],
    "persons": [{"person": {"name": "王建国", "phone": "13800000001"}, "role": "总负责"}],
    "confidential": False,
}


def _submit(
    c: Client, form: str, data: dict[str, object], action: str = "submit", number: str | None = None
) -> tuple[int, dict[str, object]]:
    body: dict[str, object] = {"action": action, "data": data}
    if number:
        # An edit names the version it starts from, as read from the API.
        body.update(number=number, version=c.get(f"/api/submissions/{number}").json()["version"])
    r = c.post(f"/api/forms/{form}", json=body)
    return r.status_code, r.json()


def test_api_submit_view_and_unit_isolation(app) -> None:  # type: ignore[no-untyped-def]
    dc, xc, fgj = login(app, "dc"), login(app, "xc"), login(app, "fgj")
    status, body = _submit(dc, "project", PROJECT)
    assert status == 201, body
    number = str(body["number"])
    assert re.fullmatch(r"P-2026-\d{4}", number)
    mine = dc.get(f"/api/submissions/{number}")
    assert mine.status_code == 200 and mine.json()["data"]["name"] == PROJECT["name"]
    assert xc.get(f"/api/submissions/{number}").status_code == 404
    assert fgj.get(f"/api/submissions/{number}").status_code == 200
    assert xc.get("/api/submissions/P-2026-9999").status_code == 404


def test_api_invalid_input_gives_422_per_field_in_chinese(app) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")
    bad = {**PROJECT, "investment": "很多", "category": "旅游", "name": ""}
    status, body = _submit(dc, "project", bad)
    assert status == 422
    errors = body["errors"]
    assert isinstance(errors, dict)
    assert {"investment", "category", "name"} <= set(errors)
    assert all(re.search(r"[\u4e00-\u9fff]", m) for ms in errors.values() for m in ms)
    assert dc.get("/api/submissions/P-2026-0001").status_code == 404  # nothing saved


def test_api_draft_may_be_incomplete_but_submit_may_not(app) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")
    status, body = _submit(dc, "project", {"name": "半成品项目"}, action="draft")
    assert status == 201
    number = str(body["number"])
    status, body = _submit(dc, "project", {"name": "半成品项目"}, number=number)
    assert status == 422 and "overview" in body["errors"]  # type: ignore[operator]
    status, body = _submit(dc, "project", PROJECT, number=number)
    assert status == 200 and body["number"] == number
    status, body = _submit(dc, "project", PROJECT, number=number)
    assert status == 409  # submitted is locked


def test_unknown_and_duplicate_fields_are_refused(app) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")
    status, body = _submit(dc, "project", {**PROJECT, "colour": "green"})
    assert status == 422 and "colour" in body["errors"]  # type: ignore[operator]
    r = dc.post(
        "/api/forms/project",
        content=b'{"action": "draft", "action": "submit", "data": {}}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 400 and "重复" in r.json()["error"]


def test_broken_text_and_deep_nesting_are_refused_and_writing_goes_on(app) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")
    # JSON can spell half of a UTF-16 pair; no file can hold it, so the field is refused.
    r = dc.post(
        "/api/forms/project",
        content=b'{"action": "draft", "data": {"name": "bad \\ud800 name"}}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422 and "无法识别的字符" in r.json()["errors"]["name"][0]
    status, body = _submit(dc, "project", PROJECT)
    assert status == 201, body  # and the store goes on saving
    r = dc.post(
        "/api/forms/project",
        content=b'{"action": "draft", "data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 400 and "error" in r.json()
    anon = Client(app, base_url="http://testserver")
    r = anon.post(
        "/api/login", content=b'{"username": "dc", "password": "\\udfff"}', headers={"content-type": "application/json"}
    )
    assert r.status_code == 401


def test_oversized_json_is_refused_before_reading(app) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")
    r = dc.post(
        "/api/forms/project",
        content=b"{" + b" " * (1024 * 1024 + 10) + b"}",
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413 and "过大" in r.json()["error"]


def test_csrf_and_origin_are_checked(app) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")
    no_token = dc.post("/api/forms/project", json={"action": "draft", "data": {}}, headers={"X-CSRF-Token": "wrong"})
    assert no_token.status_code == 403
    foreign = dc.post(
        "/api/forms/project", json={"action": "draft", "data": {}}, headers={"Origin": "http://evil.example"}
    )
    assert foreign.status_code == 403
    cross = dc.post(
        "/api/forms/project", json={"action": "draft", "data": {}}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert cross.status_code == 403


def test_login_is_generic_and_throttled(app) -> None:  # type: ignore[no-untyped-def]
    c = Client(app)
    wrong_pw = c.post("/api/login", json={"username": "dc", "password": "nope"})
    no_user = c.post("/api/login", json={"username": "nobody", "password": "nope"})
    assert wrong_pw.status_code == no_user.status_code == 401
    assert wrong_pw.json() == no_user.json()
    for _ in range(4):
        c.post("/api/login", json={"username": "dc", "password": "nope"})
    blocked = c.post("/api/login", json={"username": "dc", "password": PASSWORD})
    assert blocked.status_code == 429 and "15分钟" in blocked.json()["error"]


def test_login_renews_the_session_token(app) -> None:  # type: ignore[no-untyped-def]
    c = Client(app)
    c.post("/api/login", json={"username": "dc", "password": PASSWORD})
    first = c.cookies.get("xietiao_session")
    c.post("/api/login", json={"username": "dc", "password": PASSWORD})
    second = c.cookies.get("xietiao_session")
    assert first and second and first != second


def test_login_redirect_stays_on_site(app) -> None:  # type: ignore[no-untyped-def]
    c = Client(app)
    for target in ("//evil.example/x", "https://evil.example", "/\\evil.example"):
        r = c.post("/app/login", data={"username": "dc", "password": PASSWORD, "next": target}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/app/"


def _html_login(app, username: str) -> tuple[Client, str]:  # type: ignore[no-untyped-def]
    c = Client(app)
    c.post("/app/login", data={"username": username, "password": PASSWORD})
    page = c.get("/app/forms/project/new")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    return c, token.group(1)


def test_html_form_redisplays_typed_values_with_messages(app) -> None:  # type: ignore[no-untyped-def]
    c, csrf = _html_login(app, "dc")
    r = c.post(
        "/app/forms/project/new",
        data={
            "csrf": csrf,
            "action": "submit",
            "name": "<b>我的项目</b>",
            "investment": "一百万",
            "milestones-0-node": "开工",
            "milestones-0-task": "开工",
            "milestones-0-planned": "2026-02-30",
        },
    )
    assert r.status_code == 400
    assert "&lt;b&gt;我的项目&lt;/b&gt;" in r.text and "<b>我的项目</b>" not in r.text
    assert "一百万" in r.text and "总投资" in r.text
    assert "不是有效日期" in r.text
    assert "未保存任何内容" in r.text


def test_return_and_resubmit_keeps_both_versions(app) -> None:  # type: ignore[no-untyped-def]
    dc, fgj = login(app, "dc"), login(app, "fgj")
    _, body = _submit(dc, "project", PROJECT)
    number = str(body["number"])
    c, csrf = _html_login(app, "fgj")
    r = c.post(f"/app/records/project/{number}/return", data={"csrf": csrf, "reason": "总投资与批复不符"})
    assert r.status_code == 200
    assert dc.get(f"/api/submissions/{number}").json()["status"] == "returned"
    fixed = {**PROJECT, "investment": "48000.00"}
    status, _ = _submit(dc, "project", fixed, number=number)
    assert status == 200
    record = fgj.get(f"/api/submissions/{number}").json()
    submitted = [v for v in record["versions"] if v["status"] == "submitted"]
    assert [v["data"]["investment"] for v in submitted] == ["52000.00", "48000.00"]
    page = c.get(f"/app/records/project/{number}")
    assert "总投资与批复不符" in page.text and "52000.00" in page.text and "48000.00" in page.text
    # Repeated rows read as text in the history, not as program data.
    assert "1. 前期工作，完成用地预审，计划日期 2026-03-31" in page.text and "{&#39;node&#39;" not in page.text


def test_unit_cannot_review_and_leader_cannot_fill(app) -> None:  # type: ignore[no-untyped-def]
    dc, leader = login(app, "dc"), login(app, "leader")
    _, body = _submit(dc, "project", PROJECT)
    c, csrf = _html_login(app, "xc")
    r = c.post(f"/app/records/project/{body['number']}/accept", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 403
    status, _ = _submit(leader, "project", PROJECT)
    assert status == 403


def test_openapi_and_forms_list_come_from_definitions(app) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")
    doc = dc.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    for name in ("project", "issue", "material", "progress", "closure"):
        assert f"/api/forms/{name}" in doc["paths"]
    forms = {f["name"]: f for f in dc.get("/api/forms").json()}
    schema = forms["project"]["schema"]
    assert schema["properties"]["category"]["enum"] == ["产业", "交通", "能源", "水利", "社会事业"]


def test_security_headers_on_app_pages(client: Client) -> None:
    r = client.get("/app/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"


def test_health(client: Client) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["records"] >= 6


def test_material_only_from_the_projects_own_unit(app) -> None:  # type: ignore[no-untyped-def]
    dc, xc = login(app, "dc"), login(app, "xc")
    status, body = _submit(dc, "project", PROJECT)
    assert status == 201, body
    material = {
        "project": body["number"],
        "overview": "概况",
        "progress": "已开工",
        "problems": "用地指标不足",
        "coordination": "已对接区自然资源和规划分局",
        "ask": "请协调用地指标",
        "lead_unit": "东城街道",
        "persons": [{"person": {"name": "王建国", "phone": "13800000001"}, "role": "总负责"}],
        "goals": [{"node": "开工", "task": "主体工程开工", "planned": "2027-06-30"}],
        "confidential": False,
    }
    status, refused = _submit(xc, "material", {**material, "lead_unit": "西城街道"})
    assert status == 422, refused
    assert "不由本单位负责" in refused["errors"]["project"][0], refused  # type: ignore[index]
    status, filed = _submit(dc, "material", material)
    assert status == 201, filed


def test_a_form_shown_again_keeps_its_number_of_rows(app) -> None:  # type: ignore[no-untyped-def]
    c, csrf = _html_login(app, "dc")
    fresh = c.get("/app/forms/project/new").text
    rows = len(set(re.findall(r'name="milestones-(\d+)-task"', fresh)))
    blank = {f"milestones-{i}-{k}": "" for i in range(rows) for k in ("node", "task", "planned")}
    page = c.post("/app/forms/project/new", data={"csrf": csrf, "action": "submit", **blank}).text
    again = c.post("/app/forms/project/new", data={"csrf": csrf, "action": "submit", **blank}).text
    assert len(set(re.findall(r'name="milestones-(\d+)-task"', page))) == rows
    assert len(set(re.findall(r'name="milestones-(\d+)-task"', again))) == rows
    # All rows filled: one spare row to add another.
    full = {
        f"milestones-{i}-{k}": v
        for i in range(rows)
        for k, v in (("node", "开工"), ("task", f"任务{i}"), ("planned", "2027-01-01"))
    }
    more = c.post("/app/forms/project/new", data={"csrf": csrf, "action": "submit", **full}).text
    assert len(set(re.findall(r'name="milestones-(\d+)-task"', more))) == rows + 1


def test_drafts_are_listed_first_on_the_unit_workbench(app) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")
    status, body = _submit(dc, "project", {"name": "半途的项目"}, action="draft")
    assert status == 201
    home = dc.get("/app/").text
    assert "未提交的草稿（1）" in home and f"/app/records/project/{body['number']}/edit" in home
    _submit(dc, "project", PROJECT, action="submit", number=str(body["number"]))
    assert "未提交的草稿" not in dc.get("/app/").text


def test_opening_a_locked_record_for_editing_says_why(app) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")
    _, body = _submit(dc, "project", PROJECT)
    number = str(body["number"])
    page = dc.get(f"/app/records/project/{number}/edit")
    assert "已提交，不能再修改" in page.text and "联系区发展改革局退回" in page.text
    c, csrf = _html_login(app, "fgj")
    assert c.post(f"/app/records/project/{number}/accept", data={"csrf": csrf}).status_code == 200
    page = dc.get(f"/app/records/project/{number}/edit")
    assert "已由区发展改革局受理" in page.text and "退回" not in page.text.split('role="status">')[1][:60]
