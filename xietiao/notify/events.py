"""Reminders raised by events, read from the store's journal: a record sent back, a plan or minutes sent up or back.

The server hands each journal row that a commit made durable to `wants`; the rows it keeps are
turned into reminders by the EVENT_SOURCES, each a small function of the store and one row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from xietiao.jsonvalue import Doc
from xietiao.notify.messages import md_text
from xietiao.notify.reminders import Audience, Collected, Reminder
from xietiao.store.engine import Store
from xietiao.units import UnitKind, all_units

FORM_TITLES = {
    "project": "项目登记",
    "issue": "议题申报",
    "material": "上会材料",
    "progress": "月度进展",
    "closure": "销号申请",
}
REASON_SHOWN = 200  # characters of a reason quoted in a chat message

EventSource = Callable[[Store, Doc], list[Reminder]]


def _key(row: Doc) -> str:
    return f"{row.get('kind')}:{row.get('number')}:{row.get('action')}:{row.get('at')}"


def _short(text: object) -> str:
    value = str(text or "").strip()
    return value if len(value) <= REASON_SHOWN else value[:REASON_SHOWN] + "……"


def record_returned(store: Store, row: Doc) -> list[Reminder]:
    """A unit's filing sent back by the bureau: the unit is told why."""
    kind, number = str(row.get("kind")), str(row.get("number"))
    if row.get("action") != "退回" or kind not in FORM_TITLES:
        return []
    record = store.get(kind, number)
    if record is None or record.get("status") != "returned":
        return []
    return [
        Reminder(
            key="returned:" + _key(row),
            kind="returned",
            audience=Audience.UNIT,
            unit=str(record.get("unit") or ""),
            title=f"{FORM_TITLES[kind]}{number}已被退回",
            lines=(f"退回理由：{_short(record.get('return_reason'))}", "请修改后重新提交。"),
            link=f"/app/records/{kind}/{number}",
        )
    ]


def closure_refused(store: Store, row: Doc) -> list[Reminder]:
    if row.get("kind") != "item" or row.get("action") != "退回销号申请":
        return []
    item = store.get("item", str(row.get("number")))
    if item is None:
        return []
    return [
        Reminder(
            key="refused:" + _key(row),
            kind="returned",
            audience=Audience.UNIT,
            unit=str(item.get("lead_unit") or ""),
            title=f"议定事项{item['number']}的销号申请被退回",
            lines=(f"退回理由：{_short(item.get('closure_refused'))}", "事项回到推进中，请继续按月报送进展。"),
            link=f"/app/ledger/{item['number']}",
        )
    ]


def closure_requested(store: Store, row: Doc) -> list[Reminder]:
    if row.get("kind") != "item" or not str(row.get("action") or "").startswith("申请销号"):
        return []
    item = store.get("item", str(row.get("number")))
    if item is None:
        return []
    return [
        Reminder(
            key="closure:" + _key(row),
            kind="closures",
            audience=Audience.BUREAU,
            unit="",
            title=f"议定事项{item['number']}申请销号",
            lines=(f"牵头单位：{item.get('lead_unit')}", "请在台账中核实后销号或退回。"),
            link=f"/app/ledger/{item['number']}",
        )
    ]


_TO_LEADER = {"报送建议方案": "建议方案", "报送纪要代拟稿": "会议纪要代拟稿"}
_TO_BUREAU = {"退回建议方案": "建议方案", "退回纪要代拟稿": "会议纪要代拟稿"}


def meeting_papers(store: Store, row: Doc) -> list[Reminder]:
    """A plan or minutes sent up to the leaders, or sent back by them to the bureau."""
    action = str(row.get("action") or "")
    if row.get("kind") != "meeting" or action not in (*_TO_LEADER, *_TO_BUREAU):
        return []
    meeting = store.get("meeting", str(row.get("number")))
    if meeting is None:
        return []
    number, title = str(meeting["number"]), str(meeting.get("title") or "")
    if action in _TO_LEADER:
        what = _TO_LEADER[action]
        return [
            Reminder(
                "papers:" + _key(row),
                "approvals",
                Audience.LEADER,
                "",
                f"{title}的{what}待审定",
                ("请在“待审定”中审定或退回。",),
                "/app/approvals",
            )
        ]
    what = _TO_BUREAU[action]
    return [
        Reminder(
            "papers:" + _key(row),
            "approvals",
            Audience.BUREAU,
            "",
            f"{title}的{what}被退回",
            (f"审定意见：{_short(meeting.get('review_note'))}",),
            f"/app/cycle/{number}",
        )
    ]


def call_opened(store: Store, row: Doc) -> list[Reminder]:
    """The call for topics went out: every responsible unit hears of it the same day."""
    if row.get("kind") != "meeting" or row.get("action") not in ("发布议题征集通知", "新建例会（发布议题征集通知）"):
        return []
    meeting = store.get("meeting", str(row.get("number")))
    if meeting is None:
        return []
    takers = (UnitKind.DEPARTMENT, UnitKind.CENTRE, UnitKind.GROUP, UnitKind.TOWN)
    return [
        Reminder(
            key=f"call:{meeting['number']}:{unit.name}",
            kind="cycle",
            audience=Audience.UNIT,
            unit=unit.name,
            title=f"{meeting.get('title')}开始征集议题",
            lines=("已经区发展改革局或主管部门协调、仍需区政府协调的问题，请通过“议题申报”报送。",),
            link="/app/forms/issue/new",
        )
        for unit in all_units()
        if unit.kind in takers
    ]


EVENT_SOURCES: list[EventSource] = [record_returned, closure_refused, closure_requested, meeting_papers, call_opened]
_ACTIONS = ("退回", "申请销号", "报送建议方案", "报送纪要代拟稿", "发布议题征集通知", "新建例会（发布议题征集通知）")


def wants(row: Doc) -> bool:
    """Cheap first look, on the writer's thread: could this row raise a reminder?"""
    action = str(row.get("action") or "")
    return row.get("kind") != "notice" and any(action.startswith(a) for a in _ACTIONS)


def event_reminders(store: Store, rows: Iterable[Doc], sources: Iterable[EventSource] = EVENT_SOURCES) -> Collected:
    found: list[Reminder] = []
    failures: list[str] = []
    chosen = list(sources)
    for row in rows:
        for source in chosen:
            try:
                found += source(store, row)
            except Exception as exc:  # a broken source must not stop the others
                failures.append(f"{source.__name__}: {type(exc).__name__}: {exc}")
    return Collected(found, failures)


__all__ = ["EVENT_SOURCES", "EventSource", "event_reminders", "md_text", "wants"]
