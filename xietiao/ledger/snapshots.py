"""Colour history (三色图快照): the board frozen at each approved meeting and at each month's end.

A month-end snapshot may be written days after the month ended (the first page load of the
new month writes it), so colours are worked out *as of* the snapshot's date: projects and items
registered later are left out, items closed later count as still open, and a node completed
later counts as not done (the colour rule already ignores completions after its `today`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from xietiao.jsonvalue import Doc, JSONValue
from xietiao.ledger.board import item_assessment, project_colour
from xietiao.ledger.colours import Colour, add_months
from xietiao.ledger.view import scan
from xietiao.model import AgreedItem, ItemStatus, Project, item_of, project_of
from xietiao.store.engine import Store

MEETING, MONTH_END = "meeting", "month_end"
MAX_BACKFILL = 120  # month ends written in one call: ten years of history is plenty


def _day(value: object) -> str:
    return value[:10] if isinstance(value, str) else ""


def _closed_on(doc: Doc) -> str:
    """The ISO date the item was closed; "" when it is open; "0000" when closed at an unknown date."""
    if doc.get("status") != ItemStatus.CLOSED.value:
        return ""
    return _day(doc.get("closed_at")) or _day(doc.get("done")) or "0000"


@dataclass(frozen=True)
class _Loaded:
    projects: list[tuple[str, Project]]  # (registered date, project); accepted ones only
    items: list[tuple[str, str, AgreedItem]]  # (registered date, closed date or "", item)

    @property
    def empty(self) -> bool:
        return not self.projects and not self.items

    def first_day(self) -> str:
        days = [d for d, _ in self.projects] + [d for d, _, _ in self.items]
        return min((d for d in days if d), default="")


def _project(doc: Doc) -> tuple[str, Project] | None:
    return (_day(doc.get("created")), project_of(doc)) if doc.get("status") == "accepted" else None


def _item(doc: Doc) -> tuple[str, str, AgreedItem]:
    return _day(doc.get("created")), _closed_on(doc), item_of(doc)


def _load(store: Store) -> _Loaded:
    return _Loaded(scan(store, "project", _project), scan(store, "item", _item))


def _colours_as_of(loaded: _Loaded, day: date) -> tuple[dict[str, JSONValue], dict[str, JSONValue]]:
    iso = day.isoformat()
    items: list[AgreedItem] = []
    for registered, closed, item in loaded.items:
        if registered > iso or (closed and closed <= iso):
            continue
        # Open on that day, even if it is closed now.
        items.append(item if item.status.is_open else replace(item, status=ItemStatus.IN_PROGRESS))
    by_project: dict[str, list[AgreedItem]] = {}
    for item in items:
        by_project.setdefault(item.project, []).append(item)
    projects: dict[str, JSONValue] = {
        p.number: project_colour(p, by_project.get(p.number, []), day).colour.value
        for registered, p in loaded.projects
        if registered <= iso
    }
    return projects, {i.number: item_assessment(i, day).colour.value for i in items}


def _snapshot_doc(loaded: _Loaded, day: date, reason: str, meeting: str) -> Doc:
    projects, items = _colours_as_of(loaded, day)
    counts: dict[str, JSONValue] = {c.value: sum(1 for v in projects.values() if v == c.value) for c in Colour}
    number = f"meeting-{meeting}" if reason == MEETING else f"month-{day.isoformat()[:7]}"
    return {
        "number": number,
        "date": day.isoformat(),
        "reason": reason,
        "meeting": meeting,
        "projects": projects,
        "items": items,
        "counts": counts,
    }


def take_snapshot(store: Store, today: date, reason: str = MEETING, meeting: str = "") -> Doc:
    """Store the colours as of `today`; a snapshot that already exists is returned unchanged.

    reason "meeting" (with the meeting's number, e.g. "2026-12") gives "meeting-2026-12";
    reason "month_end" gives "month-2026-11" for the month `today` falls in.
    """
    if reason not in (MEETING, MONTH_END):
        raise ValueError(f"unknown snapshot reason {reason!r}")
    if reason == MEETING and not meeting:
        raise ValueError("a meeting snapshot needs the meeting's number")
    with store.batch():
        doc = _snapshot_doc(_load(store), today, reason, meeting if reason == MEETING else "")
        existing = store.get("snapshot", str(doc["number"]))
        if existing is not None:
            return existing
        if reason == MONTH_END:
            doc["created"] = f"{today.isoformat()}T23:59:59+08:00"
        action = f"例会{meeting}三色图快照" if reason == MEETING else "月末三色图快照"
        return store.insert("snapshot", doc, actor="system", action=action)


def month_end_before(today: date) -> date:
    """The last month end strictly before `today`: a month is snapshotted once it is over."""
    return today.replace(day=1) - timedelta(days=1)


def _month_end_of(day: date) -> date:
    return month_end_before((day.replace(day=1) + timedelta(days=32)).replace(day=1))


def _next_month_end(day: date) -> date:
    return _month_end_of(_month_end_of(day) + timedelta(days=1))


def ensure_month_end_snapshots(store: Store, today: date) -> list[Doc]:
    """Write every missing month-end snapshot since the last one; cheap when none is missing.

    With no month-end snapshot yet, history starts at the month of the first registered
    project or item. Returns the snapshots written (none on an ordinary page load).
    """
    target = month_end_before(today)
    if store.get("snapshot", f"month-{target.isoformat()[:7]}") is not None:
        return []
    with store.batch():  # holds the store's lock: two page loads cannot both write a month
        ends = [s["date"] for s in store.all("snapshot", lambda d: d.get("reason") == MONTH_END)]
        loaded = _load(store)
        last = max((e for e in ends if isinstance(e, str)), default="")
        if last:
            day = _next_month_end(date.fromisoformat(last))
        elif loaded.first_day():
            day = _month_end_of(date.fromisoformat(loaded.first_day()))
        else:
            return []
        day = max(day, _month_end_of(add_months(target, 1 - MAX_BACKFILL)))
        written: list[Doc] = []
        while day <= target:
            doc = _snapshot_doc(loaded, day, MONTH_END, "")
            if store.get("snapshot", str(doc["number"])) is None:
                doc["created"] = f"{day.isoformat()}T23:59:59+08:00"
                written.append(store.insert("snapshot", doc, actor="system", action="月末三色图快照"))
            day = _next_month_end(day)
        return written


def snapshot_history(store: Store) -> list[Doc]:
    """Every snapshot, oldest first (month ends and meetings interleaved by date)."""
    rows = store.all("snapshot")
    rows.sort(key=lambda d: (str(d.get("date")), str(d.get("number"))))
    return rows
