"""Which pages the site has, and each page made again only when what it read of the data has changed."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass

from generator.incremental.tracking import Memo
from generator.pages import (
    Page,
    board_page,
    home_page,
    ledger_page,
    meeting_page,
    meetings_index,
    project_page,
    projects_index,
    unit_archive_page,
    unit_archive_years,
    unit_page,
    units_index,
)
from generator.render import Renderer
from generator.views import SiteData
from xietiao.profile import Profile, current
from xietiao.units import all_units


@dataclass(frozen=True)
class PageSpec:
    """A page of the site: its path in the docs folder and how it is made from the data."""

    path: str
    make: Callable[..., Page]  # (site, *args) -> Page
    args: tuple[Hashable, ...] = ()

    def key(self) -> tuple[str, tuple[Hashable, ...]]:
        return (self.make.__qualname__, self.args)


def page_specs(site: SiteData) -> list[PageSpec]:
    specs = [PageSpec("index.md", home_page), PageSpec("projects/index.md", projects_index)]
    specs += [PageSpec(f"projects/{n}.md", project_page, (n,)) for n in sorted(site.projects)]
    specs.append(PageSpec("meetings/index.md", meetings_index))
    specs += [PageSpec(f"meetings/{m.number}.md", meeting_page, (m,)) for m in site.meetings]
    specs += [PageSpec("ledger.md", ledger_page), PageSpec("units/index.md", units_index)]
    for unit in all_units():
        specs.append(PageSpec(f"units/{unit.code}.md", unit_page, (unit.name,)))
        for year in unit_archive_years(site, unit.name):
            specs.append(PageSpec(f"units/{unit.code}-{year}.md", unit_archive_page, (unit.name, year)))
    specs.append(PageSpec("board.md", board_page))
    return specs


def site_pages(site: SiteData) -> Iterator[Page]:
    """Every page, made afresh."""
    for spec in page_specs(site):
        yield spec.make(site, *spec.args)


class PageCache:
    """Each page's Markdown and what it read, kept from one publish to the next (in the server).

    A page whose reads all give equal values again is not made again: its Markdown would be the
    same, byte for byte, since a page is a function of what it reads (incremental/tracking.py).
    """

    def __init__(self) -> None:
        self._memo = Memo()
        self._profile: Profile | None = None
        self._renderer: Renderer | None = None  # its templates compiled once (0.15 s of each publish otherwise)

    @property
    def made(self) -> int:
        return self._memo.made

    @property
    def reused(self) -> int:
        return self._memo.reused

    def markdown(self, site: SiteData) -> dict[str, str]:
        """Every page's Markdown by path, in the order of page_specs."""
        # Pages also read the district profile (unit names, colour thresholds), which an administrator
        # may change while the server runs: none of the pages made under another profile is kept.
        if self._profile is not current() or self._renderer is None:
            self._memo.clear()
            self._profile = current()
            self._renderer = Renderer()  # its environment holds the profile
        renderer = self._renderer
        self._memo.start(site)
        out: dict[str, str] = {}
        for spec in page_specs(site):

            def make(tracked: SiteData, spec: PageSpec = spec) -> str:
                return renderer.render(spec.make(tracked, *spec.args))

            out[spec.path] = self._memo.get(spec.path, spec.key(), make)
        self._memo.finish()
        return out
