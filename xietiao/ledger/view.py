"""Reading the ledger: filtered rows with colours, reports owed this month, one item's record."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from xietiao.jsonvalue import Doc
from xietiao.ledger.board import item_assessment, official_name
from xietiao.ledger.colours import Assessment, Colour
from xietiao.ledger.items import LIVE, leads, status_of
from xietiao.model import AgreedItem, ItemStatus, item_of
from xietiao.store.engine import Store
from xietiao.units import all_units, same_unit, unit_by_code

T = TypeVar("T")
OPEN, ALL = "open", "all"
STATUS_CHOICES: tuple[tuple[str, str], ...] = (
    (OPEN, "未销号（全部在办）"),
    (ALL, "全部（含已销号）"),
    *((s.value, s.label) for s in ItemStatus),
)


@dataclass(frozen=True)
class LedgerFilter:
    """What the ledger page and its spreadsheet show; the same filter gives the same rows."""

    unit: str = ""  # a lead unit's official name, or "" for every unit
    status: str = OPEN  # "open", "all" or an ItemStatus value
    colour: str = ""  # a Colour value, or ""; closed items have no colour

    @property
    def unit_code(self) -> str:
        return next((u.code for u in all_units() if u.name == self.unit), "")


def parse_filter(unit_code: str = "", status: str = "", colour: str = "") -> LedgerFilter:
    """A filter from query parameters; an unknown value means "no filter" for that part."""
    unit = unit_by_code(unit_code.strip()) if unit_code else None
    statuses = {s for s, _ in STATUS_CHOICES}
    return LedgerFilter(
        unit=unit.name if unit else "",
        status=status if status in statuses else OPEN,
        colour=colour if colour in {c.value for c in Colour} else "",
    )


@dataclass(frozen=True)
class LedgerRow:
    doc: Doc
    item: AgreedItem
    project_name: str
    confidential: bool  # the item's project is 涉密
    assessment: Assessment | None  # None once closed: a closed item is not monitored
    last_report: str  # the latest month reported, "2026-11", or ""

    @property
    def colour(self) -> Colour | None:
        return self.assessment.colour if self.assessment else None


def scan(store: Store, kind: str, pick: Callable[[Doc], T | None]) -> list[T]:
    """`pick` applied to every record of a kind, without copying the records.

    store.all copies each record it returns, versions and all; with tens of thousands of
    monthly reports that copy was most of a page load. The predicate sees each record
    before any copy: `pick` reads it there and must return only immutable values.
    """
    found: list[T] = []

    def look(doc: Doc) -> bool:
        value = pick(doc)
        if value is not None:
            found.append(value)
        return False

    store.all(kind, look)
    return found


def _data(doc: Doc) -> Doc:
    data = doc.get("data")
    return data if isinstance(data, dict) else {}


def project_names(store: Store) -> dict[str, tuple[str, bool]]:
    """Project number -> (name, confidential)."""

    def pick(doc: Doc) -> tuple[str, str, bool]:
        d = _data(doc)
        secret = bool(doc.get("confidential")) or d.get("confidential") is True
        return str(doc["number"]), str(d.get("name") or ""), secret

    return {number: (name, secret) for number, name, secret in scan(store, "project", pick)}


def _live_report(doc: Doc) -> tuple[str, str] | None:
    """(item, month) of a filed monthly report."""
    if doc.get("status") not in LIVE:
        return None
    d = _data(doc)
    return str(d.get("item") or ""), str(d.get("month") or "")


def last_reports(store: Store) -> dict[str, str]:
    """Item number -> the latest month it has a filed report for."""
    out: dict[str, str] = {}
    for item, month in scan(store, "progress", _live_report):
        if month > out.get(item, ""):
            out[item] = month
    return out


def _listed(flt: LedgerFilter, doc: Doc) -> bool:
    """The part of the filter that needs no colour: checked before any record is copied."""
    status = status_of(doc)
    if flt.unit and not leads(flt.unit, doc):
        return False
    if flt.status == OPEN:
        return status.is_open
    return flt.status == ALL or status.value == flt.status


def ledger_rows(store: Store, today: date, flt: LedgerFilter = LedgerFilter()) -> list[LedgerRow]:
    """The ledger's items under `flt`, worst colour first."""
    names = project_names(store)
    reported = last_reports(store)
    rows: list[LedgerRow] = []
    for doc in store.all("item", lambda d: _listed(flt, d)):
        item = item_of(doc)
        assessment = item_assessment(item, today) if item.status.is_open else None
        if flt.colour and (assessment is None or assessment.colour.value != flt.colour):
            continue
        name, secret = names.get(item.project, ("", False))
        # An item brought in from an old ledger keeps the last month it had reported there.
        last = max(reported.get(item.number, ""), str(doc.get("imported_last_report") or ""))
        rows.append(LedgerRow(doc, item, name, secret, assessment, last))
    # Worst and most overdue first; closed items after every open one, newest first.
    open_rows = sorted(
        (r for r in rows if r.assessment),
        key=lambda r: (-r.assessment.colour.severity, -r.assessment.days_late, r.item.number),  # type: ignore[union-attr]
    )
    closed = sorted((r for r in rows if not r.assessment), key=lambda r: r.item.number, reverse=True)
    return open_rows + closed


# -- monthly reports owed -------------------------------------------------


def _registered_by(doc: Doc, month: str) -> bool:
    created = str(doc.get("created") or "")
    return not created or created[:7] <= month


def owes_report(doc: Doc, month: str) -> bool:
    """An item owes a report for `month` while it is being worked on (not once closure is asked)."""
    status = status_of(doc)
    return status in (ItemStatus.REGISTERED, ItemStatus.IN_PROGRESS) and _registered_by(doc, month)


def reported_items(store: Store, month: str) -> set[str]:
    """Items with a filed report for `month`."""
    return {item for item, m in scan(store, "progress", _live_report) if m == month}


def owed_reports(store: Store, unit: str, month: str) -> list[Doc]:
    """The unit's open items with no filed report for `month` ("2026-11"), by number."""
    done = reported_items(store, month)
    official = official_name(unit)
    rows = store.all("item", lambda d: leads(official, d) and owes_report(d, month) and d.get("number") not in done)
    return sorted(rows, key=lambda d: str(d["number"]))


@dataclass(frozen=True)
class UnitReports:
    unit: str
    owing: int  # items that should report this month
    owed: tuple[Doc, ...]  # of those, the ones not yet reported

    @property
    def reported(self) -> int:
        return self.owing - len(self.owed)


def reports_by_unit(store: Store, month: str) -> list[UnitReports]:
    """Per lead unit (official order): its items due a report for `month`, and those missing."""
    done = reported_items(store, month)
    by_unit: dict[str, list[Doc]] = {}
    for doc in store.all("item", lambda d: owes_report(d, month)):
        by_unit.setdefault(official_name(str(doc.get("lead_unit") or "")), []).append(doc)
    known = [u.name for u in all_units() if u.name in by_unit]
    order = known + sorted(set(by_unit) - set(known))
    out = []
    for unit in order:
        docs = sorted(by_unit[unit], key=lambda d: str(d["number"]))
        owed = tuple(d for d in docs if d["number"] not in done)
        out.append(UnitReports(unit, len(docs), owed))
    return out


# -- one item -------------------------------------------------------------


def item_reports(store: Store, number: str, *, include: Iterable[str] = LIVE) -> list[Doc]:
    """Monthly reports on an item with the given statuses, newest month first."""
    wanted = set(include)
    rows = store.all(
        "progress",
        lambda d: d.get("status") in wanted and isinstance(d.get("data"), dict) and d["data"].get("item") == number,  # type: ignore[union-attr]
    )
    rows.sort(key=lambda d: (str(d["data"].get("month")), str(d.get("created"))), reverse=True)  # type: ignore[union-attr]
    return rows


def item_closures(store: Store, number: str) -> list[Doc]:
    """Every filed closure request on the item (sent back ones too), oldest first."""
    rows = store.all(
        "closure",
        lambda d: d.get("status") != "draft" and isinstance(d.get("data"), dict) and d["data"].get("item") == number,  # type: ignore[union-attr]
    )
    rows.sort(key=lambda d: str(d.get("created")))
    return rows


def item_journal(store: Store, number: str) -> list[Doc]:
    """What happened to the item, oldest first, from the store's journal."""
    return [row for row in store.journal(number) if row.get("kind") == "item"]


def month_of(day: date) -> str:
    return day.isoformat()[:7]


# What carries over from one month's report to the next: the unit edits rather than retypes.
CARRIED = ("status", "progress", "next_steps", "difficulties", "percent")


def report_prefill(store: Store, number: str, unit: str, today: date) -> dict[str, str]:
    """Values for a new monthly report on an item: this month, and the unit's last report's text."""
    values = {"item": number, "month": month_of(today)}
    mine = [d for d in item_reports(store, number) if same_unit(d.get("unit"), unit)]
    if mine:
        last = _data(mine[0])
        values.update({k: str(last[k]) for k in CARRIED if last.get(k) not in (None, "")})
        values["from"] = str(last.get("month") or "")  # which report the text came from
    return values
