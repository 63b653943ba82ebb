"""The pending-coordination issue list: entry by form submit, the bureau's review, ordering, refusals."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from xietiao.accounts import User, get_user
from xietiao.config import DISTRICT_TZ, FORMS_DIR
from xietiao.cycle import escalation, issuelist
from xietiao.cycle.meetings import create_meeting, open_call
from xietiao.forms.submissions import NotAllowed, StoreLookup, save
from xietiao.model import MeetingStatus
from xietiao.permissions import RoleRefused
from xietiao.rulebook import load_domain_forms as load_forms
from xietiao.store.engine import Store

FORMS = load_forms(FORMS_DIR)
TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=DISTRICT_TZ)


def user(store: Store, name: str) -> User:
    found = get_user(store, name)
    assert found is not None
    return found


def _project_data(name: str) -> dict[str, object]:
    return {
        "name": name,
        "overview": "新建厂房。",
        "category": "产业",
        "owner": "XX经开集团",
        "lead_unit": "东城街道",
        "town": "东城街道",
        "plans": ["区年度重大建设项目计划"],
        "focus_reason": "要素保障有难度",
        "investment": "1000.00",
        "milestones": [{"node": "开工", "task": "开工", "planned": "2027-03-31"}],
        "persons": [{"person": {"name": "王建国", "phone": "13800000001"}, "role": "总负责"}],
        "confidential": False,
    }


def project(store: Store, unit: str = "dc", name: str = "东城智能制造产业园") -> str:
    data = _project_data(name)
    result = save(store, FORMS["project"], user(store, unit), data, submit=True, today=TODAY, lookup=StoreLookup(store))
    assert result.ok, result.errors
    return result.number


def propose(store: Store, unit: str, project_number: str, urgency: str = "一般", number: str | None = None) -> str:
    data = {
        "project": project_number,
        "kind": "审批",
        "problem": "审批卡在规划许可。",
        "urgency": urgency,
        "coordinated": "主管部门已协调。",
        "coordinated_by": "区发展改革局",
        "ask": "请协调规划许可。",
        "needs_city": False,
        "contact": {"name": "李明", "phone": "13800000002"},
    }
    result = save(
        store,
        FORMS["issue"],
        user(store, unit),
        data,
        submit=True,
        today=TODAY,
        lookup=StoreLookup(store),
        number=number,
    )
    assert result.ok, result.errors
    return result.number


def state(store: Store, number: str) -> str:
    doc = store.get("issue", number)
    assert doc is not None
    return str(doc["list_state"])


@pytest.fixture
def call(store: Store) -> str:
    """A meeting whose topic call is open."""
    meeting = create_meeting(store, date(2026, 12, 4), actor="fgj", now=NOW)
    open_call(store, user(store, "fgj"), str(meeting["number"]), NOW)
    return str(meeting["number"])


def test_a_submitted_issue_enters_the_list_for_the_open_call(store: Store, call: str) -> None:
    q = propose(store, "dc", project(store))
    doc = store.get("issue", q)
    assert doc is not None
    assert (doc["list_state"], doc["meeting"], doc["status"]) == ("proposed", call, "submitted")
    assert any(e["action"] == "列入问题清单（待审核）" for e in store.journal(q))


def test_without_an_open_call_the_issue_waits_and_joins_the_next_call(store: Store) -> None:
    q = propose(store, "dc", project(store))
    assert store.get("issue", q)["meeting"] == ""  # type: ignore[index]
    meeting = create_meeting(store, date(2026, 12, 4), actor="fgj", now=NOW)
    assert issuelist.meeting_taking_issues(store) == meeting["number"]
    open_call(store, user(store, "fgj"), str(meeting["number"]), NOW)
    assert store.get("issue", q)["meeting"] == meeting["number"]  # type: ignore[index]


def test_the_check_refuses_an_issue_on_a_project_that_does_not_exist(store: Store) -> None:
    errors = issuelist.check_issue(store, user(store, "dc"), {"project": "P-2026-9999"})
    # The message says how to get the project registered, not only that it is missing.
    assert list(errors) == ["project"] and "“项目登记”表单登记" in errors["project"][0]
    assert issuelist.check_issue(store, user(store, "fgj"), {"project": project(store)}) == {}


def test_any_unit_may_raise_an_issue_on_any_registered_public_project(store: Store) -> None:
    """区财政局 owns no project; it may propose on dc's, but not on a confidential one or a draft."""
    public = project(store)
    data = {**_project_data("东城保密配套工程"), "confidential": True}
    secret = save(store, FORMS["project"], user(store, "dc"), data, submit=True, today=TODAY, lookup=StoreLookup(store))
    draft = save(
        store,
        FORMS["project"],
        user(store, "dc"),
        _project_data("东城草稿项目"),
        submit=False,
        today=TODAY,
        lookup=StoreLookup(store),
    )
    czj = user(store, "czj")
    offered = dict(issuelist.issue_projects(store, czj))
    assert offered == {public: "东城智能制造产业园"}
    assert issuelist.check_issue(store, czj, {"project": public}) == {}
    for refused in (secret.number, draft.number):
        assert list(issuelist.check_issue(store, czj, {"project": refused})) == ["project"]
    # Its own unit still sees its confidential project; the bureau sees every registered one.
    assert secret.number in dict(issuelist.issue_projects(store, user(store, "dc")))
    assert set(dict(issuelist.issue_projects(store, user(store, "fgj")))) == {public, secret.number}
    q = propose(store, "czj", public)
    assert state(store, q) == "proposed"


def test_the_list_is_ordered_by_urgency_then_date() -> None:
    docs = [
        {"number": "Q-4", "created": "2026-11-20", "data": {"urgency": "一般"}},
        {"number": "Q-3", "created": "2026-11-25", "data": {"urgency": "特急"}},
        {"number": "Q-2", "created": "2026-11-21", "data": {"urgency": "紧急"}},
        {"number": "Q-1", "created": "2026-11-19", "data": {"urgency": "紧急"}},
    ]
    assert [d["number"] for d in issuelist.ordered(docs)] == ["Q-3", "Q-1", "Q-2", "Q-4"]  # type: ignore[arg-type]


def test_return_sends_the_form_back_and_a_resubmit_proposes_it_again(store: Store, call: str) -> None:
    p = project(store)
    q = propose(store, "dc", p)
    fgj = user(store, "fgj")
    with pytest.raises(NotAllowed, match="退回理由必须填写"):
        issuelist.return_issue(store, fgj, q, "  ")
    issuelist.return_issue(store, fgj, q, "未经主管部门协调。")
    doc = store.get("issue", q)
    assert doc is not None
    assert (doc["list_state"], doc["status"], doc["return_reason"], doc["list_note"]) == (
        "returned",
        "returned",
        "未经主管部门协调。",
        "未经主管部门协调。",
    )
    with pytest.raises(NotAllowed, match="当前为“已退回”"):
        issuelist.accept(store, fgj, q)
    propose(store, "dc", p, number=q)
    assert state(store, q) == "proposed"


def test_accept_files_the_form_and_only_accepted_issues_go_to_the_city(store: Store, call: str) -> None:
    q = propose(store, "dc", project(store))
    fgj = user(store, "fgj")
    with pytest.raises(NotAllowed, match="只有“已纳入清单”的议题可以报市级协调"):
        escalation.mark_for_city(store, fgj, q, "", NOW)
    issuelist.accept(store, fgj, q, "同意纳入。")
    assert store.get("issue", q)["status"] == "accepted"  # type: ignore[index]
    escalation.mark_for_city(store, fgj, q, "涉及市级审批权限。", NOW)
    assert state(store, q) == "city_pending"  # a leader decides before it goes up
    assert store.get("issue", q)["list_note"] == "涉及市级审批权限。"  # type: ignore[index]


def test_merge_needs_another_live_issue(store: Store, call: str) -> None:
    p = project(store)
    a, b, c = (propose(store, "dc", p) for _ in range(3))
    fgj = user(store, "fgj")
    with pytest.raises(NotAllowed, match="合并到它自己"):
        issuelist.merge(store, fgj, a, a)
    issuelist.return_issue(store, fgj, c, "重复申报。")
    with pytest.raises(NotAllowed, match="不是清单上仍在办理的议题"):
        issuelist.merge(store, fgj, a, c)
    issuelist.merge(store, fgj, b, a)
    doc = store.get("issue", b)
    assert doc is not None and (doc["list_state"], doc["merged_into"], doc["status"]) == ("merged", a, "accepted")
    with pytest.raises(NotAllowed, match="不是清单上仍在办理的议题"):
        issuelist.merge(store, fgj, a, b)


def test_carry_moves_an_issue_to_a_later_meeting_not_yet_held(store: Store, call: str) -> None:
    q = propose(store, "dc", project(store))
    fgj = user(store, "fgj")
    with pytest.raises(NotAllowed, match="不存在或已召开"):
        issuelist.carry(store, fgj, q, "2026-99")
    with pytest.raises(NotAllowed, match="须选择更晚的例会"):
        issuelist.carry(store, fgj, q, call)
    later = create_meeting(store, date(2026, 12, 11), actor="fgj", now=NOW)
    issuelist.carry(store, fgj, q, str(later["number"]))
    doc = store.get("issue", q)
    assert doc is not None and (doc["list_state"], doc["meeting"]) == ("carried", later["number"])
    assert [d["number"] for d in issuelist.plannable(store, str(later["number"]))] == [q]
    assert issuelist.plannable(store, call) == []


def test_only_the_bureau_reviews_issues(store: Store, call: str) -> None:
    q = propose(store, "dc", project(store))
    for name in ("dc", "leader"):
        with pytest.raises(RoleRefused, match="只有区发展改革局"):
            issuelist.accept(store, user(store, name), q)
    assert state(store, q) == "proposed"


def test_a_refused_action_changes_nothing(store: Store, call: str) -> None:
    q = propose(store, "dc", project(store))
    before = store.get("issue", q)
    with pytest.raises(NotAllowed):
        issuelist.merge(store, user(store, "fgj"), q, "Q-2026-9999")
    assert store.get("issue", q) == before
    assert store.get("meeting", call)["status"] == MeetingStatus.CALL_OPEN.value  # type: ignore[index]
