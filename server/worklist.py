"""A unit's rows on its workbench that come from the meeting cycle: material owed, explanations due, supervision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from xietiao.cycle.issuelist import NOT_YET_HELD
from xietiao.cycle.materials import MaterialTask, material_tasks
from xietiao.jsonvalue import Doc
from xietiao.ledger.supervision import explanations, supervision_list
from xietiao.model import MeetingStatus
from xietiao.store.engine import Store


@dataclass(frozen=True)
class ExplainDue:
    """A meeting (or the next one, not yet planned) at which the unit must explain, and why."""

    meeting: Doc | None
    reasons: tuple[str, ...]
    items: tuple[str, ...]


def _explain_due(store: Store, unit: str, today: date) -> list[ExplainDue]:
    coming = [
        m
        for m in store.all("meeting", lambda d: d.get("status") in {s.value for s in NOT_YET_HELD})
        if _status(m) is not MeetingStatus.PLANNED
    ]
    out: list[ExplainDue] = []
    planned_for: set[str] = set()
    for meeting in sorted(coming, key=lambda m: str(m.get("date"))):
        for row in meeting.get("explanations") or []:  # type: ignore[union-attr]
            if isinstance(row, dict) and row.get("unit") == unit:
                items = tuple(str(n) for n in row.get("items") or [])  # type: ignore[union-attr]
                planned_for.update(items)
                out.append(ExplainDue(meeting, tuple(str(r) for r in row.get("reasons") or []), items))  # type: ignore[union-attr]
    for row in explanations(store, today):
        if row.unit == unit and (not out or set(row.items) - planned_for):
            out.append(ExplainDue(None, row.reasons, row.items))
    return out


def _status(meeting: Doc) -> MeetingStatus:
    return MeetingStatus(str(meeting.get("status")))


@dataclass(frozen=True)
class UnitWork:
    materials: list[MaterialTask]
    explain: list[ExplainDue]
    supervisions: list[Doc]


def unit_work(store: Store, unit: str, today: date) -> UnitWork:
    return UnitWork(material_tasks(store, unit), _explain_due(store, unit, today), supervision_list(store, unit))
