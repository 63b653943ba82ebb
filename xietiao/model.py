"""Domain records: typed views over the documents the store keeps.

Every record has our own stable `number`; TinyDB's doc_id is never used outside
the store. Documents are plain JSON; these dataclasses are the typed reading of
them that the rules, the server pages and the generator share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from xietiao.jsonvalue import Doc, JSONValue
from xietiao.profile import current


class Role(str, Enum):
    UNIT = "unit"
    BUREAU = "bureau"
    LEADER = "leader"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        profile = current()
        names = {
            "unit": "责任单位",
            "bureau": profile.bureau.name,
            "leader": profile.leaders_label,
            "admin": "系统管理员",
        }
        return names[self.value]


class SubmissionStatus(str, Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return {"draft": "草稿", "submitted": "已提交", "returned": "已退回", "accepted": "已受理"}[self.value]


class IssueState(str, Enum):
    """Where an issue stands on the pending-coordination list (待协调重大项目问题清单)."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    MERGED = "merged"
    CARRIED = "carried"
    CITY = "city"
    SCHEDULED = "scheduled"
    DISCUSSED = "discussed"

    @property
    def label(self) -> str:
        return {
            "proposed": "待审核",
            "accepted": "已纳入清单",
            "returned": "已退回",
            "merged": "已合并",
            "carried": "顺延下次",
            "city": "报市级协调",
            "scheduled": "已列入方案",
            "discussed": "已上会",
        }[self.value]


class ItemStatus(str, Enum):
    REGISTERED = "registered"
    IN_PROGRESS = "in_progress"
    CLOSURE_REQUESTED = "closure_requested"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"registered": "已挂号", "in_progress": "推进中", "closure_requested": "申请销号", "closed": "已销号"}[
            self.value
        ]

    @property
    def is_open(self) -> bool:
        return self is not ItemStatus.CLOSED


class MeetingStatus(str, Enum):
    PLANNED = "planned"
    CALL_OPEN = "call_open"
    PLAN_PROPOSED = "plan_proposed"
    PLAN_APPROVED = "plan_approved"
    HELD = "held"
    MINUTES_DRAFTED = "minutes_drafted"
    MINUTES_APPROVED = "minutes_approved"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {
            "planned": "已计划",
            "call_open": "议题征集中",
            "plan_proposed": "方案待审定",
            "plan_approved": "方案已审定",
            "held": "已召开",
            "minutes_drafted": "纪要待审定",
            "minutes_approved": "纪要已审定",
            "published": "已发布",
        }[self.value]


@dataclass(frozen=True)
class Milestone:
    node: str  # 前期工作 / 开工 / 竣工 / 投产运营 / 其他
    task: str
    planned: date
    done: date | None


@dataclass(frozen=True)
class Person:
    name: str
    phone: str
    role: str = ""


@dataclass(frozen=True)
class Project:
    number: str
    name: str
    unit: str  # the registering (responsible) unit's name
    category: str
    town: str
    owner: str
    overview: str
    investment: str  # 万元, decimal as text
    plans: tuple[str, ...]
    milestones: tuple[Milestone, ...]
    persons: tuple[Person, ...]
    confidential: bool
    status: SubmissionStatus


@dataclass(frozen=True)
class AgreedItem:
    number: str  # 2026-12-03: year, meeting, order
    meeting: str  # 2026-12
    project: str  # P-2026-0001
    issue: str  # Q-2026-0001 or ""
    content: str
    lead_unit: str
    co_units: tuple[str, ...]
    person: Person
    planned: date
    status: ItemStatus
    done: date | None
    closed_reason: str = ""
    reopened_from: str = ""


@dataclass(frozen=True)
class Meeting:
    number: str  # 2026-12: the 12th meeting of 2026
    date: date
    title: str
    status: MeetingStatus
    place: str = ""
    attendance: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    minutes: str = ""
    approved: str = ""  # ISO date the minutes were approved, or ""
    doc_number: str = ""  # 区政府专题会议纪要〔2026〕12号
    discussions: tuple[tuple[str, str], ...] = field(default=())  # (issue number, what was said)


def is_internal(doc: Doc) -> bool:
    """Marked not for the intranet site: the record's flag or its form's answer (either suffices).

    Fails closed: any answer but an explicit "no" counts as internal.
    """
    data = doc.get("data")
    flags = [doc.get("confidential"), data.get("confidential") if isinstance(data, dict) else None]
    return any(f not in (None, False, "", "no", 0) for f in flags)


def text(doc: Doc, key: str) -> str:
    value = doc.get(key)
    return value if isinstance(value, str) else ""


def opt_date(value: JSONValue) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def strings(value: JSONValue) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def person_of(value: JSONValue) -> Person:
    if not isinstance(value, dict):
        return Person("", "")
    return Person(str(value.get("name") or ""), str(value.get("phone") or ""), str(value.get("role") or ""))


def project_of(doc: Doc) -> Project:
    data = doc.get("data")
    d: Doc = data if isinstance(data, dict) else {}
    milestones = []
    for row in d.get("milestones") or []:  # type: ignore[union-attr]
        if isinstance(row, dict) and isinstance(row.get("planned"), str):
            milestones.append(
                Milestone(
                    text(row, "node"),
                    text(row, "task"),
                    date.fromisoformat(str(row["planned"])),
                    opt_date(row.get("done")),
                )
            )
    persons = []
    for row in d.get("persons") or []:  # type: ignore[union-attr]
        if isinstance(row, dict):
            p = person_of(row.get("person"))
            persons.append(Person(p.name, p.phone, text(row, "role")))
    return Project(
        number=text(doc, "number"),
        name=text(d, "name"),
        unit=text(doc, "unit"),
        category=text(d, "category"),
        town=text(d, "town"),
        owner=text(d, "owner"),
        overview=text(d, "overview"),
        investment=text(d, "investment"),
        plans=strings(d.get("plans")),
        milestones=tuple(milestones),
        persons=tuple(persons),
        confidential=bool(doc.get("confidential")),
        status=SubmissionStatus(text(doc, "status") or "draft"),
    )


def item_of(doc: Doc) -> AgreedItem:
    return AgreedItem(
        number=text(doc, "number"),
        meeting=text(doc, "meeting"),
        project=text(doc, "project"),
        issue=text(doc, "issue"),
        content=text(doc, "content"),
        lead_unit=text(doc, "lead_unit"),
        co_units=strings(doc.get("co_units")),
        person=person_of(doc.get("person")),
        planned=date.fromisoformat(text(doc, "planned")),
        status=ItemStatus(text(doc, "status")),
        done=opt_date(doc.get("done")),
        closed_reason=text(doc, "closed_reason"),
        reopened_from=text(doc, "reopened_from"),
    )


def meeting_of(doc: Doc) -> Meeting:
    talks = doc.get("discussions")
    pairs = (
        tuple((text(t, "issue"), text(t, "text")) for t in talks if isinstance(t, dict))
        if isinstance(talks, list)
        else ()
    )
    return Meeting(
        number=text(doc, "number"),
        date=date.fromisoformat(text(doc, "date")),
        title=text(doc, "title"),
        status=MeetingStatus(text(doc, "status")),
        place=text(doc, "place"),
        attendance=strings(doc.get("attendance")),
        projects=strings(doc.get("projects")),
        issues=strings(doc.get("issues")),
        minutes=text(doc, "minutes"),
        approved=text(doc, "approved"),
        doc_number=text(doc, "doc_number"),
        discussions=pairs,
    )


def item_number(meeting: str, order: int) -> str:
    """Agreed item number: year, meeting of the year, order in the minutes (2026-12-03)."""
    return f"{meeting}-{order:02d}"


def record_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}-{year}-{seq:04d}"
