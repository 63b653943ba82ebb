"""The whole meeting cycle through HTTP on the real app: call, issue list, plan, approvals, minutes, publish."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import login
from cycle_support import (
    MEETING,
    _docx_text,
    _minutes_post,
    _open_call_and_review,
    _plan_approved_and_held,
    _post,
    _to_held,
)


def test_whole_cycle_with_a_real_build(app, store, cycle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fgj, leader = cycle["fgj"], cycle["leader"]
    q1, q2 = _open_call_and_review(store, cycle)
    _plan_approved_and_held(store, cycle, q1, q2)
    page = _post(fgj, f"/app/cycle/{MEETING}/minutes", _minutes_post(cycle["p1"], cycle["p2"], q1, action="submit"))
    assert page.status_code == 200 and "纪要代拟稿已报区领导审定" in page.text  # type: ignore[attr-defined]
    assert "12月15日前完成用地预审报批" in leader.get("/app/approvals").text
    _post(leader, f"/app/approvals/{MEETING}/approve", {"stage": "minutes_drafted"})

    status = app.state.xietiao.publisher.wait(300)
    assert status.ok, status.error
    meeting = store.get("meeting", MEETING)
    assert meeting["status"] == "published" and meeting["approved"] == "2026-11-28"  # type: ignore[index]
    items = {d["number"]: d for d in store.all("item")}
    assert set(items) == {f"{MEETING}-01", f"{MEETING}-02"}
    assert items[f"{MEETING}-01"]["status"] == "registered" and items[f"{MEETING}-01"]["issue"] == q1
    assert store.get("issue", q1)["list_state"] == "discussed"  # type: ignore[index]
    assert store.get("snapshot", f"meeting-{MEETING}") is not None
    assert (tmp_path / "site" / "index.html").exists()
    assert [e["action"] for e in store.journal(MEETING) if e["kind"] == "meeting"][-1] == "内网站点已发布"

    page = fgj.get(f"/app/cycle/{MEETING}")
    assert "发布完成" in page.text and f"{MEETING}-02" in page.text
    text = _docx_text(fgj.get(f"/app/cycle/{MEETING}/minutes.docx").content)
    assert "区政府专题会议纪要" in text and "〔2026〕12号" in text
    assert "12月15日前完成用地预审报批" in text and "年底前完成物流枢纽征迁摸底" in text
    assert "主送" in text and "抄送" in text


def test_minutes_errors_shown_per_field_nothing_saved(app, store, cycle) -> None:  # type: ignore[no-untyped-def]
    q1 = _to_held(cycle, store)
    bad = _minutes_post(cycle["p1"], cycle["p2"], q1, action="submit")
    bad.update({"agreed-0-planned": "2026-11-01", "agreed-1-person-phone": "12345", "agreed-0-content": "<b>粗体</b>"})
    r = _post(cycle["fgj"], f"/app/cycle/{MEETING}/minutes", bad)
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert "不能早于会议日期" in r.text and "电话" in r.text  # type: ignore[attr-defined]
    assert "&lt;b&gt;粗体&lt;/b&gt;" in r.text and "<b>粗体</b>" not in r.text  # type: ignore[attr-defined]
    assert store.get("meeting", MEETING)["status"] == "held"  # type: ignore[index]
    assert store.get("meeting", MEETING)["agreed"] == []  # type: ignore[index]


def test_a_second_editor_of_the_minutes_does_not_overwrite_the_first(app, store, cycle) -> None:  # type: ignore[no-untyped-def]
    q1 = _to_held(cycle, store)
    first, second = cycle["fgj"], login(app, "fgj")
    url = f"/app/cycle/{MEETING}/minutes"
    opened = re.search(r'name="revision" value="(\d+)"', second.get(url).text).group(1)  # type: ignore[union-attr]
    mine = _minutes_post(cycle["p1"], cycle["p2"], q1, action="draft")
    assert _post(first, url, {**mine, "revision": opened}).status_code == 200  # type: ignore[attr-defined]
    theirs = {**mine, "revision": opened, "minutes": "乙写的纪要正文"}
    r = _post(second, url, theirs)
    assert r.status_code == 409 and "已被他人保存过" in r.text and "乙写的纪要正文" in r.text  # type: ignore[attr-defined]
    assert store.get("meeting", MEETING)["minutes"] != "乙写的纪要正文"  # type: ignore[index]
    fresh = re.search(r'name="revision" value="(\d+)"', second.get(url).text).group(1)  # type: ignore[union-attr]
    assert _post(second, url, {**theirs, "revision": fresh}).status_code == 200  # type: ignore[attr-defined]
    assert store.get("meeting", MEETING)["minutes"] == "乙写的纪要正文"  # type: ignore[index]


def test_leader_sends_minutes_back_and_draft_is_kept(app, store, cycle) -> None:  # type: ignore[no-untyped-def]
    q1 = _to_held(cycle, store)
    fgj, leader = cycle["fgj"], cycle["leader"]
    _post(fgj, f"/app/cycle/{MEETING}/minutes", _minutes_post(cycle["p1"], cycle["p2"], q1, action="draft"))
    assert store.get("meeting", MEETING)["status"] == "held"  # type: ignore[index]
    _post(fgj, f"/app/cycle/{MEETING}/minutes", _minutes_post(cycle["p1"], cycle["p2"], q1, action="submit"))
    r = _post(
        leader, f"/app/approvals/{MEETING}/return", {"stage": "minutes_drafted", "note": "第二项请写明具体路段。"}
    )
    assert r.status_code == 200  # type: ignore[attr-defined]
    assert store.get("meeting", MEETING)["status"] == "held"  # type: ignore[index]
    page = fgj.get(f"/app/cycle/{MEETING}/minutes")
    assert "第二项请写明具体路段" in page.text and "年底前完成物流枢纽征迁摸底" in page.text
    assert store.count("item") == 0
