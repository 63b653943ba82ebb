"""The demo generators' shared context: randomness, today, the calendar, numbering, and the delays items run into."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from xietiao.cycle.workdays import WorkCalendar
from xietiao.demo import names as words
from xietiao.demo.records import DAY, iso, username_of
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.ledger.colours import Colour
from xietiao.model import record_number
from xietiao.store.engine import Store

BUREAU_USER = "fgj"
# How late (days past the planned node) units finish, by the colour their project must show
# today: the share of items that stay stuck for months, and the usual range otherwise.
_DELAYS = {Colour.GREEN: (0.0, (-40, 45)), Colour.YELLOW: (0.35, (-30, 60)), Colour.RED: (0.5, (-20, 60))}
_STUCK_DELAY = (120, 300)
_OFFSETS = (15, 30, 30, 45, 60, 60, 90, 90, 120, 120, 150, 180)
Template = tuple[str, str, tuple[str, ...], str]


@dataclass
class Context:
    """What every generator needs: randomness, today, the calendar and the numbering series."""

    rng: random.Random
    today: date
    cal: WorkCalendar
    store: Store
    evidence: list[JSONValue] = field(default_factory=list)
    contacts: dict[str, dict[str, JSONValue]] = field(default_factory=dict)
    workdays: dict[date, bool] = field(default_factory=dict)

    def number(self, prefix: str, year: int) -> str:
        return record_number(prefix, year, self.store.next_number(f"{prefix}-{year}"))

    def meeting_number(self, day: date) -> str:
        return f"{day.year}-{self.store.next_number(f'meeting-{day.year}'):02d}"

    def contact(self, unit: str) -> dict[str, JSONValue]:
        # One named person per unit, so the same unit always sends the same person.
        if unit not in self.contacts:
            self.contacts[unit] = words.person(self.rng)
        return dict[str, JSONValue](self.contacts[unit])

    def is_workday(self, day: date) -> bool:
        # Remembered: chinesecalendar scans its whole table on every question.
        known = self.workdays.get(day)
        if known is None:
            known = self.workdays[day] = self.cal.is_workday(day)
        return known

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day after `day` (before it when n is negative)."""
        step = DAY if n > 0 else -DAY
        for _ in range(abs(n)):
            day += step
            while not self.is_workday(day):
                day += step
        return day

    def form(
        self,
        form: str,
        unit: str,
        data: Doc,
        created: str,
        *,
        status: str = "accepted",
        decided: date | None = None,
        reason: str = "",
        confidential: bool = False,
    ) -> Doc:
        """A form record as the form server leaves it: its versions, then the bureau's decision."""
        author = username_of(unit)
        versions: list[JSONValue] = [
            {
                "version": 1,
                "status": "draft" if status == "draft" else "submitted",
                "data": dict(data),
                "at": created,
                "by": author,
                "note": "",
            }
        ]
        decided = decided or self.add_workdays(date.fromisoformat(created[:10]), 1)
        if status in ("accepted", "returned") and decided > self.today:
            status, reason = "submitted", ""  # the bureau has not got to it yet
        updated = created
        if status in ("accepted", "returned"):
            updated = iso(decided, 18, self.rng.randrange(60))  # after anything filed that day
            versions.append(
                {"version": 2, "status": status, "data": None, "at": updated, "by": BUREAU_USER, "note": reason}
            )
        return {
            "number": "",
            "form": form,
            "unit": unit,
            "author": author,
            "status": status,
            "data": data,
            "versions": versions,
            "confidential": confidential,
            "return_reason": reason,
            "created": created,
            "updated": updated,
        }
