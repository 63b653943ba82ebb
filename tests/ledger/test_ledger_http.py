"""The ledger pages through the real app: report, ask to close with evidence, close; access; supervision."""

from __future__ import annotations

import re

from conftest import Client, login
from test_ledger import PDF, make_item, make_project

from server.context import TEMPLATES
from xietiao.store.engine import Store


def _numbers(html: str) -> list[str]:
    return re.findall(r'<tr data-number="([^"]+)"', html)


def _file_progress(c: Client, item: str, month: str = "2026-11") -> object:
    return c.post(
        "/app/forms/progress/new",
        data={
            "csrf": c.csrf,
            "action": "submit",
            "item": item,
            "month": month,
            "status": "按计划推进",
            "progress": "土地报批材料已报市局。",
            "percent": "80",
        },
        follow_redirects=False,
    )


def _ask_closure(c: Client, item: str) -> object:
    return c.post(
        "/app/forms/closure/new",
        data={
            "csrf": c.csrf,
            "action": "submit",
            "item": item,
            "solved": "已取得用地批复。",
            "done": "2026-11-25",
            "contact-name": "王工",
            "contact-phone": "13800000001",
        },
        files={"evidence": ("用地批复.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )


def test_unit_reports_asks_to_close_with_evidence_and_the_bureau_closes(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    make_project(store)
    make_item(store, "2026-10-01")
    dc, fgj = login(app, "dc"), login(app, "fgj")
    r = _file_progress(dc, "2026-10-01")
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    assert store.get("item", "2026-10-01")["status"] == "in_progress"  # type: ignore[index]
    r = _ask_closure(dc, "2026-10-01")
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    item = store.get("item", "2026-10-01")
    assert item and item["status"] == "closure_requested"
    page = fgj.get("/app/ledger")
    assert _numbers(page.text) == ["2026-10-01"] and 'action="/app/ledger/2026-10-01/close"' in page.text
    detail = fgj.get("/app/ledger/2026-10-01")
    link = re.search(r'href="(/app/records/closure/X-2026-\d{4}/files/[0-9a-f]{64})"', detail.text)
    assert link and "用地批复" in detail.text and "土地报批材料已报市局" in detail.text
    assert fgj.get(link.group(1)).content == PDF
    back = "/app/ledger?unit=&status=open&colour="
    r = fgj.post(
        "/app/ledger/2026-10-01/close",
        data={"csrf": fgj.csrf, "reason": "批复已核实。", "back": back},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == back
    assert _numbers(fgj.get("/app/ledger").text) == []
    assert _numbers(fgj.get("/app/ledger?status=closed").text) == ["2026-10-01"]
    detail = dc.get("/app/ledger/2026-10-01").text
    assert "已销号" in detail and "批复已核实。" in detail and "销号" in detail


def test_next_months_report_starts_from_the_last_one(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    make_item(store, "2026-10-01", lead="东城街道")
    dc, xc = login(app, "dc"), login(app, "xc")
    empty = dc.get("/app/forms/progress/new?item=2026-10-01").text
    assert 'value="2026-11"' in empty and "土地报批材料已报市局" not in empty  # nothing filed yet: only the month
    assert _file_progress(dc, "2026-10-01", month="2026-10").status_code == 303  # type: ignore[attr-defined]
    page = dc.get("/app/forms/progress/new?item=2026-10-01").text
    # The tests' today is in November: the new report is for November and carries October's text.
    assert 'value="2026-11"' in page and "土地报批材料已报市局" in page and 'value="80"' in page
    assert "带自本单位 2026年10月的报告" in page and "带自本单位" not in empty
    # The item number is offered from the unit's open items, and the chosen one is spelled out.
    assert '<datalist id="dl-item"><option value="2026-10-01">议定事项2026-10-01：完成用地报批</option>' in page
    assert '<p class="hint">2026-10-01：议定事项2026-10-01：完成用地报批</p>' in page
    assert re.search(r"<option[^>]*selected[^>]*>按计划推进", page)
    # Another unit gets no text from a report that is not its own.
    assert "土地报批材料已报市局" not in xc.get("/app/forms/progress/new?item=2026-10-01").text


def test_refusals_over_http(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    make_item(store, "2026-10-01", lead="东城街道")
    dc, xc, fgj, leader = login(app, "dc"), login(app, "xc"), login(app, "fgj"), login(app, "leader")
    r = _file_progress(xc, "2026-10-01")
    assert r.status_code == 400 and "东城街道牵头" in r.text  # type: ignore[attr-defined]
    assert _ask_closure(dc, "2026-10-01").status_code == 303  # type: ignore[attr-defined]
    # A unit, even the lead, and a leader cannot close.
    for c in (dc, leader):
        r = c.post("/app/ledger/2026-10-01/close", data={"csrf": c.csrf, "reason": "办完了"})
        assert r.status_code == 403
    # No CSRF token, no change.
    fgj.headers.pop("X-CSRF-Token")
    r = fgj.post("/app/ledger/2026-10-01/close", data={"reason": "x"})
    assert r.status_code == 403
    # A missing reason re-shows the page with the message.
    r = fgj.post("/app/ledger/2026-10-01/close", data={"csrf": fgj.csrf, "reason": " "})
    assert r.status_code == 409 and "必须写明理由" in r.text
    assert store.get("item", "2026-10-01")["status"] == "closure_requested"  # type: ignore[index]


def test_who_sees_what(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    make_item(store, "2026-10-01", lead="东城街道", co=("区财政局",))
    dc, xc, czj, leader = login(app, "dc"), login(app, "xc"), login(app, "czj"), login(app, "leader")
    assert dc.get("/app/ledger/2026-10-01").status_code == 200
    assert czj.get("/app/ledger/2026-10-01").status_code == 200  # co-unit
    assert xc.get("/app/ledger/2026-10-01").status_code == 404  # neither: looks like nothing there
    assert dc.get("/app/ledger/2026-99-99").status_code == 404
    for path in ("/app/ledger", "/app/ledger.xlsx", "/app/bulletin.docx", "/app/reports", "/app/supervision"):
        assert dc.get(path).status_code == 403, path
        assert leader.get(path).status_code == 200, path
    page = leader.get("/app/ledger").text
    assert _numbers(page) == ["2026-10-01"] and "/close" not in page and "<th>办理</th>" not in page
    assert Client(app).get("/app/ledger", follow_redirects=False).status_code == 303


def test_reject_and_reopen_over_http(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    make_item(store, "2026-10-01")
    make_item(store, "2026-10-02", status="closed", closed_reason="已解决", closed_at="2026-11-01")
    dc, fgj = login(app, "dc"), login(app, "fgj")
    _ask_closure(dc, "2026-10-01")
    r = fgj.post(
        "/app/ledger/2026-10-01/reject", data={"csrf": fgj.csrf, "reason": "佐证材料不全"}, follow_redirects=False
    )
    assert r.status_code == 303 and store.get("item", "2026-10-01")["status"] == "in_progress"  # type: ignore[index]
    r = fgj.post("/app/ledger/2026-10-02/reopen", data={"csrf": fgj.csrf, "reason": "问题复现", "planned": "bad"})
    assert r.status_code == 409 and "新的计划节点" in r.text and "问题复现" in r.text  # typed text kept
    r = fgj.post(
        "/app/ledger/2026-10-02/reopen",
        data={"csrf": fgj.csrf, "reason": "问题复现", "planned": "2027-02-28"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/app/ledger/2026-10-03")
    page = fgj.get(r.headers["location"]).text
    assert "已重新挂号" in page and "2026-10-02" in page


def test_user_text_is_escaped_on_the_ledger(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    make_item(store, "2026-10-01", content="<script>alert(1)</script>")
    page = login(app, "fgj").get("/app/ledger").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_filters_and_month_end_snapshots_on_page_load(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    make_item(store, "2026-05-01", planned="2026-06-01", created="2026-05-10T10:00:00+08:00")
    make_item(store, "2026-09-01", planned="2026-10-15", lead="西城街道")
    fgj = login(app, "fgj")
    assert _numbers(fgj.get("/app/ledger?unit=xc").text) == ["2026-09-01"]
    assert _numbers(fgj.get("/app/ledger?colour=red").text) == ["2026-05-01"]
    assert _numbers(fgj.get("/app/ledger?status=all&unit=nope").text) == ["2026-05-01", "2026-09-01"]
    assert store.get("snapshot", "month-2026-10") is not None
    assert store.get("snapshot", "month-2026-05") is not None


def test_reports_page_shows_what_each_unit_owes(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    make_item(store, "2026-10-01")
    make_item(store, "2026-10-02", lead="西城街道")
    dc, fgj = login(app, "dc"), login(app, "fgj")
    _file_progress(dc, "2026-10-01")
    page = fgj.get("/app/reports").text
    assert 'data-owed="2026-10-02"' in page and 'data-owed="2026-10-01"' not in page
    assert "2026年11月" in page
    october = fgj.get("/app/reports?month=2026-10").text
    assert 'data-owed="2026-10-01"' in october and 'data-owed="2026-10-02"' in october


def test_owed_reports_section_renders() -> None:
    html = TEMPLATES.get_template("_owed_reports.html").render(
        owed=[{"number": "2026-10-01", "content": "<b>完成报批</b>", "planned": "2026-12-31"}], owed_month="2026-11"
    )
    assert "2026年11月" in html and "2026-10-01" in html and "&lt;b&gt;" in html
    assert 'href="/app/forms/progress/new?item=2026-10-01"' in html  # the report form opens prefilled
    assert "均已报送" in TEMPLATES.get_template("_owed_reports.html").render(owed=[], owed_month="2026-11")


def test_supervision_form(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    make_item(store, "2026-09-01", planned="2026-10-15", lead="西城街道")
    fgj, leader = login(app, "fgj"), login(app, "leader")
    page = fgj.get("/app/supervision?unit=xc&items=2026-09-01").text
    assert 'value="2026-09-01"' in page and "<option selected>西城街道</option>" in page
    r = fgj.post(
        "/app/supervision",
        data={
            "csrf": fgj.csrf,
            "kind": "督办函",
            "unit": "西城街道",
            "items": "2026-09-01",
            "date": "2026-11-28",
            "note": "",
        },
    )
    assert r.status_code == 400 and "请写明督办内容" in r.text and 'value="2026-09-01"' in r.text
    assert store.count("supervision") == 0
    r = fgj.post(
        "/app/supervision",
        data={
            "csrf": fgj.csrf,
            "kind": "督办函",
            "unit": "西城街道",
            "items": "2026-09-01",
            "date": "2026-11-28",
            "note": "请于月底前报送整改计划",
            "must_explain": "yes",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/app/supervision?done=S-2026-0001"
    page = fgj.get("/app/supervision").text
    assert "请于月底前报送整改计划" in page
    explain = page.split('id="must-explain"')[1].split("</table>")[0]
    assert "西城街道" in explain and "2026-09-01" in explain
    r = leader.post("/app/supervision", data={"csrf": leader.csrf, "kind": "约谈"})
    assert r.status_code == 403
    assert "督办函" in fgj.get("/app/ledger/2026-09-01").text


def test_a_long_ledger_is_paged_and_the_export_keeps_every_row(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    from server.ledger.routes import PAGE_ROWS

    count = PAGE_ROWS + 5
    with store.batch():
        for k in range(count):
            make_item(store, f"2026-{k // 90 + 1:02d}-{k % 90 + 1:02d}")
    fgj = login(app, "fgj")
    first = fgj.get("/app/ledger").text
    assert len(_numbers(first)) == PAGE_ROWS and "第 1 / 2 页" in first and 'page=2">下一页' in first
    assert f'<strong id="ledger-count">{count}</strong>' in first
    second = fgj.get("/app/ledger?page=2").text
    assert len(_numbers(second)) == 5 and "上一页" in second and "下一页" not in second
    assert not set(_numbers(first)) & set(_numbers(second))
    assert len(_numbers(fgj.get("/app/ledger?page=99").text)) == 5  # past the end: the last page
    assert len(_numbers(fgj.get("/app/ledger?page=x").text)) == PAGE_ROWS
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(fgj.get("/app/ledger.xlsx").content)).active
    assert sheet.max_row - 1 == count


def test_the_items_page_says_at_its_top_what_the_bureau_just_decided(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    """On a phone the item's state is below the fold: after 确认销号 or 退回 the page opens with a message."""
    make_item(store, "2026-10-01", lead="东城街道")
    make_item(store, "2026-10-02", lead="东城街道")
    dc, fgj = login(app, "dc"), login(app, "fgj")
    for item in ("2026-10-01", "2026-10-02"):
        assert _ask_closure(dc, item).status_code == 303  # type: ignore[attr-defined]
    r = fgj.post(
        "/app/ledger/2026-10-01/close", data={"csrf": fgj.csrf, "reason": "批复已核实。"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/app/ledger/2026-10-01?done=closed"
    page = fgj.get(r.headers["location"]).text
    assert page.index("已确认销号，该事项已办结。") < page.index("<h1>")
    r = fgj.post(
        "/app/ledger/2026-10-02/reject", data={"csrf": fgj.csrf, "reason": "缺少批复原件。"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/app/ledger/2026-10-02?done=rejected"
    page = fgj.get(r.headers["location"]).text
    assert page.index("已退回销号申请：东城街道须补充后重新申请销号。") < page.index("<h1>")
    # The marker alone says nothing: an item still open is not announced as closed.
    assert "已确认销号" not in fgj.get("/app/ledger/2026-10-02?done=closed").text
