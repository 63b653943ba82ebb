"""The meeting cycle's rules over HTTP: roles and order, working-day deadlines, the calendar, the issue list."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from conftest import login
from cycle_support import (
    MEETING,
    _issue,
    _meeting,
    _minutes_post,
    _post,
    _seed,
    _submit,
    _to_held,
)


def test_roles_and_order_are_enforced(app, store, cycle) -> None:  # type: ignore[no-untyped-def]
    dc, fgj, leader = cycle["dc"], cycle["fgj"], cycle["leader"]
    assert dc.get("/app/cycle").status_code == 403
    assert dc.get("/app/issues").status_code == 403
    assert fgj.get("/app/approvals").status_code == 403
    assert dc.get(f"/app/cycle/{MEETING}/minutes.docx").status_code == 403
    r = _post(leader, f"/app/approvals/{MEETING}/approve", {"stage": "planned"})
    assert r.status_code == 409 and "当前为“已计划”" in r.text  # type: ignore[attr-defined]
    r = _post(fgj, f"/app/cycle/{MEETING}/held", {"date": "2026-11-27"})
    assert r.status_code == 409 and "“方案已审定”时进行" in r.text  # type: ignore[attr-defined]
    no_token = fgj.post(f"/app/cycle/{MEETING}/open-call", data={"csrf": "wrong"})
    assert no_token.status_code == 403 and store.get("meeting", MEETING)["status"] == "planned"  # type: ignore[index]
    _post(fgj, f"/app/cycle/{MEETING}/open-call")
    q = _submit(dc, "issue", _issue(cycle["p1"], "一般", "请协调。"))
    r = _post(fgj, f"/app/issues/{q}/city")
    assert r.status_code == 409 and "只有“已纳入清单”的议题可以报市级协调" in r.text  # type: ignore[attr-defined]
    r = _post(fgj, f"/app/issues/{q}/return", {"reason": ""})
    assert r.status_code == 409 and "退回理由必须填写" in r.text  # type: ignore[attr-defined]
    assert fgj.get("/app/cycle/2099-01").status_code == 404


def test_the_call_deadline_counts_working_days(app, store, cycle) -> None:  # type: ignore[no-untyped-def]
    page = cycle["fgj"].get(f"/app/cycle/{MEETING}")
    # From Friday the 20th: the call was due Monday the 23rd, the plan Wednesday the 25th.
    assert "2026年11月23日" in page.text and "2026年11月25日" in page.text
    assert "已逾期" in page.text
    assert "尚未收录" not in page.text


def test_units_see_the_topic_call_on_their_dashboard(app, store, cycle) -> None:  # type: ignore[no-untyped-def]
    before = cycle["dc"].get("/app/").text
    assert "尚未发布议题征集通知" in before and "议题征集：" not in before
    _post(cycle["fgj"], f"/app/cycle/{MEETING}/open-call")
    after = cycle["dc"].get("/app/").text
    # Proposals were due a working day before the list (Tuesday the 24th), but the call went out
    # late, on Saturday the 28th: the units still get a full working day, to Monday the 30th.
    assert "议题征集：2026年第12次重大项目协调例会" in after
    assert "2026年11月30日" in after and "已过申报期限" not in after
    assert 'href="/app/forms/issue/new"' in after
    assert "议题征集" not in cycle["fgj"].get("/app/").text  # the bureau runs the call from its cycle page


def _unpublished_year() -> int:
    """2027 today; whichever year the calendar package has no data for once it learns 2027."""
    from xietiao.cycle.workdays import WorkCalendar

    return next(y for y in range(2027, 2100) if not WorkCalendar().known(date(y, 6, 1)))


def test_unpublished_year_shows_the_calendar_warning(app, store) -> None:  # type: ignore[no-untyped-def]
    year = _unpublished_year()
    number = f"{year}-01"
    store.insert("meeting", _meeting(number, f"{year}-01-08", "planned"), actor="test", action="测试数据")
    fgj = login(app, "fgj")
    page = fgj.get(f"/app/cycle/{number}")
    assert page.status_code == 200
    assert f"{year}年的法定节假日尚未收录" in page.text and "holidays.yml" in page.text
    assert f"{year}年的法定节假日尚未收录" in fgj.get("/app/cycle").text
    # A year the override file covers is known: the warning goes.
    (store.root / "holidays.yml").write_text(f"holidays: [{year}-01-01]\n", encoding="utf-8")
    assert "尚未收录" not in fgj.get(f"/app/cycle/{number}").text


def test_a_broken_holidays_file_is_reported_not_crashed(app, store) -> None:  # type: ignore[no-untyped-def]
    _seed(store)
    (store.root / "holidays.yml").write_text("holidays: [2027-02-30]\n", encoding="utf-8")
    page = login(app, "fgj").get(f"/app/cycle/{MEETING}")
    assert page.status_code == 200 and "2027-02-30" in page.text and "不是有效日期" in page.text


def test_issue_list_merge_carry_and_city(app, store, cycle) -> None:  # type: ignore[no-untyped-def]
    fgj, dc, xc = cycle["fgj"], cycle["dc"], cycle["xc"]
    _post(fgj, f"/app/cycle/{MEETING}/open-call")
    a = _submit(dc, "issue", _issue(cycle["p1"], "一般", "请协调用地。"))
    b = _submit(dc, "issue", _issue(cycle["p1"], "一般", "请协调用地（重复）。"))
    c = _submit(xc, "issue", _issue(cycle["p2"], "紧急", "请协调资金。"))
    accepted = _post(fgj, f"/app/issues/{a}/accept")
    assert f"议题 {a} 已纳入清单。" in accepted.text  # type: ignore[attr-defined]
    unchosen = _post(fgj, f"/app/issues/{b}/merge", {"into": ""})
    assert unchosen.status_code == 409 and "请先在“并入”下拉框中选择" in unchosen.text  # type: ignore[attr-defined]
    merged = _post(fgj, f"/app/issues/{b}/merge", {"into": a})
    assert f"议题 {b} 已并入 {a}。" in merged.text  # type: ignore[attr-defined]
    _post(fgj, f"/app/issues/{c}/carry", {"to": ""})
    # The confirmation is made of fixed words: text put in the address is not shown.
    assert "钓鱼" not in fgj.get("/app/issues?done=accept&n=钓鱼文字").text
    _post(fgj, f"/app/issues/{a}/city", {"note": "涉及市级审批权限。"})
    states = {n: store.get("issue", n)["list_state"] for n in (a, b, c)}  # type: ignore[index]
    assert states == {a: "city_pending", b: "merged", c: "carried"}
    assert store.get("issue", b)["merged_into"] == a  # type: ignore[index]
    page = fgj.get("/app/issues?state=all")
    assert all(n in page.text for n in (a, b, c)) and "报市级协调" in page.text
    assert re.search(r"并入 " + re.escape(a), page.text)


def test_failed_rebuild_can_be_retried(app, store, cycle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    q1 = _to_held(cycle, store)
    fgj, leader = cycle["fgj"], cycle["leader"]
    _post(fgj, f"/app/cycle/{MEETING}/minutes", _minutes_post(cycle["p1"], cycle["p2"], q1, action="submit"))
    blocker = tmp_path / ".site-versions"  # where the builder keeps site versions: a file makes it fail
    blocker.write_text("not a folder", encoding="utf-8")
    _post(leader, f"/app/approvals/{MEETING}/approve", {"stage": "minutes_drafted"})
    status = app.state.xietiao.publisher.wait(300)
    assert status.ok is False
    assert store.get("meeting", MEETING)["status"] == "minutes_approved"  # type: ignore[index]
    assert store.count("item") == 2  # the ledger does not wait for the site
    page = fgj.get(f"/app/cycle/{MEETING}")
    assert "发布失败，原站点仍在线" in page.text and "重新发布站点" in page.text
    blocker.unlink()
    _post(fgj, f"/app/cycle/{MEETING}/publish")
    assert app.state.xietiao.publisher.wait(300).ok
    assert store.get("meeting", MEETING)["status"] == "published"  # type: ignore[index]


def test_the_bureau_schedules_a_first_meeting_by_hand(app, store) -> None:  # type: ignore[no-untyped-def]
    fgj = login(app, "fgj")
    assert "安排下一次例会" in fgj.get("/app/cycle").text
    page = _post(fgj, "/app/cycle/new", {"date": "2026-12-04"})
    assert page.status_code == 200 and "2026年第1次重大项目协调例会" in page.text  # type: ignore[attr-defined]
    assert "没有已召开的上一次例会" in page.text  # type: ignore[attr-defined]
    again = _post(fgj, "/app/cycle/new", {"date": "2026-12-11"})
    assert again.status_code == 409 and "已有尚未召开的例会" in again.text  # type: ignore[attr-defined]
    assert _post(fgj, "/app/cycle/new", {"date": "下周五"}).status_code == 400  # type: ignore[attr-defined]
    assert store.count("meeting") == 1


def test_the_leader_sees_what_waits_and_what_approval_did(app, store, cycle) -> None:  # type: ignore[no-untyped-def]
    leader = cycle["leader"]
    assert "目前没有待审定的方案或纪要" in leader.get("/app/").text
    q1 = _to_held(cycle, store)
    _post(cycle["fgj"], f"/app/cycle/{MEETING}/minutes", _minutes_post(cycle["p1"], cycle["p2"], q1, action="submit"))
    home = leader.get("/app/").text
    assert "有 <strong>1</strong> 件待审定" in home and "2026年第12次重大项目协调例会的纪要" in home
    done = _post(leader, f"/app/approvals/{MEETING}/approve", {"stage": "minutes_drafted"})
    assert "议定事项已在台账挂号" in done.text and "内网站点正在重新发布" in done.text  # type: ignore[attr-defined]
    app.state.xietiao.publisher.wait()


def test_an_agreed_item_takes_its_issues_project(app, store, cycle) -> None:  # type: ignore[no-untyped-def]
    q1 = _to_held(cycle, store)
    post = _minutes_post(cycle["p1"], cycle["p2"], q1, action="submit")
    post["agreed-0-project"] = ""  # the row names issue q1, which is about p1
    r = _post(cycle["fgj"], f"/app/cycle/{MEETING}/minutes", post)
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    assert store.get("meeting", MEETING)["agreed"][0]["project"] == cycle["p1"]  # type: ignore[index]
