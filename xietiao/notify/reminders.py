"""A reminder (what to tell whom) and the sources that find them: small functions, added to a list.

A source looks at the store on a given day and returns reminders; it never sends anything. The
same reminder found twice on one day has the same key, which is what the outbox de-duplicates on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from xietiao.cycle.workdays import WorkCalendar
from xietiao.notify.settings import NotifySettings
from xietiao.store.engine import Store


class Audience(str, Enum):
    UNIT = "unit"  # the accounts and the robot of one unit
    BUREAU = "bureau"  # the bureau's accounts and robot
    LEADER = "leader"  # the leaders' accounts and the government's robot


@dataclass(frozen=True)
class Reminder:
    key: str  # stable for the same thing on the same day: "reports:区财政局:2026-11"
    kind: str  # which source: reports, closures, cycle, approvals, materials, returned, ...
    audience: Audience
    unit: str  # for Audience.UNIT the unit's official name; "" otherwise
    title: str  # one line
    lines: tuple[str, ...]  # plain text; may hold user text, which each channel escapes
    link: str = "/app/"  # a path of the office pages; the app's address is put in front

    def describe(self) -> str:
        return self.unit or {"bureau": "区发展改革局", "leader": "区领导"}.get(self.audience.value, "")


@dataclass(frozen=True)
class SourceContext:
    store: Store
    today: date
    calendar: WorkCalendar
    settings: NotifySettings


Source = Callable[[SourceContext], list[Reminder]]


@dataclass(frozen=True)
class Collected:
    reminders: list[Reminder]
    failures: list[str]  # "source: why" for each source that raised


def collect(ctx: SourceContext, sources: Iterable[Source]) -> Collected:
    """Every source's reminders; a source that fails is reported and the others still run."""
    found: list[Reminder] = []
    failures: list[str] = []
    for source in sources:
        try:
            found += source(ctx)
        except Exception as exc:  # one broken source must not silence the rest
            failures.append(f"{getattr(source, '__name__', source)}: {type(exc).__name__}: {exc}")
    return Collected(found, failures)


def item_list(numbers: Iterable[str], limit: int = 20) -> str:
    """ "2026-05-01、2026-05-02 等 N 项": short enough for any chat message."""
    shown = list(numbers)
    head = "、".join(shown[:limit])
    return head + (f" 等{len(shown)}项" if len(shown) > limit else "")
