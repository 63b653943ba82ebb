"""Demo follow-ups that show the steps after a meeting: closures waiting, materials owed, the city, explanations.

Applied after the random history is drawn and without drawing from it, so every other record
stays as the seed made it: a couple of closure requests still wait for the bureau, the latest
meeting's checklist has material sent back and material missing, an issue went up to the city
and came back answered while another waits for the reply, and the units asked to explain at a
meeting have their explanation in its minutes.
"""

from __future__ import annotations

from datetime import date

from xietiao.demo.context import BUREAU_USER, Context
from xietiao.demo.records import DemoItem, iso
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.ledger.colours import Colour, colour
from xietiao.model import IssueState
from xietiao.profile import current
from xietiao.units import UnitKind, unit_by_name

LEADER_USER = "leader"
MATERIAL_RETURNED = "“工作目标”缺少竣工和投产节点的日期，请补充后重新报送。"
CITY_REASON = "经区协调例会研究，问题涉及市级审批权限，区里无法单独解决，需报请市级层面协调。"
CITY_REPLY = "市级有关部门复函：同意按区里意见统筹办理，已明确牵头部门和办理时限，相关手续已办结。"


def keep_closures_waiting(ctx: Context, items: list[DemoItem], count: int = 2) -> None:
    """The latest closures of items that are not late become requests the bureau has still to decide."""

    def fits(it: DemoItem) -> bool:
        lead = unit_by_name(str(it.doc["lead_unit"]))
        open_colour = colour(it.planned, None, ctx.today, thresholds=current().colours)
        return bool(it.closed and lead and lead.kind is not UnitKind.BUREAU and open_colour is Colour.GREEN)

    for it in sorted((it for it in items if fits(it)), key=lambda it: (it.closed, it.doc["number"]), reverse=True)[
        :count
    ]:
        it.closed = None
        it.doc.update(status="closure_requested", done=None, closed_reason="")
        it.doc.pop("closed_at", None)
        it.doc.pop("closed_by", None)


def _version(doc: Doc, status: str, at: str, note: str) -> None:
    versions = doc["versions"]
    assert isinstance(versions, list)
    versions.append(
        {"version": len(versions) + 1, "status": status, "data": None, "at": at, "by": BUREAU_USER, "note": note}
    )


def latest_checklist_gaps(docs: dict[str, list[Doc]]) -> None:
    """In the latest meeting's material, one was sent back for more detail and one never came."""
    held = [m for m in docs["meeting"] if m.get("status") == "published"]
    if not held:
        return
    last = str(held[-1]["number"])
    mine = [d for d in docs["material"] if d.get("meeting") == last and not d.get("confidential")]
    if len(mine) < 3:
        return
    returned, missing = mine[1], mine[2]
    returned["versions"] = returned["versions"][:1]  # type: ignore[index]
    stamp = str(returned["created"])[:11] + "20:30:00+08:00"
    _version(returned, "returned", stamp, MATERIAL_RETURNED)
    returned.update(status="returned", return_reason=MATERIAL_RETURNED, updated=stamp)
    docs["material"].remove(missing)


def _step(step: str, day: date, hour: int, by: str, note: str) -> Doc:
    return {"step": step, "at": iso(day, hour), "by": by, "note": note}


def escalations(ctx: Context, docs: dict[str, list[Doc]]) -> None:
    """An issue discussed a few meetings ago went up to the city and was answered; a newer one waits."""
    older = docs["meeting"][-6] if len(docs["meeting"]) > 6 else None
    issues = {str(d["number"]): d for d in docs["issue"]}
    public = [issues[str(n)] for n in older["issues"] if not issues[str(n)].get("confidential")] if older else []  # type: ignore[union-attr]
    if public and older is not None:
        held = date.fromisoformat(str(older["date"]))
        marked, approved = ctx.add_workdays(held, 3), ctx.add_workdays(held, 4)
        sent, answered = ctx.add_workdays(held, 5), ctx.add_workdays(held, 16)
        history: list[JSONValue] = [
            _step("marked", marked, 10, BUREAU_USER, CITY_REASON),
            _step("approved", approved, 16, LEADER_USER, ""),
            _step("sent", sent, 11, BUREAU_USER, f"于{sent.year}年{sent.month}月{sent.day}日报送"),
            _step("replied", answered, 15, BUREAU_USER, CITY_REPLY),
        ]
        city: Doc = {
            "reason": CITY_REASON,
            "marked_at": iso(marked, 10),
            "approved_at": iso(approved, 16),
            "sent_on": sent.isoformat(),
            "reply_on": answered.isoformat(),
            "reply": CITY_REPLY,
            "outcome": "solved",
        }
        note = f"市里已答复（{answered.year}年{answered.month}月{answered.day}日）：问题已解决，议题办结。"
        public[0].update(list_state=IssueState.CITY_SOLVED.value, list_note=note, city=city, city_history=history)
    for doc in docs["issue"]:
        if doc.get("list_state") == IssueState.CITY.value and "city" not in doc:
            _waiting_for_city(ctx, doc)


def _waiting_for_city(ctx: Context, doc: Doc) -> None:
    filed = date.fromisoformat(str(doc["created"])[:10])
    marked = min(ctx.add_workdays(filed, 1), ctx.today)
    sent = min(ctx.add_workdays(marked, 1), ctx.today)
    reason = str(doc.get("list_note") or CITY_REASON)
    city: Doc = {"reason": reason, "marked_at": iso(marked, 9), "approved_at": iso(marked, 17), "sent_on": ""}
    history: list[JSONValue] = [
        _step("marked", marked, 9, BUREAU_USER, reason),
        _step("approved", marked, 17, LEADER_USER, ""),
    ]
    if sent < ctx.today:
        city["sent_on"] = sent.isoformat()
        history.append(_step("sent", sent, 10, BUREAU_USER, f"于{sent.year}年{sent.month}月{sent.day}日报送"))
    doc.update(city=city, city_history=history)


def explained_at_meetings(docs: dict[str, list[Doc]]) -> None:
    """Units the bureau pressed explained at the meeting named: on its plan and in its minutes."""
    meetings = {str(m["number"]): m for m in docs["meeting"]}
    for record in docs["supervision"]:
        meeting = meetings.get(str(record.get("explain_at") or ""))
        if meeting is None or meeting.get("status") != "published":
            continue
        items: list[JSONValue] = [str(n) for n in record.get("items") or []]  # type: ignore[union-attr]
        listed = "、".join(str(n) for n in items)
        reason = f"{record['kind']}要求说明：{listed}"
        meeting.setdefault("explanations", []).append(  # type: ignore[union-attr]
            {"unit": record["unit"], "items": items, "reasons": [reason], "supervisions": []}
        )
        meeting.setdefault("explained", []).append(  # type: ignore[union-attr]
            {
                "unit": record["unit"],
                "items": listed,
                "text": "说明了事项滞后的原因，表示将倒排工期、加强调度，下月底前完成整改并报送进展。",
            }
        )


def follow_up(ctx: Context, docs: dict[str, list[Doc]]) -> None:
    """Everything above that works on finished records (the closures are held back earlier, before reports)."""
    latest_checklist_gaps(docs)
    escalations(ctx, docs)
    explained_at_meetings(docs)
