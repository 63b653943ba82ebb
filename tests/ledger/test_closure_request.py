"""A closure request is decided on its own page: its item shown, and only 确认销号 or 退回, both with a reason."""

from __future__ import annotations

import re

from conftest import login
from test_ledger import make_item, make_project
from test_ledger_http import _ask_closure, _file_progress

from xietiao.store.engine import Store


def _request(app, store: Store) -> str:  # type: ignore[no-untyped-def]
    make_project(store)
    make_item(store, "2026-10-01")
    dc = login(app, "dc")
    assert _file_progress(dc, "2026-10-01").status_code == 303  # type: ignore[attr-defined]
    r = _ask_closure(dc, "2026-10-01")
    found = re.search(r"X-2026-\d{4}", r.headers["location"])  # type: ignore[attr-defined]
    assert found
    return found.group(0)


def test_the_request_page_shows_the_item_and_confirming_closes_it(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    number = _request(app, store)
    fgj = login(app, "fgj")
    page = fgj.get(f"/app/records/closure/{number}").text
    assert "议定事项2026-10-01：完成用地报批" in page and "土地报批材料已报市局" in page  # the item and its history
    assert f'action="/app/records/closure/{number}/accept"' in page and "确认销号" in page
    assert ">受理</button>" not in page  # the bare accept that left the item 申请销号 is gone
    assert '<a href="/app/ledger/2026-10-01">2026-10-01</a>' in page  # the item number is a link
    # No reason: refused on the same page, nothing changed, what was typed in the other box kept.
    r = fgj.post(f"/app/records/closure/{number}/accept", data={"csrf": fgj.csrf, "reason": " "})
    assert r.status_code == 409 and "销号时必须写明理由" in r.text
    assert store.get("item", "2026-10-01")["status"] == "closure_requested"  # type: ignore[index]
    r = fgj.post(
        f"/app/records/closure/{number}/accept",
        data={"csrf": fgj.csrf, "reason": "批复已核实。"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("?done=closed")
    item, request = store.get("item", "2026-10-01"), store.get("closure", number)
    assert (
        item and item["status"] == "closed" and item["closed_reason"] == "批复已核实。" and item["done"] == "2026-11-25"
    )
    assert request and request["status"] == "accepted"
    after = fgj.get(f"/app/records/closure/{number}?done=closed").text
    assert "已确认销号" in after and "确认销号</button>" not in after
    # Deciding twice is refused, and says why.
    again = fgj.post(f"/app/records/closure/{number}/return", data={"csrf": fgj.csrf, "reason": "重复"})
    assert again.status_code == 409 and "已经销号，不能重复办理" in again.text


def test_returning_the_request_puts_the_item_back_in_progress(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    number = _request(app, store)
    fgj, dc = login(app, "fgj"), login(app, "dc")
    r = fgj.post(f"/app/records/closure/{number}/return", data={"csrf": fgj.csrf, "reason": "缺少批复文件。"})
    assert r.status_code == 200 and "销号申请已退回牵头单位" in r.text
    item, request = store.get("item", "2026-10-01"), store.get("closure", number)
    assert item and item["status"] == "in_progress" and item["closure_refused"] == "缺少批复文件。"
    assert request and request["status"] == "returned" and request["return_reason"] == "缺少批复文件。"
    assert "缺少批复文件。" in dc.get("/app/").text  # the unit sees why on its workbench
    # A unit cannot decide, and the page offers it nothing to decide.
    assert dc.post(f"/app/records/closure/{number}/accept", data={"csrf": dc.csrf, "reason": "x"}).status_code == 403
    assert "确认销号</button>" not in dc.get(f"/app/records/closure/{number}").text
