"""The site's typed views of the records it shows (what sitedata.py reads from the store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from xietiao.ledger.board import ProjectColour
from xietiao.ledger.colours import Assessment, Colour
from xietiao.model import AgreedItem, IssueState, Meeting, Project


@dataclass(frozen=True)
class Issue:
    number: str
    project: str
    kind: str
    problem: str
    ask: str
    urgency: str
    state: IssueState
    meeting: str


@dataclass(frozen=True)
class Progress:
    item: str
    month: str  # 2026-11
    status: str
    progress: str
    next_steps: str
    difficulties: str
    percent: int | None


@dataclass(frozen=True)
class MaterialSummary:
    number: str
    overview: str
    progress: str
    problems: str
    asks: str


@dataclass(frozen=True)
class Supervision:
    number: str
    kind: str
    unit: str
    items: tuple[str, ...]
    day: date | None
    note: str
    must_explain: bool
    explain_at: str


@dataclass(frozen=True)
class Discussion:
    issue: str
    project: str
    text: str


@dataclass(frozen=True)
class TrendPoint:
    day: date
    counts: dict[Colour, int]


@dataclass
class SiteData:
    today: date
    projects: dict[str, Project] = field(default_factory=dict)
    colours: dict[str, ProjectColour] = field(default_factory=dict)
    meetings: list[Meeting] = field(default_factory=list)  # approved minutes, newest first
    items: dict[str, AgreedItem] = field(default_factory=dict)
    issues: dict[str, Issue] = field(default_factory=dict)
    progress: dict[str, list[Progress]] = field(default_factory=dict)  # by item number
    materials: dict[str, MaterialSummary] = field(default_factory=dict)  # latest, by project
    supervisions: list[Supervision] = field(default_factory=list)
    discussions: dict[str, list[Discussion]] = field(default_factory=dict)  # by meeting
    secret_names: tuple[str, ...] = ()  # names of the accepted internal projects, blanked in every text shown
    trend: list[TrendPoint] = field(default_factory=list)
    # Derived once, so that a page never scans every record.
    assessments: dict[str, Assessment] = field(default_factory=dict)  # by item number
    by_project: dict[str, list[AgreedItem]] = field(default_factory=dict)
    by_meeting: dict[str, list[AgreedItem]] = field(default_factory=dict)
    by_unit: dict[str, list[AgreedItem]] = field(default_factory=dict)  # by official lead unit name
    issues_by_project: dict[str, list[Issue]] = field(default_factory=dict)
    shown_meetings: set[str] = field(default_factory=set)

    @property
    def latest(self) -> Meeting | None:
        return self.meetings[0] if self.meetings else None
