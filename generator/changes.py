"""What changed since the last meeting, for the home page: closures, colours that worsened, reports, supervision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generator.blocks import Table, iso_date, item_table, month_label
from generator.links import Links, badge, zh
from generator.markdown_safe import Md, md
from generator.views import SiteData
from xietiao.ledger.board import item_assessment
from xietiao.model import AgreedItem

ROWS = 20  # rows shown of each list; the total is always said


@dataclass(frozen=True)
class Changes:
    since: Md  # the day of the last meeting, as pages show it
    meeting: Md  # a link to it
    closed: Table
    closed_total: int
    worse: Table
    worse_total: int
    reports: Table
    reports_total: int
    supervisions: Table
    supervisions_total: int

    @property
    def nothing(self) -> bool:
        return not (self.closed_total or self.worse_total or self.reports_total or self.supervisions_total)


def since_last_meeting(site: SiteData, links: Links) -> Changes | None:
    """Everything the site shows that happened on or after the day of the latest approved meeting."""
    m = site.latest
    if m is None:
        return None
    since = m.date
    closed = sorted(
        (i for i in site.items.values() if not i.status.is_open and i.done and i.done >= since),
        key=lambda i: (i.done, i.number),
        reverse=True,
    )
    # Open items whose colour is worse today than on the day of the meeting.
    worse = sorted(
        (
            i
            for i in site.items.values()
            if i.status.is_open
            and site.assessments[i.number].colour.severity > item_assessment(i, since).colour.severity
        ),
        key=lambda i: (-site.assessments[i.number].colour.severity, i.planned, i.number),
    )
    day = since.isoformat()
    reports = sorted(
        ((r, site.items[item]) for item, rows in site.progress.items() for r in rows if r.filed >= day),
        key=lambda pair: (pair[0].filed, pair[1].number, pair[0].month),
        reverse=True,
    )
    report_rows = [
        [
            zh(iso_date(r.filed)),
            links.meeting(i.meeting, i.number),
            _project(site, i.project, links),
            md(month_label(r.month)),
            md(r.status or "—"),
        ]
        for r, i in reports[:ROWS]
    ]
    supervisions = [s for s in site.supervisions if s.day and s.day >= since]
    supervision_rows = [
        [zh(s.day), md(s.kind), links.unit(s.unit), Md("、".join(md(n) for n in s.items) or "—"), md(s.note or "—")]
        for s in supervisions[:ROWS]
    ]
    cols = ("number", "project", "content", "lead", "planned", "state")
    return Changes(
        since=zh(since),
        meeting=links.meeting(m.number, m.title or m.number),
        closed=item_table(site, closed[:ROWS], links, cols),
        closed_total=len(closed),
        worse=_worse_table(site, worse[:ROWS], links, since),
        worse_total=len(worse),
        reports=Table(("报送日期", "议定事项", "项目", "月份", "进展情况"), report_rows),
        reports_total=len(reports),
        supervisions=Table(("日期", "方式", "单位", "涉及事项", "说明"), supervision_rows),
        supervisions_total=len(supervisions),
    )


def _project(site: SiteData, number: str, links: Links) -> Md:
    project = site.projects.get(number)
    return links.project(number, project.name) if project else Md("—")


def _worse_table(site: SiteData, items: list[AgreedItem], links: Links, since: date) -> Table:
    rows = [
        [
            links.meeting(i.meeting, i.number),
            _project(site, i.project, links),
            md(i.content),
            links.unit(i.lead_unit),
            badge(item_assessment(i, since).colour),
            badge(site.assessments[i.number].colour),
        ]
        for i in items
    ]
    return Table(("编号", "项目", "议定事项", "牵头单位", "例会时", "现在"), rows)
