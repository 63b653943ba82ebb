"""The site's pages as (path, template, context): what each page says, computed from SiteData."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from generator.blocks import (
    Table,
    basis_placeholder,
    board_groups,
    closed_newest_first,
    figures_block,
    iso_date,
    item_table,
    month_label,
    open_sorted,
    timeline,
)
from generator.changes import since_last_meeting
from generator.links import Links, amount, badge, key_for, keyed, zh
from generator.markdown_safe import Md, md, md_heading
from generator.svg import trend_chart
from generator.views import SiteData
from xietiao.ledger.board import COLOUR_ORDER, colour_counts, milestone_assessment, official_name, unit_table
from xietiao.ledger.colours import Colour
from xietiao.model import AgreedItem, Meeting
from xietiao.units import all_units, unit_by_name

DUE_DAYS = 30
HOME_ROWS = 50
# The ledger and unit pages list items closed within a year; older ones go to one page per unit
# and year, so that no page grows with the length of the district's history.
LEDGER_CLOSED_DAYS = 365
UNIT_ITEM_COLUMNS = ("number", "project", "content", "planned", "state", "colour")  # items grouped by unit


# Where each page says what data it reflects: filled in the browser from the publish stamp
# (stamp.json), so that a publish changes no page whose own content stayed the same.
COMMON: dict[str, object] = {"basis": basis_placeholder()}


@dataclass(frozen=True)
class Page:
    path: str  # in the docs folder, e.g. projects/P-2026-0001.md
    template: str
    context: dict[str, object]


def home_page(site: SiteData) -> Page:
    links, today = Links("index.md"), site.today
    opened = [i for i in site.items.values() if i.status.is_open]
    due = sorted(
        (i for i in opened if today <= i.planned <= today + timedelta(days=DUE_DAYS)),
        key=lambda i: (i.planned, i.number),
    )
    late = sorted(
        (i for i in opened if i.planned < today and not (i.done and i.done <= today)),
        key=lambda i: (i.planned, i.number),
    )
    cols = ("number", "project", "content", "lead", "planned", "state", "colour")
    latest = site.latest
    return Page(
        "index.md",
        "home.md.j2",
        COMMON
        | {
            "latest": latest and meeting_summary(site, latest, links),
            "fig": figures_block(site),
            "due_days": DUE_DAYS,
            "due_total": len(due),
            "late_total": len(late),
            "shown": HOME_ROWS,
            "due": item_table(site, due[:HOME_ROWS], links, cols),
            "late": item_table(site, late[:HOME_ROWS], links, cols),
            "changes": since_last_meeting(site, links),
        },
    )


def meeting_summary(site: SiteData, m: Meeting, links: Links) -> dict[str, object]:
    items = site.by_meeting.get(m.number, [])
    return {
        "link": links.meeting(m.number, m.title or m.number),
        "date": zh(m.date),
        "doc_number": md(m.doc_number) if m.doc_number else Md("—"),
        "item_count": len(items),
        "open_count": sum(1 for i in items if i.status.is_open),
    }


def projects_index(site: SiteData) -> Page:
    links = Links("projects/index.md")
    rows = []
    for number in sorted(site.projects):
        p, pc = site.projects[number], site.colours[number]
        rows.append(
            [
                links.project(number),
                links.project(number, p.name),
                badge(pc.colour),
                keyed(key_for(p.category), md(p.category or "—")),
                keyed(key_for(official_name(p.unit)), links.unit(p.unit)),
                keyed(key_for(p.town), md(p.town or "—")),
                md(amount(p.investment) if p.investment else "—"),
            ]
        )
    table = Table(("编号", "项目名称", "三色", "类别", "责任单位", "镇街", "总投资（万元）"), rows)
    return Page("projects/index.md", "projects_index.md.j2", COMMON | {"table": table, "fig": figures_block(site)})


def project_page(site: SiteData, number: str) -> Page:
    path = f"projects/{number}.md"
    links, today = Links(path), site.today
    p, pc = site.projects[number], site.colours[number]
    items = site.by_project.get(number, [])
    milestones = []
    for m in p.milestones:
        a = milestone_assessment(m, today)
        milestones.append([md(m.node), md(m.task), zh(m.planned), zh(m.done), badge(a.colour), md(a.reason)])
    issues = [
        [
            md(q.number),
            md(q.kind),
            md(q.urgency),
            md(q.problem),
            md(q.ask),
            Md(q.state.label),
            links.meeting(q.meeting) if q.meeting in site.shown_meetings else Md("—"),
        ]
        for q in site.issues_by_project.get(number, [])
    ]
    return Page(
        path,
        "project.md.j2",
        COMMON
        | {
            "name": md_heading(p.name),
            "number": number,
            "colour": badge(pc.colour),
            "reasons": [md(r) for r in pc.reasons],
            "category": links.filter(p.category, "cat"),
            "town": links.filter(p.town, "town"),
            "unit": links.unit(p.unit),
            "owner": md(p.owner or "—"),
            "investment": md(f"{amount(p.investment)} 万元" if p.investment else "—"),
            "plans": md("、".join(p.plans) or "—"),
            "overview": p.overview,
            "milestones": Table(("阶段", "工作任务", "计划日期", "完成日期", "三色", "说明"), milestones),
            "issues": Table(("编号", "类型", "紧急程度", "问题", "请求协调", "清单状态", "上会"), issues),
            "items": item_table(
                site, items, links, ("number", "content", "lead", "co", "person", "planned", "state", "colour")
            ),
            "timeline": timeline(site, items, links),
            "persons": Table(("姓名", "分工"), [[md(x.name), md(x.role or "—")] for x in p.persons]),
            "material": site.materials.get(number),
        },
    )


def meetings_index(site: SiteData) -> Page:
    links = Links("meetings/index.md")
    rows = []
    for m in site.meetings:
        s = meeting_summary(site, m, links)
        rows.append([s["link"], s["date"], s["doc_number"], Md(str(s["item_count"])), Md(str(s["open_count"]))])
    table = Table(("会议", "召开日期", "纪要文号", "议定事项", "未销号"), rows)  # type: ignore[arg-type]
    return Page("meetings/index.md", "meetings_index.md.j2", COMMON | {"table": table})


def meeting_page(site: SiteData, m: Meeting) -> Page:
    path = f"meetings/{m.number}.md"
    links = Links(path)
    projects = [links.project(n, site.projects[n].name) for n in m.projects if n in site.projects]
    issues = [
        [md(q.number), links.project(q.project, site.projects[q.project].name), md(q.problem), md(q.ask)]
        for q in (site.issues[n] for n in m.issues if n in site.issues)
    ]
    talks = [
        (
            md(d.issue) if d.issue else None,
            links.project(d.project, site.projects[d.project].name) if d.project else None,
            d.text,
        )
        for d in site.discussions.get(m.number, [])
    ]
    items = site.by_meeting.get(m.number, [])
    return Page(
        path,
        "meeting.md.j2",
        COMMON
        | {
            "title": md_heading(m.title or m.number),
            "date": zh(m.date),
            "place": md(m.place or "—"),
            "doc_number": md(m.doc_number or "—"),
            "approved": zh(iso_date(m.approved)),
            "status": Md(m.status.label),
            "projects": projects,
            "attendance": [links.unit(u) for u in m.attendance],
            "issues": Table(("议题", "项目", "问题", "请求协调"), issues),
            "minutes": m.minutes,
            "summary": Md(f"本次例会上会项目 {len(projects)} 个，议定事项 {len(items)} 项（均见下文）。"),  # as shown
            "talks": talks,
            "items": item_table(
                site, items, links, ("number", "project", "content", "lead", "co", "planned", "state", "colour")
            ),
        },
    )


def ledger_page(site: SiteData) -> Page:
    links = Links("ledger.md")
    cols = UNIT_ITEM_COLUMNS
    groups = []
    for name in _unit_order(site.by_unit):
        recent, older = closed_split(site, site.by_unit[name])
        groups.append(
            {
                "unit": links.unit(name),
                "older": sum(len(v) for v in older.values()),
                "page": links.unit_page(name),
                "open": item_table(site, open_sorted(site, site.by_unit[name]), links, cols),
                "closed": item_table(site, recent, links, cols),
            }
        )
    context = {"groups": groups, "fig": figures_block(site), "closed_days": LEDGER_CLOSED_DAYS}
    return Page("ledger.md", "ledger.md.j2", COMMON | context)


def closed_split(site: SiteData, items: list[AgreedItem]) -> tuple[list[AgreedItem], dict[int, list[AgreedItem]]]:
    """Closed items: those closed within LEDGER_CLOSED_DAYS, and the older ones by year, newest first."""
    since = site.today - timedelta(days=LEDGER_CLOSED_DAYS)
    recent: list[AgreedItem] = []
    older: dict[int, list[AgreedItem]] = {}
    for i in closed_newest_first(items):
        if i.done is None or i.done >= since:
            recent.append(i)
        else:
            older.setdefault(i.done.year, []).append(i)
    return recent, dict(sorted(older.items(), reverse=True))


def _unit_order(names: Mapping[str, object]) -> list[str]:
    known = [u.name for u in all_units() if u.name in names]
    return known + sorted(set(names) - set(known))


def units_index(site: SiteData) -> Page:
    table = unit_overview(site, Links("units/index.md"))
    return Page("units/index.md", "units_index.md.j2", COMMON | {"table": table})


def unit_overview(site: SiteData, links: Links) -> Table:
    """Per unit: open items by colour, closed items, projects by colour, explanations owed."""
    colours = {n: pc.colour for n, pc in site.colours.items()}
    explain: dict[str, int] = {}
    for s in site.supervisions:
        if s.must_explain:
            explain[official_name(s.unit)] = explain.get(official_name(s.unit), 0) + 1
    rows = [
        [
            links.unit(row.unit),
            Md(str(row.items_open)),
            *[Md(str(row.items[c])) for c in COLOUR_ORDER],
            Md(str(row.items_closed)),
            Md("/".join(str(row.projects[c]) for c in COLOUR_ORDER)),
            Md(str(explain.get(row.unit, 0))),
        ]
        for row in unit_table(site.projects.values(), colours, site.items.values(), site.today)
    ]
    return Table(
        ("责任单位", "未销号事项", "正常", "滞后", "严重滞后", "已销号", "项目（正常/滞后/严重滞后）", "需说明"), rows
    )


def unit_archive_years(site: SiteData, name: str) -> list[int]:
    """The years for which the unit has a page of items it closed before the last year."""
    return list(closed_split(site, site.by_unit.get(name, []))[1])


def unit_archive_page(site: SiteData, name: str, year: int) -> Page:
    """The items the unit closed in `year` (a year before the last one)."""
    unit = unit_by_name(name)
    assert unit is not None
    items = closed_split(site, site.by_unit.get(name, []))[1].get(year, [])
    path = f"units/{unit.code}-{year}.md"
    links = Links(path)
    return Page(
        path,
        "unit_closed.md.j2",
        COMMON
        | {
            "name": md_heading(name),
            "year": year,
            "back": links.unit(name),
            "closed": item_table(site, items, links, UNIT_ITEM_COLUMNS),
        },
    )


def unit_page(site: SiteData, name: str) -> Page:
    unit = unit_by_name(name)
    assert unit is not None
    path = f"units/{unit.code}.md"
    links = Links(path)
    items = site.by_unit.get(name, [])
    recent, older = closed_split(site, items)
    opened = open_sorted(site, items)
    late = [i for i in opened if site.assessments[i.number].colour is not Colour.GREEN]
    explain = [
        [
            md(s.kind),
            zh(s.day),
            Md("、".join(md(i) for i in s.items) or "—"),
            md(s.note or "—"),
            links.meeting(s.explain_at) if s.explain_at in site.shown_meetings else md(s.explain_at or "—"),
        ]
        for s in site.supervisions
        if s.must_explain and official_name(s.unit) == name
    ]
    projects = [
        [links.project(n), links.project(n, p.name), badge(site.colours[n].colour)]
        for n, p in sorted(site.projects.items())
        if official_name(p.unit) == name
    ]
    cols = UNIT_ITEM_COLUMNS
    return Page(
        path,
        "unit.md.j2",
        COMMON
        | {
            "name": md_heading(name),
            "kind": Md(unit.kind.label),
            "late": item_table(site, late, links, (*cols, "late")),
            "open": item_table(site, opened, links, cols),
            "closed": item_table(site, recent, links, cols),
            "closed_days": LEDGER_CLOSED_DAYS,
            "archives": Md(
                "、".join(
                    links.to(Md(f"{year}年（{len(v)} 项）"), f"units/{unit.code}-{year}.md")
                    for year, v in older.items()
                )
            ),
            "explain": Table(("方式", "日期", "涉及事项", "说明", "在哪次例会说明"), explain),
            "projects": Table(("编号", "项目名称", "三色"), projects),
        },
    )


def board_page(site: SiteData) -> Page:
    links = Links("board.md")
    counts = colour_counts(pc.colour for pc in site.colours.values())
    groups = board_groups(site, links, counts)
    trend_rows = [
        [Md(month_label(p.day.isoformat()[:7])), *[Md(str(p.counts[c])) for c in COLOUR_ORDER]]
        for p in reversed(site.trend[-12:])
    ]
    return Page(
        "board.md",
        "board.md.j2",
        COMMON
        | {
            "fig": figures_block(site),
            "groups": groups,
            "units": unit_overview(site, links),
            "chart": trend_chart(site.trend),
            "trend": Table(("月份", "正常", "滞后", "严重滞后"), trend_rows),
        },
    )
