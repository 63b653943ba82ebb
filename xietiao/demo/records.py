"""What the demo generators share: record types for projects and items, days, and small helpers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from xietiao.jsonvalue import Doc
from xietiao.ledger.colours import Colour
from xietiao.units import unit_by_name

DAY = timedelta(days=1)


def iso(day: date, hour: int, minute: int = 0) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute % 60:02d}:00+08:00"


def between(rng: random.Random, lo: date, hi: date) -> date:
    return lo + DAY * rng.randint(0, max(0, (hi - lo).days))


def username_of(unit: str) -> str:
    """The demo account of a unit is named by its code (czj for 区财政局)."""
    found = unit_by_name(unit)
    assert found is not None, f"demo uses an unknown unit: {unit}"
    return found.code


@dataclass
class DemoProject:
    number: str
    doc: Doc
    registered: date
    health: Colour  # the colour it must show today
    milestones: list[tuple[date, date | None]]  # (planned, done)
    lead: str
    town: str
    accepted: bool
    confidential: bool

    @property
    def finished(self) -> date | None:
        return self.milestones[-1][1]


@dataclass
class DemoItem:
    doc: Doc
    kind: str
    project: DemoProject
    registered: date
    planned: date
    finished: date | None  # when the lead unit says it was solved
    requested: date | None  # closure request filed
    closed: date | None  # the bureau confirmed it (销号)

    @property
    def done(self) -> date | None:
        """What the item record says: the ledger sets `done` only when the item is closed."""
        return self.finished if self.closed else None


# Distinctive on purpose: it appears only in confidential projects and materials and in
# materials' internal notes, so a test can grep the built site for it.


@dataclass(frozen=True)
class Scale:
    projects: int
    meetings: int
    items: int
    before: float  # share of projects registered before the first meeting


SCALES = {"demo": Scale(60, 20, 150, 0.75), "1y": Scale(200, 50, 1300, 0.5), "5y": Scale(1000, 250, 6500, 0.2)}
