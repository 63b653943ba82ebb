"""Lighter plan and minutes forms: a plan draft, a confirmation before the units' deadline, prefilled agreed items."""

from __future__ import annotations

import re
from datetime import date

from cycle_support import MEETING, _issue, _post, _submit, _to_held

from xietiao.cycle.deadlines import CycleDeadlines, units_still_proposing
from xietiao.cycle.meetings import previous_meeting
from xietiao.cycle.workdays import WorkCalendar


def _call_with_issue(cycle, store) -> str:  # type: ignore[no-untyped-def]
    _post(cycle["fgj"], f"/app/cycle/{MEETING}/open-call")
    q1 = _submit(cycle["dc"], "issue", _issue(cycle["p1"], "紧急", "请协调用地预审。"))
    _post(cycle["fgj"], f"/app/issues/{q1}/accept")
    return q1


def _checked(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]+)"[^>]*checked', html)


def test_plan_kept_as_a_draft_then_sent_after_confirming(cycle, store) -> None:  # type: ignore[no-untyped-def]
    fgj = cycle["fgj"]
    q1 = _call_with_issue(cycle, store)
    page = fgj.get(f"/app/cycle/{MEETING}/plan").text
    assert _checked(page, "issues") == [q1] and "以下已按问题清单预选" in page
    # A draft may be incomplete: no unit yet. It is kept, and the meeting stays open for issues.
    saved = _post(fgj, f"/app/cycle/{MEETING}/plan", {"issues": [q1], "action": "draft", "start": "09:30"})
    assert saved.status_code == 200 and "草稿已保存" in saved.text  # type: ignore[attr-defined]
    meeting = store.get("meeting", MEETING)
    assert meeting["status"] == "call_open" and meeting["plan_draft"]["issues"] == [q1]
    page = fgj.get(f"/app/cycle/{MEETING}/plan").text
    assert "以下为保存的草稿" in page and _checked(page, "attendance") == [] and 'value="09:30"' in page
    # Units may propose until Monday the 30th: sending on Saturday the 28th asks first, and sends nothing.
    units = ["区发展改革局", "东城街道"]
    asked = _post(fgj, f"/app/cycle/{MEETING}/plan", {"issues": [q1], "attendance": units, "action": "submit"})
    assert asked.status_code == 200 and "确认现在报送" in asked.text  # type: ignore[attr-defined]
    assert "2026年11月30日" in asked.text and _checked(asked.text, "attendance") == units  # type: ignore[attr-defined]
    assert store.get("meeting", MEETING)["status"] == "call_open"
    sent: dict[str, object] = {"issues": [q1], "attendance": units, "action": "submit", "confirm": "early"}
    _post(fgj, f"/app/cycle/{MEETING}/plan", sent)
    assert store.get("meeting", MEETING)["status"] == "plan_proposed"


def test_no_confirmation_once_units_are_past_their_deadline(cycle, store) -> None:  # type: ignore[no-untyped-def]
    _call_with_issue(cycle, store)
    meeting = store.get("meeting", MEETING)
    previous = previous_meeting(store, meeting)
    cal = WorkCalendar()
    assert units_still_proposing(meeting, previous, cal, date(2026, 11, 30), days=CycleDeadlines())
    assert not units_still_proposing(meeting, previous, cal, date(2026, 12, 1), days=CycleDeadlines())


def test_agreed_items_start_from_the_plan_issues(cycle, store) -> None:  # type: ignore[no-untyped-def]
    q1 = _to_held(cycle, store)
    fgj, p1 = cycle["fgj"], cycle["p1"]
    page = fgj.get(f"/app/cycle/{MEETING}/minutes").text
    # One discussion and one agreed item, no spare rows; the explanations' one blank row (nobody must explain).
    row = r'<div class="group-row"><span class="hint row-no">第 \d+ 项</span>\s*<div class="field[^"]*"[^>]*>\s*'
    rows = re.findall(row + r'<label for="f-(\w+?)-', page)
    assert rows == ["discussions", "explained", "agreed"]
    assert re.search(rf'name="agreed-0-project"[^>]*>.*?value="{p1}" selected', page, re.S)
    assert re.search(rf'<option value="{q1}" selected>{q1} 东城智能制造产业园（东城街道）</option>', page)
    assert re.search(r'name="agreed-0-lead_unit">.*?<option selected>东城街道</option>', page, re.S)
    assert _checked(page, "agreed-0-co_units") == ["区自然资源和规划分局"]
    assert 'name="agreed-0-person-name" value="李明"' in page
    # Saved as a draft with nothing decided yet, the prefilled row is kept for later.
    _post(fgj, f"/app/cycle/{MEETING}/minutes", {"agreed-0-issue": q1, "agreed-0-project": p1, "action": "draft"})
    assert store.get("meeting", MEETING)["agreed"] == [{"issue": q1, "project": p1}]


def test_a_prefilled_row_nobody_decided_on_is_left_out(cycle, store) -> None:  # type: ignore[no-untyped-def]
    q1 = _to_held(cycle, store)
    post = {
        "convener": "常务副区长",
        "attendance": ["区发展改革局", "东城街道"],
        "minutes": "会议研究了用地预审问题。",
        "agreed-0-project": cycle["p1"],
        "agreed-0-issue": q1,
        "agreed-0-lead_unit": "东城街道",
        "agreed-0-person-name": "李明",
        "agreed-0-person-phone": "13800000002",
        "agreed-1-project": cycle["p2"],
        "agreed-1-content": "年底前完成物流枢纽征迁摸底。",
        "agreed-1-lead_unit": "西城街道",
        "agreed-1-person-name": "钱丽",
        "agreed-1-person-phone": "0577-12345678",
        "agreed-1-planned": "2026-12-31",
        "action": "submit",
    }
    _post(cycle["fgj"], f"/app/cycle/{MEETING}/minutes", post)
    meeting = store.get("meeting", MEETING)
    assert meeting["status"] == "minutes_drafted"
    assert [a["content"] for a in meeting["agreed"]] == ["年底前完成物流枢纽征迁摸底。"]
