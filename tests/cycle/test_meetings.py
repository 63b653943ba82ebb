"""The meeting lifecycle over a real store: order and roles, deadlines in working days, approval, documents."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
from test_issuelist import NOW, TODAY, project, propose, user

from xietiao.cycle import documents as docs_meeting
from xietiao.cycle import meetings, minutes
from xietiao.cycle.deadlines import CycleDeadlines, meeting_deadlines, submissions_due
from xietiao.cycle.meetings import InvalidInput
from xietiao.cycle.plan import Plan, suggest
from xietiao.cycle.workdays import WorkCalendar
from xietiao.forms.submissions import NotAllowed, accept_record
from xietiao.permissions import RoleRefused
from xietiao.store.engine import Store

CAL = WorkCalendar()
MECHANISM = CycleDeadlines()  # 1, 3 and 1 working days
WEDNESDAY, THURSDAY, FRIDAY = 2, 3, 4


def _meeting(store: Store, day: date = date(2026, 11, 27), status: str = "planned") -> str:
    doc = meetings.create_meeting(store, day, actor="fgj", now=NOW)
    if status != "planned":
        store.update("meeting", str(doc["number"]), lambda d: d.update(status=status), actor="test", action="测试")
    return str(doc["number"])


def _agreed(p: str, q: str = "", content: str = "12月15日前完成用地预审报批。") -> dict[str, object]:
    return {
        "project": p,
        "issue": q,
        "content": content,
        "lead_unit": "区自然资源和规划分局",
        "co_units": ["东城街道"],
        "person": {"name": "赵刚", "phone": "13800000011"},
        "planned": "2026-12-15",
    }


def _to_held(store: Store) -> tuple[str, str, str]:
    """A meeting taken through call, plan and approval to held; returns (meeting, project, issue)."""
    fgj, leader = user(store, "fgj"), user(store, "leader")
    m = _meeting(store)
    meetings.open_call(store, fgj, m, NOW)
    p = project(store)
    q = propose(store, "dc", p, "紧急")
    from xietiao.cycle.issuelist import accept

    accept(store, fgj, q)
    meetings.propose_plan(store, fgj, m, suggest(store, m), NOW)
    meetings.approve_plan(store, leader, m, NOW)
    meetings.mark_held(store, fgj, m, date(2026, 11, 27), TODAY, NOW, CAL)
    return m, p, q


def _minutes(p: str, q: str, *rows: dict[str, object]) -> dict[str, object]:
    return {
        "convener": "常务副区长",
        "attendance": ["区发展改革局", "东城街道"],
        "minutes": "会议研究了用地问题。",
        "discussions": [{"issue": q, "text": "自然资源分局说明了报批进度。"}],
        "agreed": list(rows) or [_agreed(p, q)],
    }


def test_steps_in_the_wrong_order_are_refused_in_chinese(store: Store) -> None:
    m = _meeting(store)
    fgj, leader = user(store, "fgj"), user(store, "leader")
    with pytest.raises(NotAllowed, match="当前为“已计划”，不能审定建议方案：这一步只能在“方案待审定”时进行"):
        meetings.approve_plan(store, leader, m, NOW)
    with pytest.raises(NotAllowed, match="当前为“已计划”"):
        meetings.propose_plan(store, fgj, m, Plan((), (), ("东城街道",)), NOW)
    with pytest.raises(NotAllowed, match="“方案已审定”时进行"):
        meetings.mark_held(store, fgj, m, TODAY, TODAY, NOW, CAL)
    assert store.get("meeting", m)["status"] == "planned"  # type: ignore[index]


def test_each_step_belongs_to_one_role(store: Store) -> None:
    m = _meeting(store)
    with pytest.raises(RoleRefused, match="只有区发展改革局"):
        meetings.open_call(store, user(store, "dc"), m, NOW)
    with pytest.raises(RoleRefused, match="只有区发展改革局"):
        meetings.open_call(store, user(store, "leader"), m, NOW)
    meetings.open_call(store, user(store, "fgj"), m, NOW)
    store.update("meeting", m, lambda d: d.update(status="plan_proposed"), actor="test", action="测试")
    for name in ("fgj", "admin", "dc"):
        with pytest.raises(RoleRefused, match="只有区领导"):
            meetings.approve_plan(store, user(store, name), m, NOW)


def test_every_step_is_stamped_and_journalled(store: Store) -> None:
    m, _, _ = _to_held(store)
    doc = store.get("meeting", m)
    assert doc is not None
    assert set(doc["steps"]) == {"call_opened", "plan_proposed", "plan_approved", "held"}  # type: ignore[arg-type]
    actions = [e["action"] for e in store.journal(m) if e["kind"] == "meeting"]
    assert actions[-4:] == ["发布议题征集通知", "报送建议方案", "审定建议方案", "登记例会已召开"]


def test_an_invalid_plan_names_the_field_and_saves_nothing(store: Store) -> None:
    m = _meeting(store)
    fgj = user(store, "fgj")
    meetings.open_call(store, fgj, m, NOW)
    q = propose(store, "dc", project(store))  # proposed, not yet accepted
    with pytest.raises(InvalidInput) as caught:
        meetings.propose_plan(store, fgj, m, Plan(("P-2026-9999",), (q,), ("没有的单位",)), NOW)
    assert set(caught.value.errors) == {"projects", "issues", "attendance"}
    assert store.get("meeting", m)["status"] == "call_open"  # type: ignore[index]


def test_the_plan_suggests_units_from_issues_and_projects(store: Store) -> None:
    m = _meeting(store)
    fgj = user(store, "fgj")
    meetings.open_call(store, fgj, m, NOW)
    p = project(store)
    q = propose(store, "czj", p)
    store.update(
        "issue",
        q,
        lambda d: d["data"].update(co_units=["区自然资源和规划分局"]),  # type: ignore[union-attr]
        actor="test",
        action="测试",
    )
    from xietiao.cycle.issuelist import accept

    accept(store, fgj, q)
    plan = suggest(store, m)
    assert plan.issues == (q,) and plan.projects == (p,)
    assert plan.attendance == ("区发展改革局", "区财政局", "区自然资源和规划分局", "东城街道")


def test_a_plan_sent_back_returns_to_the_call_and_frees_its_issues(store: Store) -> None:
    m = _meeting(store)
    fgj, leader = user(store, "fgj"), user(store, "leader")
    meetings.open_call(store, fgj, m, NOW)
    q = propose(store, "dc", project(store))
    from xietiao.cycle.issuelist import accept

    accept(store, fgj, q)
    meetings.propose_plan(store, fgj, m, suggest(store, m), NOW)
    assert store.get("issue", q)["list_state"] == "scheduled"  # type: ignore[index]
    with pytest.raises(NotAllowed, match="退回意见必须填写"):
        meetings.send_back(store, leader, m, " ", NOW)
    meetings.send_back(store, leader, m, "请补充征迁议题。", NOW)
    doc = store.get("meeting", m)
    assert doc is not None and (doc["status"], doc["review_note"]) == ("call_open", "请补充征迁议题。")
    assert store.get("issue", q)["list_state"] == "accepted"  # type: ignore[index]


def test_holding_a_meeting_opens_the_call_for_the_next_one_a_week_later(store: Store) -> None:
    m, _, _ = _to_held(store)
    nxt = meetings.following_meeting(store, store.get("meeting", m))  # type: ignore[arg-type]
    assert nxt is not None
    assert (nxt["date"], nxt["status"], nxt["title"]) == ("2026-12-04", "call_open", "2026年第2次重大项目协调例会")
    assert "call_opened" in nxt["steps"]  # type: ignore[operator]


def test_holding_opens_an_already_planned_next_meeting_instead_of_adding_one(store: Store) -> None:
    fgj = user(store, "fgj")
    m = _meeting(store, status="plan_approved")
    planned = _meeting(store, date(2026, 12, 11))
    _, nxt = meetings.mark_held(store, fgj, m, date(2026, 11, 27), TODAY, NOW, CAL)
    assert nxt["number"] == planned and nxt["status"] == "call_open"
    assert store.count("meeting") == 2
    store.update("meeting", planned, lambda d: d.update(status="plan_approved"), actor="test", action="测试")
    with pytest.raises(InvalidInput, match="不能晚于今天"):
        meetings.mark_held(store, fgj, planned, date(2026, 12, 11), TODAY, NOW, CAL)


def test_the_next_meeting_avoids_the_national_day_holiday() -> None:
    # Thursday 24 Sept 2026 + 7 is 1 Oct, a holiday: the week's last working day before it, Wed 30 Sept.
    assert meetings.next_meeting_day(date(2026, 9, 24), CAL, THURSDAY) == date(2026, 9, 30)
    # Wed 30 Sept + 7 falls in the holiday with no working day earlier that week: Thu 8 Oct.
    assert meetings.next_meeting_day(date(2026, 9, 30), CAL, WEDNESDAY) == date(2026, 10, 8)


def test_the_next_meeting_keeps_the_usual_weekday_after_a_meeting_held_on_another_day() -> None:
    # Usually Fridays: a meeting put off to Monday 30 Nov is followed by Friday 11 Dec, the week after.
    assert meetings.next_meeting_day(date(2026, 11, 30), CAL, FRIDAY) == date(2026, 12, 11)
    # One brought forward to Thursday 26 Nov is followed by the next week's Friday, 4 Dec.
    assert meetings.next_meeting_day(date(2026, 11, 26), CAL, FRIDAY) == date(2026, 12, 4)


def test_deadlines_count_working_days_across_the_national_day_holiday(store: Store) -> None:
    previous = {"number": "2026-13", "date": "2026-09-30", "status": "published", "steps": {}}
    meeting = {
        "number": "2026-14",
        "date": "2026-10-09",
        "status": "call_open",
        "steps": {"call_opened": "2026-10-08T09:00:00+08:00"},
    }
    calls, plans, minute = meeting_deadlines(meeting, previous, CAL, date(2026, 10, 12), days=MECHANISM)
    assert (calls.due, calls.late, calls.text) == (date(2026, 10, 8), False, "按时完成")
    # The Saturday 10 Oct make-up working day counts: the plan was due then and is now late.
    assert (plans.due, plans.late, plans.workdays_late) == (date(2026, 10, 10), True, 1)
    assert minute.due == date(2026, 10, 10) and minute.late


def test_a_minutes_draft_is_checked_per_field(store: Store) -> None:
    m, p, q = _to_held(store)
    fgj = user(store, "fgj")
    bad = _agreed(p, q) | {"planned": "2026-11-01", "person": {"name": "赵刚", "phone": "123"}}
    with pytest.raises(InvalidInput) as caught:
        meetings.save_minutes(store, fgj, m, _minutes(p, q, bad), NOW, submit=True)
    assert {"agreed.0.planned", "agreed.0.person"} <= set(caught.value.errors)
    with pytest.raises(InvalidInput) as caught:
        meetings.save_minutes(store, fgj, m, _minutes(p, q) | {"agreed": []}, NOW, submit=True)
    assert "agreed" in caught.value.errors
    meetings.save_minutes(store, fgj, m, {"minutes": "未完成的草稿"}, NOW, submit=False)
    doc = store.get("meeting", m)
    assert doc is not None and (doc["status"], doc["minutes"]) == ("held", "未完成的草稿")


def test_approval_registers_items_once_marks_issues_and_records_colours(store: Store) -> None:
    m, p, q = _to_held(store)
    fgj, leader = user(store, "fgj"), user(store, "leader")
    accept_record(store, "project", p, fgj)
    # The snapshot counts projects registered by its day; this one's stamp comes from the real clock.
    store.update("project", p, lambda d: d.update(created="2026-11-01T09:00:00+08:00"), actor="test", action="测试")
    second = _agreed(p, "", "年底前完成征迁摸底。") | {"lead_unit": "东城街道", "co_units": []}
    meetings.save_minutes(store, fgj, m, _minutes(p, q, _agreed(p, q), second), NOW, submit=True)
    with pytest.raises(NotAllowed, match="当前为“纪要待审定”"):
        meetings.save_minutes(store, fgj, m, _minutes(p, q), NOW, submit=False)
    meetings.approve_minutes(store, leader, m, TODAY, NOW)
    items = sorted(store.all("item"), key=lambda d: str(d["number"]))
    assert [(i["number"], i["status"], i["issue"], i["lead_unit"]) for i in items] == [
        (f"{m}-01", "registered", q, "区自然资源和规划分局"),
        (f"{m}-02", "registered", "", "东城街道"),
    ]
    assert store.get("issue", q)["list_state"] == "discussed"  # type: ignore[index]
    doc = store.get("meeting", m)
    assert doc is not None and (doc["status"], doc["approved"]) == ("minutes_approved", "2026-11-28")
    snapshot = store.get("snapshot", f"meeting-{m}")
    assert snapshot is not None and snapshot["reason"] == "meeting"
    assert snapshot["projects"] == {p: "green"} and set(snapshot["items"]) == {f"{m}-01", f"{m}-02"}  # type: ignore[arg-type]
    # Registering again (a retry, a second approval click) never duplicates the ledger.
    assert minutes.register_agreed(store, doc, "leader", NOW.isoformat()) == [f"{m}-01", f"{m}-02"]
    assert store.count("item") == 2
    with pytest.raises(NotAllowed, match="当前为“纪要已审定”"):
        meetings.approve_minutes(store, leader, m, TODAY, NOW)
    assert store.count("item") == 2


def test_published_only_after_approval(store: Store) -> None:
    m, p, q = _to_held(store)
    assert meetings.mark_published(store, m, NOW)["status"] == "held"  # type: ignore[index]
    meetings.save_minutes(store, user(store, "fgj"), m, _minutes(p, q), NOW, submit=True)
    meetings.approve_minutes(store, user(store, "leader"), m, TODAY, NOW)
    assert meetings.mark_published(store, m, NOW)["status"] == "published"  # type: ignore[index]
    assert meetings.mark_published(store, m, NOW)["status"] == "published"  # type: ignore[index]


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def test_the_minutes_docx_opens_and_holds_the_agreed_items(store: Store) -> None:
    m, p, q = _to_held(store)
    second = _agreed(p, "", "年底前完成征迁摸底。") | {"lead_unit": "东城街道", "co_units": []}
    meetings.save_minutes(store, user(store, "fgj"), m, _minutes(p, q, _agreed(p, q), second), NOW, submit=True)
    doc = store.get("meeting", m)
    assert doc is not None
    text = _text(docs_meeting.minutes_docx(doc, {p: "东城智能制造产业园"}, draft=True))
    assert "区政府专题会议纪要" in text and "〔2026〕1号" in text and "代拟稿" in text
    assert "一、东城智能制造产业园：12月15日前完成用地预审报批。" in text
    assert "二、东城智能制造产业园：年底前完成征迁摸底。" in text
    assert (
        "牵头单位：区自然资源和规划分局；配合单位：东城街道；责任人：赵刚（13800000011）；完成时限：2026年12月15日。"
        in text
    )
    assert "主送：区自然资源和规划分局、东城街道" in text and "抄送：" in text


def test_user_text_in_documents_is_plain_text(store: Store) -> None:
    m, _p, _q = _to_held(store)
    doc = store.get("meeting", m)
    assert doc is not None
    doc["minutes"] = "<w:p>注入\x07</w:p>"
    text = _text(docs_meeting.minutes_docx(doc, {}, draft=True))
    assert "<w:p>注入</w:p>" in text  # kept as characters; the control character dropped
    call = _text(docs_meeting.call_notice(doc, date(2026, 12, 1), TODAY))
    assert "2026年12月1日" in call and "议题申报" in call


def test_numerals() -> None:
    assert [docs_meeting.numeral(n) for n in (1, 9, 10, 11, 20, 21, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
    ]


def test_a_late_call_still_gives_units_a_working_day() -> None:
    cal = WorkCalendar()
    previous = {"number": "2026-20", "date": "2026-11-27", "steps": {"held": "2026-11-27T10:00:00+08:00"}}
    on_time = {"number": "2026-21", "date": "2026-12-04", "steps": {"call_opened": "2026-11-30T09:00:00+08:00"}}
    late = {"number": "2026-21", "date": "2026-12-04", "steps": {"call_opened": "2026-12-01T09:00:00+08:00"}}
    # Held Friday the 27th: proposals due Tuesday 1 December (the list is due the 2nd).
    assert submissions_due(on_time, previous, cal, date(2026, 11, 30), days=MECHANISM) == date(2026, 12, 1)
    # The call went out only on the 1st: the units get until the 2nd.
    assert submissions_due(late, previous, cal, date(2026, 12, 1), days=MECHANISM) == date(2026, 12, 2)


def test_deadlines_follow_the_days_they_are_given() -> None:
    previous = {"number": "2026-20", "date": "2026-11-27", "steps": {}}
    meeting = {"number": "2026-21", "date": "2026-12-11", "steps": {"call_opened": "2026-12-01T09:00:00+08:00"}}
    slower = CycleDeadlines(call=2, list=5, minutes=2)
    calls, plans, minute = meeting_deadlines(meeting, previous, CAL, date(2026, 12, 1), days=slower)
    # Friday 27 Nov + 2 working days is Tuesday 1 Dec: the call on the 1st is on time, the list is due Friday.
    assert (calls.due, calls.late, plans.due, minute.due) == (
        date(2026, 12, 1),
        False,
        date(2026, 12, 4),
        date(2026, 12, 15),
    )
    assert submissions_due(meeting, previous, CAL, date(2026, 12, 1), days=slower) == date(2026, 12, 3)
