"""Monthly reports that say something new: unchanged text is marked and confirmed; 100 % with the same plan flagged."""

from __future__ import annotations

from conftest import Client, login
from test_ledger import make_item

from xietiao.ledger.monthly import check_report, compare, report_flags
from xietiao.ledger.view import item_reports
from xietiao.store.engine import Store

ITEM = "2026-10-01"
OCTOBER = {
    "item": ITEM,
    "month": "2026-10",
    "status": "按计划推进",
    "progress": "土地报批材料已报市局。",
    "next_steps": "跟踪市局审查意见。",
    "percent": 80,
}


def _post(c: Client, values: dict[str, object], **extra: str) -> object:
    data = {"csrf": c.csrf, "action": "submit", **{k: str(v) for k, v in values.items()}, **extra}
    return c.post("/app/forms/progress/new", data=data, follow_redirects=False)


def _october(app, store: Store) -> Client:  # type: ignore[no-untyped-def]
    make_item(store, ITEM, lead="东城街道")
    dc = login(app, "dc")
    r = dc.post("/api/forms/progress", json={"action": "submit", "data": OCTOBER})
    assert r.status_code == 201, r.text
    return dc


def test_compare_names_what_repeats() -> None:
    same = {**OCTOBER, "month": "2026-11", "progress": " 土地报批材料已报市局。\n"}
    assert compare(OCTOBER, same) == (("progress", "next_steps", "percent"), False)
    done = {**same, "progress": "已取得批复。", "percent": 100}
    assert compare(OCTOBER, done) == (("next_steps",), True)
    assert compare(None, done) == ((), False)


def test_prefilled_report_marks_what_is_still_last_months(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    dc = _october(app, store)
    page = dc.get(f"/app/forms/progress/new?item={ITEM}").text
    assert page.count('class="field f-progress carried"') == 1 and 'class="field f-next_steps carried"' in page
    assert "与上月报告相同" in page and "标黄的是还与上月相同的内容" in page


def test_unchanged_report_is_confirmed_before_it_is_filed(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    dc = _october(app, store)
    november = {**OCTOBER, "month": "2026-11", "progress": "市局已受理，正在审查。"}
    asked = _post(dc, november)
    assert asked.status_code == 200 and 'id="confirm-unchanged"' in asked.text  # type: ignore[attr-defined]
    assert "以下内容与本单位2026年10月的报告一字不差：下月打算、完成比例（%）" in asked.text  # type: ignore[attr-defined]
    assert len(item_reports(store, ITEM)) == 1  # nothing filed yet
    filed = _post(dc, november, confirm_unchanged="yes")
    assert filed.status_code == 303  # type: ignore[attr-defined]
    assert [d["data"]["month"] for d in item_reports(store, ITEM)] == ["2026-11", "2026-10"]  # type: ignore[call-overload,index]
    check = check_report(store, "东城街道", november)
    assert check.previous_month == "2026-10" and check.unchanged == ("next_steps", "percent")


def test_done_with_the_same_plan_is_flagged(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    dc = _october(app, store)
    done = {**OCTOBER, "month": "2026-11", "status": "已完成", "progress": "已取得批复。", "percent": 100}
    asked = _post(dc, done)
    assert 'id="done-same-plan"' in asked.text and "完成比例已达100%" in asked.text  # type: ignore[attr-defined]
    _post(dc, done, confirm_unchanged="yes")
    [(number, flag)] = report_flags(item_reports(store, ITEM)).items()
    assert flag.done_same_plan and flag.unchanged == ("next_steps",)
    page = login(app, "fgj").get(f"/app/ledger/{ITEM}").text  # the bureau sees it on the item
    assert f'data-flag="{number}"' in page and "已完成但下月打算未变" in page


def test_a_new_report_is_not_questioned(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    make_item(store, ITEM, lead="东城街道")
    r = _post(login(app, "dc"), {**OCTOBER, "month": "2026-11"})
    assert r.status_code == 303  # type: ignore[attr-defined]
