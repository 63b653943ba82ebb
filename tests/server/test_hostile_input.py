"""Hostile input gets a 4xx with a message, never a 500; edits without a current version are refused."""

from __future__ import annotations

import re

import pytest
from conftest import login

KEYS = [
    '{"action":"draft","data":{},"\\ud800":1}',  # a top-level key
    '{"action":"draft","data":{"\\ud800":1}}',  # a key inside data
    '{"action":"draft","data":{"milestones":[{"\\ud800":"x"}]}}',  # a key in a repeated row
    '{"action":"draft","data":{"persons":[{"person":{"\\udfff":"x"}}]}}',  # a key of a person
    '{"action":"draft","data":{"plans":["\\ud800"]}}',  # a multi-select item
    '{"action":"draft","data":{"category":"\\ud800"}}',
]


@pytest.mark.parametrize("body", KEYS)
def test_lone_surrogates_anywhere_in_the_json_get_a_message(app, body: str) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")
    r = dc.post("/api/forms/project", content=body.encode(), headers={"content-type": "application/json"})
    assert r.status_code in (400, 422), r.text
    assert r.json()


def test_numbers_beyond_pythons_digit_limit_are_refused_plainly(app) -> None:  # type: ignore[no-untyped-def]
    fgj, dc = login(app, "fgj"), login(app, "dc")
    huge = "9" * 5000
    assert fgj.get(f"/app/ledger?page={huge}").status_code == 200
    r = dc.post(
        "/app/forms/project/new",
        data={"csrf": dc.csrf, "action": "draft", "version": huge, f"milestones-{huge}-node": "开工"},
        follow_redirects=False,
    )
    assert r.status_code in (303, 400)
    r = dc.post("/api/forms/project", json={"action": "draft", "data": {}, "number": "P-2026-0001", "version": huge})
    assert r.status_code == 400 and "version" in r.json()["error"]


def _new_draft(dc) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    r = dc.post("/api/forms/project", json={"action": "draft", "data": {"name": "城东产业园"}})
    assert r.status_code == 201
    return r.json()["number"], r.json()["version"]


def test_the_api_refuses_stale_and_missing_versions(app, store) -> None:  # type: ignore[no-untyped-def]
    first, second = login(app, "dc"), login(app, "dc")
    number, version = _new_draft(first)
    assert second.get(f"/api/submissions/{number}").json()["version"] == version
    ok = first.post(
        "/api/forms/project",
        json={"action": "draft", "number": number, "version": version, "data": {"name": "甲改的"}},
    )
    assert ok.status_code == 200 and ok.json()["version"] == version + 1
    stale = second.post(
        "/api/forms/project",
        json={"action": "draft", "number": number, "version": version, "data": {"name": "乙改的"}},
    )
    assert stale.status_code == 409 and stale.json()["version"] == version + 1
    assert "已被他人保存过" in stale.json()["error"]
    blind = second.post("/api/forms/project", json={"action": "draft", "number": number, "data": {"name": "乙"}})
    assert blind.status_code == 409 and blind.json()["version"] == version + 1
    assert store.get("project", number)["data"]["name"] == "甲改的"
    # Another unit still learns nothing about the record, version or not.
    xc = login(app, "xc")
    r = xc.post("/api/forms/project", json={"action": "draft", "number": number, "data": {"name": "x"}})
    assert r.status_code == 404
    # The OpenAPI document says so.
    spec = first.get("/api/openapi.json").json()
    body = spec["paths"]["/api/forms/project"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "version" in body["properties"] and body["required"] == ["action", "data"]


def test_an_html_edit_without_its_version_is_refused(app, store) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")
    number, _ = _new_draft(dc)
    page = dc.get(f"/app/records/project/{number}/edit").text
    assert re.search(r'name="version" value="1"', page)
    r = dc.post(
        f"/app/records/project/{number}/edit",
        data={"csrf": dc.csrf, "action": "draft", "name": "没带版本号"},
        follow_redirects=False,
    )
    assert r.status_code == 400 and "版本号" in r.text and "没带版本号" in r.text
    assert store.get("project", number)["data"]["name"] == "城东产业园"
