"""The three-colour board (三色图): project colours with reasons, counts, and the per-unit table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from xietiao.ledger.colours import Assessment, Colour, ColourThresholds, assess, worst
from xietiao.model import AgreedItem, Milestone, Project
from xietiao.profile import current
from xietiao.units import all_units, official_unit_name

COLOUR_ORDER: tuple[Colour, ...] = (Colour.GREEN, Colour.YELLOW, Colour.RED)


@dataclass(frozen=True)
class Node:
    """One thing that can fall behind: an undone milestone or an open agreed item."""

    kind: str  # "milestone" or "item"
    ref: str  # the item's number, or the milestone's stage (开工, 竣工 ...)
    assessment: Assessment

    @property
    def colour(self) -> Colour:
        return self.assessment.colour


@dataclass(frozen=True)
class ProjectColour:
    project: str
    colour: Colour
    reasons: tuple[str, ...]  # the Chinese reasons of the nodes that set the colour
    nodes: tuple[Node, ...]  # every open node, worst and latest first


@dataclass(frozen=True)
class UnitRow:
    """One line of the per-unit table: the unit's agreed items and projects by colour."""

    unit: str
    items_open: int
    items: dict[Colour, int]  # open items it leads, by colour
    items_closed: int
    projects: dict[Colour, int]  # projects it is responsible for, by colour


def is_done(done: date | None, today: date) -> bool:
    return done is not None and done <= today


def thresholds() -> ColourThresholds:
    """The installed district's colour thresholds: what the board, pages and exports colour by."""
    return current().colours


def milestone_assessment(m: Milestone, today: date) -> Assessment:
    return assess(m.planned, m.done, today, thresholds=thresholds(), what=_milestone_name(m))


def item_assessment(item: AgreedItem, today: date) -> Assessment:
    return assess(item.planned, item.done, today, thresholds=thresholds(), what=f"议定事项{item.number}")


def _milestone_name(m: Milestone) -> str:
    return f"{m.node}（{m.task}）" if m.task else m.node


def open_nodes(project: Project, items: Iterable[AgreedItem], today: date) -> list[Node]:
    """Undone milestones and open agreed items of the project, worst and most overdue first."""
    nodes = [
        Node("milestone", m.node, milestone_assessment(m, today))
        for m in project.milestones
        if not is_done(m.done, today)
    ]
    nodes += [
        Node("item", i.number, item_assessment(i, today))
        for i in items
        if i.project == project.number and i.status.is_open
    ]
    nodes.sort(key=lambda n: (-n.colour.severity, -n.assessment.days_late, n.ref))
    return nodes


def project_colour(project: Project, items: Iterable[AgreedItem], today: date) -> ProjectColour:
    """The worst colour of the project's open items and undone milestones, with the reasons."""
    nodes = open_nodes(project, items, today)
    colour = worst(n.colour for n in nodes)
    reasons: tuple[str, ...]
    if colour is Colour.GREEN:
        reasons = (f"所有未完成的节点和议定事项均未超过计划节点{thresholds().yellow}个月",)
    else:
        reasons = tuple(n.assessment.reason for n in nodes if n.colour is colour)
    return ProjectColour(project.number, colour, reasons, tuple(nodes))


def official_name(name: str) -> str:
    """The unit's official name when `name` is one of its aliases or former names; else `name` unchanged."""
    return official_unit_name(name)


def colour_counts(colours: Iterable[Colour]) -> dict[Colour, int]:
    counts = dict.fromkeys(COLOUR_ORDER, 0)
    for c in colours:
        counts[c] += 1
    return counts


def unit_table(
    projects: Iterable[Project], colours: dict[str, Colour], items: Iterable[AgreedItem], today: date
) -> list[UnitRow]:
    """Per unit: open items it leads by colour, items closed, its projects by colour.

    Units come in the official order of units.py; names it does not know follow, sorted.
    """
    open_by: dict[str, list[Colour]] = {}
    closed_by: dict[str, int] = {}
    for item in items:
        lead = official_name(item.lead_unit)
        if item.status.is_open:
            open_by.setdefault(lead, []).append(item_assessment(item, today).colour)
        else:
            closed_by[lead] = closed_by.get(lead, 0) + 1
    projects_by: dict[str, list[Colour]] = {}
    for p in projects:
        projects_by.setdefault(official_name(p.unit), []).append(colours.get(p.number, Colour.GREEN))
    names = set(open_by) | set(closed_by) | set(projects_by)
    known = [u.name for u in all_units() if u.name in names]
    ordered = known + sorted(names - set(known))
    return [
        UnitRow(
            name,
            len(open_by.get(name, [])),
            colour_counts(open_by.get(name, [])),
            closed_by.get(name, 0),
            colour_counts(projects_by.get(name, [])),
        )
        for name in ordered
    ]
