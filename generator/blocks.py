"""Building blocks shared by pages: tables, the item table, the basis line, the progress timeline."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from generator.links import Links, badge, zh
from generator.markdown_safe import Md, html_text, md
from generator.views import Progress, SiteData
from xietiao.ledger.board import COLOUR_ORDER
from xietiao.ledger.colours import Colour
from xietiao.ledger.figures import ITEMS_MEANING, PROJECTS_MEANING, PUBLISHED_MEANING
from xietiao.model import AgreedItem, ItemStatus


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: list[list[Md]]

    def markdown(self, empty: str = "暂无。") -> Md:
        """A Markdown table; cells are Md already, and never hold a line break."""
        if not self.rows:
            return Md(empty)
        lines = ["| " + " | ".join(md(h) for h in self.headers) + " |", "|" + " --- |" * len(self.headers)]
        for row in self.rows:
            assert all("\n" not in c for c in row), "a table cell must stay on one line"
            lines.append("| " + " | ".join(row) + " |")
        return Md("\n".join(lines))


def iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def basis_placeholder() -> Md:
    """Where a page shows which minutes and which publish it reflects (raw HTML, not indexed).

    The text comes from the publish stamp (stamp.json, see generator/output/stamp.py), read by
    javascripts/stamp.js: a page's own bytes then change only when its content does.
    """
    return Md('<p class="xt-basis" data-xt-stamp data-search-exclude>数据依据与更新时间：见站点首页。</p>')


def figures_block(site: SiteData) -> dict[str, object]:
    """The headline counts every page states the same way (xietiao.ledger.figures), with what they count."""
    f = site.figures
    assert f is not None, "read_site_data derives the figures"
    return {
        "projects": f.projects_total,
        "project_counts": [(badge(c), f.projects[c]) for c in COLOUR_ORDER],
        "open": f.open_total,
        "open_counts": [(badge(c), f.items_open[c]) for c in COLOUR_ORDER],
        "closed": f.items_closed,
        "meaning": Md(f"统计口径：{ITEMS_MEANING}；{PROJECTS_MEANING}；{PUBLISHED_MEANING}。"),
    }


def item_state(item: AgreedItem) -> Md:
    if item.status is ItemStatus.CLOSED:
        return Md(f"已销号（{zh(item.done)}）") if item.done else Md("已销号")
    return Md(item.status.label)


Cell = Callable[[SiteData, AgreedItem, Links], Md]


def _project_cell(site: SiteData, i: AgreedItem, links: Links) -> Md:
    project = site.projects.get(i.project)
    return links.project(i.project, project.name) if project else Md("—")


ITEM_COLUMNS: dict[str, tuple[str, Cell]] = {
    "number": ("编号", lambda s, i, l: l.meeting(i.meeting, i.number)),
    "meeting": ("会议", lambda s, i, l: l.meeting(i.meeting)),
    "project": ("项目", _project_cell),
    "content": ("议定事项", lambda s, i, l: md(i.content)),
    "lead": ("牵头单位", lambda s, i, l: l.unit(i.lead_unit)),
    "co": ("配合单位", lambda s, i, l: Md("、".join(l.unit(u) for u in i.co_units)) or Md("—")),
    "person": ("责任人", lambda s, i, l: md(i.person.name) if i.person.name else Md("—")),
    "planned": ("计划节点", lambda s, i, l: zh(i.planned)),
    "state": ("状态", lambda s, i, l: item_state(i)),
    "colour": ("三色", lambda s, i, l: badge(s.assessments[i.number].colour) if i.status.is_open else Md("—")),
    "late": ("说明", lambda s, i, l: md(s.assessments[i.number].reason) if i.status.is_open else Md("—")),
}


def item_table(site: SiteData, items: Iterable[AgreedItem], links: Links, columns: tuple[str, ...]) -> Table:
    cells = [ITEM_COLUMNS[c][1] for c in columns]
    rows = [[cell(site, item, links) for cell in cells] for item in items]
    return Table(tuple(ITEM_COLUMNS[c][0] for c in columns), rows)


def open_sorted(site: SiteData, items: Iterable[AgreedItem]) -> list[AgreedItem]:
    """Open items, the worst colour first, then by planned node."""
    opened = [i for i in items if i.status.is_open]
    return sorted(opened, key=lambda i: (-site.assessments[i.number].colour.severity, i.planned, i.number))


def closed_newest_first(items: Iterable[AgreedItem]) -> list[AgreedItem]:
    return sorted((i for i in items if not i.status.is_open), key=lambda i: i.number, reverse=True)


def month_label(month: str) -> str:
    year, _, mon = month.partition("-")
    return f"{int(year)}年{int(mon)}月" if year.isdigit() and mon.isdigit() else month


def timeline(site: SiteData, items: Iterable[AgreedItem], links: Links) -> Md:
    """Monthly progress of the items, newest month first, as one raw HTML block.

    Only each item's latest report is in the site search, so that what a unit reported this month
    can be found; older ones are marked data-search-exclude: 30,000 monthly reports over five years
    would be most of the index, and the decisions are what readers search.
    """
    entries: list[tuple[str, AgreedItem, Progress]] = []
    for item in items:
        entries += [(r.month, item, r) for r in site.progress.get(item.number, [])]
    if not entries:
        return Md("尚无月度进展报告。")
    entries.sort(key=lambda e: (e[0], e[1].number), reverse=True)
    parts = ['<div class="xt-timeline">']
    month = None
    for m, item, r in entries:
        if m != month:
            close = "</ul>" if month is not None else ""
            parts.append(f'{close}<p class="xt-month" data-search-exclude>{html_text(month_label(m))}</p><ul>')
            month = m
        latest = site.progress[item.number][0] == r
        parts.append(_entry_html(links.url(f"meetings/{item.meeting}.md"), item.number, r, latest))
    parts.append("</ul></div>")
    return Md("\n".join(parts))


# Thirty thousand reports at five years: each entry is made once and kept while it is the same.
@lru_cache(maxsize=1 << 17)
def _entry_html(href: str, number: str, r: Progress, searched: bool) -> str:
    head = f'<a href="{href}">{html_text(number)}</a> {html_text(r.status)}'
    if r.percent is not None:
        head += f"（{r.percent}%）"
    lines = [head] + [
        f"{label}：{html_text(value)}"
        for label, value in (("进展", r.progress), ("下一步", r.next_steps), ("困难", r.difficulties))
        if value
    ]
    return ("<li>" if searched else "<li data-search-exclude>") + "<br>".join(lines) + "</li>"


def board_groups(site: SiteData, links: Links, counts: Mapping[Colour, int]) -> list[tuple[Md, int, Md]]:
    """The board's tiles under their colour's name, worst first: colour is never the only sign of it.

    Each tile carries the project's number and whole name (it wraps; nothing is cut off).
    """
    groups = []
    for colour in sorted(counts, key=lambda c: -c.severity):
        tiles = [
            links.html_link(
                f"{pc.project} {site.projects[pc.project].name}",
                f"projects/{pc.project}.md",
                f"xt-cell xt-{colour.value}",
            )
            for pc in sorted(site.colours.values(), key=lambda pc: pc.project)
            if pc.colour is colour
        ]
        if tiles:
            groups.append((badge(colour), len(tiles), Md("".join(tiles))))
    return groups
