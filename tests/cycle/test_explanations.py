"""Units due to explain (严重滞后, 落实不力, supervision) reach the plan, the notice, the minutes and the workbench."""

from __future__ import annotations

from datetime import date

from conftest import TODAY
from cycle_support import MEETING, _docx_text, _minutes_post, _post, _to_held

from xietiao.ledger.items import register_item
from xietiao.ledger.supervision import explanations, poorly_carried_out
from xietiao.store.engine import Store

POOR = "连续两个月报告内容雷同，征迁摸底没有实质进展。"


def _due(store: Store, cycle) -> None:  # type: ignore[no-untyped-def]
    """A red item of 东城街道, a 落实不力 mark on 西城街道's, a bulletin asking 区财政局 to explain."""
    for lead, planned, project in (("东城街道", "2026-07-15", "p1"), ("西城街道", "2026-12-31", "p2")):
        register_item(
            store,
            "fgj",
            meeting="2026-11",
            project=cycle[project],
            content=f"{lead}完成征迁摸底",
            lead_unit=lead,
            planned=date.fromisoformat(planned),
            person={"name": "王工", "phone": "13800000001"},
            created="2026-06-20T10:00:00+08:00",
        )
    fgj = cycle["fgj"]
    r = _post(fgj, "/app/ledger/2026-11-02/explain", {"reason": POOR})
    assert "须在下次例会上作出说明" in r.text  # type: ignore[attr-defined]
    bulletin: dict[str, object] = {
        "kind": "通报",
        "unit": "区财政局",
        "date": "2026-11-27",
        "note": "资金拨付滞后。",
        "must_explain": "yes",
    }
    assert "已登记督办" in _post(fgj, "/app/supervision", bulletin).text  # type: ignore[attr-defined]


def test_who_must_explain_and_why(app, store, cycle) -> None:  # type: ignore[no-untyped-def]
    _due(store, cycle)
    rows = {e.unit: e for e in explanations(store, TODAY)}
    assert list(rows) == ["区财政局", "东城街道", "西城街道"]  # official order: departments before towns
    assert "严重滞后" in rows["东城街道"].reasons[0] and rows["东城街道"].items == ("2026-11-01",)
    assert rows["西城街道"].reasons == (f"议定事项2026-11-02落实不力：{POOR}",)
    assert rows["区财政局"].items == () and rows["区财政局"].reasons[0].startswith("通报")
    xc = cycle["xc"].get("/app/").text
    assert "须在例会上作出说明" in xc and "下次例会" in xc and POOR in xc
    assert '<a href="/app/ledger/2026-11-02">2026-11-02</a>' in xc  # the item number is a link
    # Only the bureau marks an item.
    r = cycle["xc"].post("/app/ledger/2026-11-02/explain", data={"csrf": cycle["xc"].csrf, "reason": "x"})
    assert r.status_code == 403


def test_the_plan_notice_and_minutes_carry_the_explanations(app, store, cycle) -> None:  # type: ignore[no-untyped-def]
    _due(store, cycle)
    q1 = _to_held(cycle, store)  # call, issue, plan, approval, held
    fgj, leader = cycle["fgj"], cycle["leader"]
    meeting = store.get("meeting", MEETING)
    assert [e["unit"] for e in meeting["explanations"]] == ["区财政局", "东城街道", "西城街道"]
    # What named no meeting yet is now due at this one, and ends once it is held.
    assert store.get("item", "2026-11-02")["explain"]["meeting"] == MEETING
    assert [s["explain_at"] for s in store.all("supervision")] == [MEETING]
    assert not poorly_carried_out(store, store.get("item", "2026-11-02"))
    notice = _docx_text(fgj.get(f"/app/cycle/{MEETING}/notice.docx").content)
    assert "三、需作说明的单位" in notice and "四、会前准备" in notice and POOR in notice and "区财政局" in notice
    form = fgj.get(f"/app/cycle/{MEETING}/minutes").text
    assert "落实情况说明" in form and 'name="explained-2-items" value="2026-11-02"' in form
    extra = {
        "explained-0-unit": "区财政局",
        "explained-0-text": "资金已于11月25日拨付到位。",
        "explained-1-unit": "东城街道",  # came, said nothing: no row in the minutes
        "explained-1-items": "2026-11-01",
    }
    r = _post(
        fgj, f"/app/cycle/{MEETING}/minutes", _minutes_post(cycle["p1"], cycle["p2"], q1, action="submit", **extra)
    )
    assert store.get("meeting", MEETING)["status"] == "minutes_drafted", r.text  # type: ignore[attr-defined]
    assert store.get("meeting", MEETING)["explained"] == [{"unit": "区财政局", "text": "资金已于11月25日拨付到位。"}]
    assert "资金已于11月25日拨付到位。" in leader.get("/app/approvals").text
    minutes = _docx_text(fgj.get(f"/app/cycle/{MEETING}/minutes.docx").content)
    assert "区财政局就落实情况作了说明。资金已于11月25日拨付到位。" in minutes
    # Only the red item still calls its unit to the next meeting.
    assert [e.unit for e in explanations(store, TODAY)] == ["东城街道"]
