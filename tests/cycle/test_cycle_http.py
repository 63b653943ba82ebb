"""The whole meeting cycle through HTTP on the real app: call, issue list, plan, approvals, minutes, publish."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import docx
import pytest
from conftest import Client, login

from xietiao.store.engine import Store

PREVIOUS = "2026-11"      # held and published on Friday 20 November 2026
MEETING = "2026-12"       # planned for Friday 27 November 2026; the tests' today is Saturday 28 November


def _project(name: str, unit: str) -> dict[str, object]:
    return {
        "name": name, "overview": "新建厂房及配套设施。", "category": "产业", "owner": "XX经开集团",
        "lead_unit": unit, "town": unit, "plans": ["区年度重大建设项目计划"], "focus_reason": "要素保障有难度",
        "investment": "52000.00",
        "milestones": [{"node": "开工", "task": "主体工程开工", "planned": "2027-03-31"}],
        "persons": [{"person": {"name": "王建国", "phone": "13800000001"}, "role": "总负责"}],
        "confidential": False,
    }


def _issue(project: str, urgency: str, ask: str) -> dict[str, object]:
    return {
        "project": project, "kind": "审批", "problem": "用地预审迟迟未批，影响开工节点。", "urgency": urgency,
        "coordinated": "11月10日区发展改革局召集自然资源部门会商，未解决。", "coordinated_by": "区发展改革局",
        "ask": ask, "co_units": ["区自然资源和规划分局"], "needs_city": False,
        "contact": {"name": "李明", "phone": "13800000002"},
    }


def _meeting(number: str, day: str, status: str, **extra: object) -> dict[str, object]:
    ordinal = int(number[5:])
    return {"number": number, "date": day, "title": f"{day[:4]}年第{ordinal}次重大项目协调例会", "status": status,
            "place": "区政府三楼会议室", "convener": "常务副区长", "attendance": [], "projects": [], "issues": [],
            "discussions": [], "agreed": [], "minutes": "", "approved": "", "doc_number": "", "steps": {},
            "review_note": "", "created": f"{day}T09:00:00+08:00", **extra}


def _seed(store: Store) -> None:
    """A published previous meeting and the next one planned, numbered as the cycle would."""
    with store.batch():
        store.insert("meeting", _meeting(PREVIOUS, "2026-11-20", "published", approved="2026-11-23",
                                         steps={"held": "2026-11-20T09:30:00+08:00"}), actor="test", action="测试数据")
        store.insert("meeting", _meeting(MEETING, "2026-11-27", "planned"), actor="test", action="测试数据")
        store.insert("counter", {"number": "meeting-2026", "value": 12, "created": "0000"}, actor="test", action="测试数据")


def _submit(c: Client, form: str, data: dict[str, object]) -> str:
    r = c.post(f"/api/forms/{form}", json={"action": "submit", "data": data})
    assert r.status_code == 201, r.text
    return str(r.json()["number"])


def _post(c: Client, path: str, data: dict[str, object] | None = None) -> object:
    return c.post(path, data={"csrf": c.csrf, **(data or {})}, follow_redirects=True)


@pytest.fixture
def cycle(app, store):  # type: ignore[no-untyped-def]
    _seed(store)
    dc, xc, fgj, leader = (login(app, u) for u in ("dc", "xc", "fgj", "leader"))
    p1 = _submit(dc, "project", _project("东城智能制造产业园", "东城街道"))
    p2 = _submit(xc, "project", _project("西城物流枢纽", "西城街道"))
    for number in (p1, p2):
        assert _post(fgj, f"/app/records/project/{number}/accept").status_code == 200  # type: ignore[attr-defined]
    return {"dc": dc, "xc": xc, "fgj": fgj, "leader": leader, "p1": p1, "p2": p2}


def _minutes_post(p1: str, p2: str, q1: str, **extra: str) -> dict[str, object]:
    return {
        "convener": "常务副区长", "place": "区政府三楼会议室", "attendance": ["区发展改革局", "东城街道", "区自然资源和规划分局"],
        "minutes": "会议听取了项目推进情况汇报，研究了用地预审等问题。",
        "discussions-0-issue": q1, "discussions-0-text": "东城街道汇报了用地预审进展，自然资源分局说明了报批情况。",
        "agreed-0-project": p1, "agreed-0-issue": q1, "agreed-0-content": "12月15日前完成用地预审报批。",
        "agreed-0-lead_unit": "区自然资源和规划分局", "agreed-0-co_units": ["东城街道"],
        "agreed-0-person-name": "赵刚", "agreed-0-person-phone": "13800000011", "agreed-0-planned": "2026-12-15",
        "agreed-1-project": p2, "agreed-1-content": "年底前完成物流枢纽征迁摸底。",
        "agreed-1-lead_unit": "西城街道", "agreed-1-person-name": "钱丽", "agreed-1-person-phone": "0577-12345678",
        "agreed-1-planned": "2026-12-31", **extra,
    }


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _open_call_and_review(store: Store, c: dict[str, Client]) -> tuple[str, str]:
    """The bureau opens the call, two units propose, one issue is accepted and one returned."""
    dc, xc, fgj = c["dc"], c["xc"], c["fgj"]
    page = _post(fgj, f"/app/cycle/{MEETING}/open-call")
    assert page.status_code == 200 and "议题征集中" in page.text  # type: ignore[attr-defined]
    # Called on Saturday the 28th after a meeting on the 20th: it was due Monday the 23rd.
    assert "逾期" in page.text  # type: ignore[attr-defined]
    call = fgj.get(f"/app/cycle/{MEETING}/call.docx")
    assert call.status_code == 200 and "议题申报" in _docx_text(call.content)
    q1 = _submit(dc, "issue", _issue(str(c["p1"]), "紧急", "请协调自然资源分局加快用地预审。"))
    q2 = _submit(xc, "issue", _issue(str(c["p2"]), "特急", "请协调征迁资金。"))
    listed = fgj.get(f"/app/issues?meeting={MEETING}")
    assert listed.text.index(q2) < listed.text.index(q1)          # 特急 before 紧急
    _post(fgj, f"/app/issues/{q1}/accept")
    returned = _post(fgj, f"/app/issues/{q2}/return", {"reason": "尚未经主管部门协调，请先协调后再申报。"})
    assert returned.status_code == 200  # type: ignore[attr-defined]
    assert store.get("issue", q2)["status"] == "returned"  # type: ignore[index]
    assert "尚未经主管部门协调" in xc.get("/app/").text     # the unit sees the reason on its dashboard
    return q1, q2


def _plan_approved_and_held(store: Store, c: dict[str, Client], q1: str, q2: str) -> None:
    fgj, leader = c["fgj"], c["leader"]
    plan_page = fgj.get(f"/app/cycle/{MEETING}/plan")
    assert q1 in plan_page.text and q2 not in plan_page.text
    units = ["区发展改革局", "东城街道", "区自然资源和规划分局"]
    wrong = _post(fgj, f"/app/cycle/{MEETING}/plan", {"issues": [q1], "attendance": units, "start": "25:00"})
    assert wrong.status_code == 400 and "14:30" in wrong.text  # type: ignore[attr-defined]
    _post(fgj, f"/app/cycle/{MEETING}/plan", {"issues": [q1], "attendance": units, "start": "14:30",
                                               "contact": "王芳 0577-12345678"})
    assert store.get("meeting", MEETING)["status"] == "plan_proposed"  # type: ignore[index]
    assert store.get("issue", q1)["list_state"] == "scheduled"  # type: ignore[index]
    approvals = leader.get("/app/approvals")
    assert "建议方案" in approvals.text and q1 in approvals.text
    _post(leader, f"/app/approvals/{MEETING}/approve", {"stage": "plan_proposed"})
    assert store.get("meeting", MEETING)["status"] == "plan_approved"  # type: ignore[index]
    notice = _docx_text(fgj.get(f"/app/cycle/{MEETING}/notice.docx").content)
    assert "东城智能制造产业园" in notice
    assert "2026年11月27日下午2:30" in notice and "会务联系人：王芳 0577-12345678" in notice
    _post(fgj, f"/app/cycle/{MEETING}/held", {"date": "2026-11-27"})
    nxt = store.get("meeting", "2026-13")
    assert nxt is not None and nxt["status"] == "call_open" and nxt["date"] == "2026-12-04"


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


def _to_held(cycle, store) -> str:  # type: ignore[no-untyped-def]
    fgj, leader = cycle["fgj"], cycle["leader"]
    _post(fgj, f"/app/cycle/{MEETING}/open-call")
    q1 = _submit(cycle["dc"], "issue", _issue(cycle["p1"], "紧急", "请协调用地预审。"))
    _post(fgj, f"/app/issues/{q1}/accept")
    _post(fgj, f"/app/cycle/{MEETING}/plan", {"issues": [q1], "attendance": ["东城街道"]})
    _post(leader, f"/app/approvals/{MEETING}/approve", {"stage": "plan_proposed"})
    _post(fgj, f"/app/cycle/{MEETING}/held", {"date": "2026-11-27"})
    return q1


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
    r = _post(leader, f"/app/approvals/{MEETING}/return", {"stage": "minutes_drafted", "note": "第二项请写明具体路段。"})
    assert r.status_code == 200  # type: ignore[attr-defined]
    assert store.get("meeting", MEETING)["status"] == "held"  # type: ignore[index]
    page = fgj.get(f"/app/cycle/{MEETING}/minutes")
    assert "第二项请写明具体路段" in page.text and "年底前完成物流枢纽征迁摸底" in page.text
    assert store.count("item") == 0


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
    assert "议题征集" not in cycle["fgj"].get("/app/").text    # the bureau runs the call from its cycle page


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
    assert states == {a: "city", b: "merged", c: "carried"}
    assert store.get("issue", b)["merged_into"] == a  # type: ignore[index]
    page = fgj.get("/app/issues?state=all")
    assert all(n in page.text for n in (a, b, c)) and "报市级协调" in page.text
    assert re.search(r"并入 " + re.escape(a), page.text)


def test_failed_rebuild_can_be_retried(app, store, cycle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    q1 = _to_held(cycle, store)
    fgj, leader = cycle["fgj"], cycle["leader"]
    _post(fgj, f"/app/cycle/{MEETING}/minutes", _minutes_post(cycle["p1"], cycle["p2"], q1, action="submit"))
    blocker = tmp_path / ".site-versions"      # where the builder keeps site versions: a file makes it fail
    blocker.write_text("not a folder", encoding="utf-8")
    _post(leader, f"/app/approvals/{MEETING}/approve", {"stage": "minutes_drafted"})
    status = app.state.xietiao.publisher.wait(300)
    assert status.ok is False
    assert store.get("meeting", MEETING)["status"] == "minutes_approved"  # type: ignore[index]
    assert store.count("item") == 2                                     # the ledger does not wait for the site
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
    post["agreed-0-project"] = ""          # the row names issue q1, which is about p1
    r = _post(cycle["fgj"], f"/app/cycle/{MEETING}/minutes", post)
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    assert store.get("meeting", MEETING)["agreed"][0]["project"] == cycle["p1"]  # type: ignore[index]
