"""Escalation to the city as steps: the bureau proposes, a leader decides, the request goes, the reply comes back."""

from __future__ import annotations

import io
from datetime import date, datetime

import docx
import pytest
from test_issuelist import NOW, TODAY, project, propose, state, user

from xietiao.cycle import escalation, issuelist
from xietiao.cycle.meetings import approve_plan, create_meeting, open_call, propose_plan
from xietiao.cycle.plan import Plan
from xietiao.forms.submissions import NotAllowed
from xietiao.permissions import RoleRefused
from xietiao.store.engine import Store

LATER = datetime(2026, 11, 28, 15, 0, tzinfo=NOW.tzinfo)


@pytest.fixture
def call(store: Store) -> str:
    """A meeting whose topic call is open."""
    meeting = create_meeting(store, date(2026, 12, 4), actor="fgj", now=NOW)
    open_call(store, user(store, "fgj"), str(meeting["number"]), NOW)
    return str(meeting["number"])


def _accepted(store: Store) -> str:
    q = propose(store, "dc", project(store))
    issuelist.accept(store, user(store, "fgj"), q, "")
    return q


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_the_whole_way_to_the_city_and_back_is_kept_on_the_issue(store: Store, call: str) -> None:
    q = _accepted(store)
    fgj, leader = user(store, "fgj"), user(store, "leader")
    with pytest.raises(RoleRefused):
        escalation.mark_for_city(store, leader, q, "", NOW)  # only the bureau proposes
    escalation.mark_for_city(store, fgj, q, "涉及跨区用地指标。", NOW)
    assert state(store, q) == "city_pending" and [d["number"] for d in escalation.pending_city(store)] == [q]
    with pytest.raises(RoleRefused):
        escalation.decide_city(store, fgj, q, True, "", NOW)  # only a leader approves
    draft = _text(escalation.city_request_docx(store.get("issue", q), None, TODAY))  # type: ignore[arg-type]
    assert "代拟稿" in draft and "涉及跨区用地指标。" in draft
    escalation.decide_city(store, leader, q, True, "", NOW)
    assert state(store, q) == "city" and escalation.next_city_step(store.get("issue", q)) == "send"  # type: ignore[arg-type]
    with pytest.raises(NotAllowed, match="请先登记报送"):
        escalation.record_reply(store, fgj, q, "2026-11-28", "答复", "solved", TODAY, NOW)
    for day, why in (("2026-11-29", "不晚于今天"), ("2026-11-20", "区领导审定之后"), ("明天", "格式如")):
        with pytest.raises(NotAllowed, match=why):
            escalation.record_sent(store, fgj, q, day, TODAY, NOW)
    escalation.record_sent(store, fgj, q, "2026-11-28", TODAY, NOW)
    with pytest.raises(NotAllowed, match="已登记"):
        escalation.record_sent(store, fgj, q, "2026-11-28", TODAY, NOW)
    with pytest.raises(NotAllowed, match="答复结果"):
        escalation.record_reply(store, fgj, q, "2026-11-28", "市里已复函。", "maybe", TODAY, LATER)
    escalation.record_reply(store, fgj, q, "2026-11-28", "市里已复函，同意统筹解决。", "solved", TODAY, LATER)
    doc = store.get("issue", q)
    assert doc is not None and state(store, q) == "city_solved"
    assert [h["step"] for h in escalation.city_history(doc)] == ["marked", "approved", "sent", "replied"]
    assert escalation.city_of(doc)["reply"] == "市里已复函，同意统筹解决。"
    project = store.get("project", str(issuelist.data_of(doc).get("project")))
    letter = _text(escalation.city_request_docx(doc, project, TODAY))
    assert "代拟稿" not in letter and "东城智能制造产业园" in letter and "请协调规划许可。" in letter
    actions = [e["action"] for e in store.journal(q)]
    assert "审定同意报市级协调" in actions and "登记市里答复：问题已解决，议题办结" in actions


def test_a_leader_may_say_no_and_a_reply_may_hand_the_issue_back(store: Store, call: str) -> None:
    fgj, leader = user(store, "fgj"), user(store, "leader")
    q = _accepted(store)
    escalation.mark_for_city(store, fgj, q, "", NOW)
    assert escalation.city_of(store.get("issue", q))["reason"] == escalation.DEFAULT_REASON  # type: ignore[arg-type]
    with pytest.raises(NotAllowed, match="退回意见必须填写"):
        escalation.decide_city(store, leader, q, False, " ", NOW)
    escalation.decide_city(store, leader, q, False, "区里再协调一次。", NOW)
    assert state(store, q) == "accepted" and "区里再协调一次。" in str(store.get("issue", q)["list_note"])  # type: ignore[index]
    escalation.mark_for_city(store, fgj, q, "再次提请。", NOW)  # it may be put forward again
    escalation.decide_city(store, leader, q, True, "", NOW)
    escalation.record_sent(store, fgj, q, "2026-11-28", TODAY, NOW)
    escalation.record_reply(store, fgj, q, "2026-11-28", "请区里继续协调。", "returned", TODAY, LATER)
    doc = store.get("issue", q)
    assert doc is not None and state(store, q) == "accepted" and doc["meeting"] == call  # back for the open call
    assert [h["step"] for h in escalation.city_history(doc)] == [
        "marked",
        "returned",
        "marked",
        "approved",
        "sent",
        "replied",
    ]
    assert q in [d["number"] for d in issuelist.plannable(store, call)]


def test_approving_the_plan_approves_the_escalations_put_forward_with_it(store: Store, call: str) -> None:
    fgj, leader = user(store, "fgj"), user(store, "leader")
    planned, city = _accepted(store), _accepted(store)
    escalation.mark_for_city(store, fgj, city, "需市里统筹。", NOW)
    propose_plan(store, fgj, call, Plan((), (planned,), ("东城街道",)), NOW)
    approve_plan(store, leader, call, NOW)
    assert state(store, city) == "city"
    assert escalation.city_history(store.get("issue", city))[-1]["note"] == f"随例会 {call} 建议方案一并审定"  # type: ignore[arg-type]


def test_the_request_keeps_typed_text_as_text(store: Store, call: str) -> None:
    q = _accepted(store)
    escalation.mark_for_city(store, user(store, "fgj"), q, "<w:t>注入</w:t>\x07理由", NOW)
    text = _text(escalation.city_request_docx(store.get("issue", q), None, date(2026, 11, 28)))  # type: ignore[arg-type]
    assert "<w:t>注入</w:t>理由" in text  # markup stays literal text; the control character is dropped
