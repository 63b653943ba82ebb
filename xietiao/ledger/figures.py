"""The ledger's headline figures, counted one way everywhere: open items, closed items, projects by colour.

The app's ledger, the bulletin, the site's home page, ledger and board all ask the same two
questions: how many agreed items are still open (by colour) and how the projects stand (by
colour). `count_figures` is the only counting; `ledger_figures` applies it to everything the
bureau keeps and to what the site publishes, so each figure can say which of the two it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from xietiao.jsonvalue import Doc
from xietiao.ledger.board import COLOUR_ORDER, item_assessment, project_colour
from xietiao.ledger.colours import Colour
from xietiao.ledger.view import scan
from xietiao.model import AgreedItem, Project, SubmissionStatus, item_of, project_of
from xietiao.publication import published
from xietiao.store.engine import Store

ITEMS_MEANING = "议定事项按条计，“未销号”含已申请销号尚未确认的；已销号的不计颜色"
PROJECTS_MEANING = "项目按已受理的登记计，颜色取其未完成节点和未销号事项中最差的一项"
PUBLISHED_MEANING = "只计内网站点公开的：不公开（仅内部）或尚未受理的项目及其议定事项不计入"


@dataclass(frozen=True)
class Figures:
    items_open: dict[Colour, int]  # open agreed items by colour
    items_closed: int
    projects: dict[Colour, int]  # accepted projects by colour

    @property
    def open_total(self) -> int:
        return sum(self.items_open.values())

    @property
    def projects_total(self) -> int:
        return sum(self.projects.values())

    @property
    def items_total(self) -> int:
        return self.open_total + self.items_closed


def _tally(project_colours: Iterable[Colour], open_colours: Iterable[Colour], closed: int) -> Figures:
    projects = dict.fromkeys(COLOUR_ORDER, 0)
    for c in project_colours:
        projects[c] += 1
    items = dict.fromkeys(COLOUR_ORDER, 0)
    for c in open_colours:
        items[c] += 1
    return Figures(items, closed, projects)


def _by_project(items: Iterable[AgreedItem]) -> dict[str, list[AgreedItem]]:
    out: dict[str, list[AgreedItem]] = {}
    for i in items:
        out.setdefault(i.project, []).append(i)
    return out


def count_figures(projects: Iterable[Project], items: Iterable[AgreedItem], today: date) -> Figures:
    """Open items by colour, closed items, and the projects by colour, as of `today`."""
    items = list(items)
    by_project = _by_project(items)
    return _tally(
        (project_colour(p, by_project.get(p.number, []), today).colour for p in projects),
        (item_assessment(i, today).colour for i in items if i.status.is_open),
        sum(1 for i in items if not i.status.is_open),
    )


@dataclass(frozen=True)
class LedgerFigures:
    """The same figures for everything on the ledger and for what the site shows."""

    internal: Figures  # every accepted project and every registered item
    published: Figures  # only what the intranet site shows

    @property
    def withheld_open(self) -> int:
        return self.internal.open_total - self.published.open_total

    @property
    def withheld_projects(self) -> int:
        return self.internal.projects_total - self.published.projects_total


def _accepted(doc: Doc) -> tuple[str, Project] | None:
    if doc.get("status") != SubmissionStatus.ACCEPTED.value:
        return None
    return str(doc.get("number") or ""), project_of(doc)


def ledger_figures(store: Store, today: date) -> LedgerFigures:
    """count_figures over everything and over what the site shows; each colour is worked out once."""
    shown = published(store)
    projects = scan(store, "project", _accepted)
    items = scan(store, "item", item_of)
    colour = {i.number: item_assessment(i, today).colour for i in items if i.status.is_open}
    everything, public = _by_project(items), _by_project(i for i in items if i.number in shown.items)
    project_colours = {n: project_colour(p, everything.get(n, []), today).colour for n, p in projects}
    public_colours = [
        project_colours[n]
        if public.get(n, []) == everything.get(n, [])
        else project_colour(p, public.get(n, []), today).colour
        for n, p in projects
        if n in shown.projects
    ]
    return LedgerFigures(
        internal=_tally(project_colours.values(), colour.values(), sum(1 for i in items if not i.status.is_open)),
        published=_tally(
            public_colours,
            (c for n, c in colour.items() if n in shown.items),
            sum(1 for i in items if not i.status.is_open and i.number in shown.items),
        ),
    )
