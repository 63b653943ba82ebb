"""Ledger forms with files over HTTP: refused uploads, concurrent saves, who may fetch a file, download names."""

from __future__ import annotations

import re

from conftest import Client, login
from test_ledger import PDF, make_item
from test_ledger_http import _ask_closure, _file_progress

from xietiao.store.engine import Store


def test_a_refused_file_saves_nothing_and_keeps_what_was_typed(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    make_item(store, "2026-10-01")
    dc = login(app, "dc")
    r = dc.post(
        "/app/forms/closure/new",
        data={"csrf": dc.csrf, "action": "draft", "item": "2026-10-01", "solved": "已取得用地批复。"},
        files={"evidence": ("批复.exe", b"MZ\x90\x00" + b"\x00" * 64, "application/octet-stream")},
        follow_redirects=False,
    )
    assert r.status_code == 400 and "已取得用地批复。" in r.text
    assert store.all("closure") == []  # not even a draft
    assert 'action="/app/forms/closure/new"' in r.text  # sending it again makes one record, not two


def test_two_clerks_on_one_draft_the_later_save_is_refused(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    make_item(store, "2026-10-01")
    first, second = login(app, "dc"), login(app, "dc")
    r = first.post(
        "/app/forms/progress/new",
        data={"csrf": first.csrf, "action": "draft", "item": "2026-10-01", "progress": "初稿"},
        follow_redirects=False,
    )
    number = r.headers["location"].split("/")[4].split("?")[0]
    url = f"/app/records/progress/{number}/edit"
    page_a, page_b = first.get(url).text, second.get(url).text
    version = re.search(r'name="version" value="(\d+)"', page_a).group(1)  # type: ignore[union-attr]
    assert f'name="version" value="{version}"' in page_b
    ok = first.post(
        url,
        data={"csrf": first.csrf, "action": "draft", "version": version, "item": "2026-10-01", "progress": "甲改的"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    late = second.post(
        url,
        data={"csrf": second.csrf, "action": "draft", "version": version, "item": "2026-10-01", "progress": "乙改的"},
        follow_redirects=False,
    )
    assert late.status_code == 400 and "已被他人保存过" in late.text and "乙改的" in late.text
    assert store.get("progress", number)["data"]["progress"] == "甲改的"  # type: ignore[index]


def test_reports_sent_at_once_for_one_item_and_month_make_one(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    import threading

    make_item(store, "2026-10-01")
    clients = [login(app, "dc") for _ in range(6)]
    codes: list[int] = []
    start = threading.Barrier(len(clients))

    def send(c: Client) -> None:
        start.wait()
        codes.append(_file_progress(c, "2026-10-01").status_code)  # type: ignore[attr-defined]

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    filed = [d for d in store.all("progress") if d["status"] == "submitted"]
    assert len(filed) == 1 and sorted(codes) == [303] + [400] * 5


def test_a_file_is_reachable_only_by_who_uploaded_it(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    import hashlib
    import json

    make_item(store, "2026-10-01", lead="东城街道")
    make_item(store, "2026-10-02", lead="西城街道")
    dc, xc = login(app, "dc"), login(app, "xc")
    assert _ask_closure(dc, "2026-10-01").status_code == 303  # type: ignore[attr-defined]
    ref = {
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "name": "用地批复.pdf",
        "size": len(PDF),
        "mime": "application/pdf",
    }
    # 西城 learned the hash of 东城's evidence: naming it in its own request gets it nowhere.
    r = xc.post(
        "/app/forms/closure/new",
        data={
            "csrf": xc.csrf,
            "action": "draft",
            "item": "2026-10-02",
            "solved": "x",
            "done": "2026-11-25",
            "evidence": json.dumps(ref, ensure_ascii=False),
        },
        follow_redirects=False,
    )
    assert r.status_code == 400 and "文件未找到" in r.text
    r = xc.post("/api/forms/closure", json={"action": "draft", "data": {"item": "2026-10-02", "evidence": [ref]}})
    assert r.status_code == 422 and "文件未找到" in json.dumps(r.json(), ensure_ascii=False)
    assert store.all("closure", lambda d: d["unit"] == "西城街道") == []
    # Typing the hash into its own draft's text does not make the file its own either.
    r = xc.post("/api/forms/closure", json={"action": "draft", "data": {"item": "2026-10-02", "solved": ref["sha256"]}})
    assert r.status_code == 201
    draft = r.json()["number"]
    r = xc.post(
        "/api/forms/closure",
        json={"action": "draft", "number": draft, "version": 1, "data": {"item": "2026-10-02", "evidence": [ref]}},
    )
    assert r.status_code == 422 and "文件未找到" in json.dumps(r.json(), ensure_ascii=False)
    # A file name that is not text is refused at its field, not with a server error.
    bad = {**ref, "name": "批复\ud800.pdf"}
    r = dc.post(
        "/api/forms/closure",
        content=json.dumps({"action": "draft", "data": {"item": "2026-10-01", "evidence": [bad]}}).encode(),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422 and "文件名" in json.dumps(r.json(), ensure_ascii=False)
    # 东城 itself, in the same session that uploaded it, may keep referring to it.
    r = dc.post("/api/forms/closure", json={"action": "draft", "data": {"item": "2026-10-01", "evidence": [ref]}})
    assert r.status_code == 201, r.text


def test_a_file_over_the_limit_is_refused_at_its_field_with_the_form_kept(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    make_item(store, "2026-10-01")
    dc = login(app, "dc")
    big = PDF + b"0" * (app.state.xietiao.upload_limit + 1)
    r = dc.post(
        "/app/forms/closure/new",
        data={"csrf": dc.csrf, "action": "submit", "item": "2026-10-01", "solved": "已取得用地批复。"},
        files={"evidence": ("批复.pdf", big, "application/pdf")},
        follow_redirects=False,
    )
    assert r.status_code == 400 and "已取得用地批复。" in r.text and "MB" in r.text
    assert 'data-upload-mb="20"' in r.text and "附件每个不超过 20 MB" in r.text
    assert store.all("closure") == []
    # Far past what a form can carry: a page in Chinese, not a JSON line.
    huge = dc.post(
        "/app/forms/closure/new",
        content=b"x",
        headers={"content-type": "multipart/form-data; boundary=b", "content-length": str(10**9)},
    )
    assert huge.status_code == 413 and "text/html" in huge.headers["content-type"] and "后退" in huge.text
    assert "附件每个不超过" not in dc.get("/app/forms/progress/new").text  # no attachment field, no such hint


def test_downloads_carry_their_chinese_names(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    from urllib.parse import unquote

    make_item(store, "2026-10-01")
    dc, fgj = login(app, "dc"), login(app, "fgj")
    assert _ask_closure(dc, "2026-10-01").status_code == 303  # type: ignore[attr-defined]
    detail = fgj.get("/app/ledger/2026-10-01").text
    link = re.search(r'href="(/app/records/closure/X-2026-\d{4}/files/[0-9a-f]{64})"', detail)
    assert link
    header = fgj.get(link.group(1)).headers["content-disposition"]
    assert header.startswith('attachment; filename="') and unquote(header.split("UTF-8''")[1]) == "用地批复.pdf"
    xlsx = fgj.get("/app/ledger.xlsx").headers["content-disposition"]
    assert unquote(xlsx.split("UTF-8''")[1]) == "议定事项台账-2026-11-28.xlsx"
