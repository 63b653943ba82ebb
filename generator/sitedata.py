"""What the site may show: the store's records read once, with everything internal-only left out."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from generator.derive import derive
from generator.incremental.records import RecordCache
from generator.redaction import redact_site
from generator.views import Discussion, Issue, MaterialSummary, Progress, SiteData, Supervision, TrendPoint
from xietiao.config import FORMS_DIR
from xietiao.forms.check import redact
from xietiao.forms.definitions import FormDef
from xietiao.forms.loader import load_forms
from xietiao.forms.versions import KIND as FORM_VERSIONS
from xietiao.forms.versions import form_of_record
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.ledger.colours import Colour
from xietiao.model import (
    AgreedItem,
    IssueState,
    Meeting,
    Project,
    SubmissionStatus,
    item_of,
    meeting_of,
    project_of,
    strings,
    text,
)
from xietiao.publication import is_confidential, public_meeting, public_project, shaped
from xietiao.store.engine import Store

__all__ = ["PUBLISHED_KINDS", "READ_KINDS", "is_confidential", "read_site_data"]

T = TypeVar("T")

# The kinds of record the site reads, and those that change how it reads them (the forms' stored
# versions, the district's units). A committed change to one of them triggers a publish (cli/assemble.py);
# reading any other kind fails loudly (see _Reader.each), so this cannot go stale.
READ_KINDS = frozenset({"project", "issue", "meeting", "item", "progress", "material", "supervision", "snapshot"})
PUBLISHED_KINDS = READ_KINDS | {FORM_VERSIONS, "unit"}

SHOWN_ISSUE_STATES = (
    IssueState.ACCEPTED,
    IssueState.MERGED,
    IssueState.CARRIED,
    IssueState.CITY,
    IssueState.CITY_SOLVED,
    IssueState.SCHEDULED,
    IssueState.DISCUSSED,
)
FILED = (SubmissionStatus.SUBMITTED.value, SubmissionStatus.ACCEPTED.value)


def _data(doc: Doc) -> Doc:
    value = doc.get("data")
    return value if isinstance(value, dict) else {}


def _without_secret_fields(forms: list[FormDef], data: Doc) -> Doc:
    """The forms' internal-only fields (and such cells of their groups) removed; other keys kept."""
    out = dict(data)
    for f in (f for form in forms for f in form.fields()):
        value = out.get(f.name)
        if f.confidential:
            out.pop(f.name, None)
        elif f.fields and isinstance(value, list):
            secret = {c.name for c in f.fields if c.confidential}
            rows: list[JSONValue] = [
                {k: v for k, v in row.items() if k not in secret} for row in value if isinstance(row, dict)
            ]
            out[f.name] = rows
    return out


def read_site_data(
    store: Store, today: date, forms_dir: Path = FORMS_DIR, cache: RecordCache | None = None
) -> SiteData:
    """Everything the site shows, read from the store and filtered for publication.

    With a `cache` kept between publishes, only the store's files that changed are converted again.
    """
    reader = _Reader(store, cache or RecordCache(), forms_dir)
    site = SiteData(today=today)
    secret_projects = _read_projects(reader, site)
    _read_issues(reader, site)
    _read_meetings_and_items(reader, site)
    _read_progress(reader, site)
    _read_materials(reader, site)
    _read_supervisions(reader, site)
    _read_trend(reader, secret_projects, site)
    names, numbers = _withheld_terms(reader)
    redact_site(site, names, numbers, reader.cache.memo)
    derive(site, reader.cache.memo)
    return site


class _Reader:
    """The store as the site reads it: only the published kinds, each record converted once per version."""

    def __init__(self, store: Store, cache: RecordCache, forms_dir: Path) -> None:
        self.store, self.cache = store, cache
        key = _forms_key(store, forms_dir)
        if cache.memo.get("forms_key") != key:
            cache.memo.update(forms_key=key, forms=load_forms(forms_dir))
        self.forms_key = key
        self.forms: dict[str, FormDef] = cache.memo["forms"]  # type: ignore[assignment]

    def each(self, kind: str, convert: Callable[[Doc], T | None]) -> list[T]:
        # A kind read here but missing from READ_KINDS would not trigger a publish when it changes.
        assert kind in READ_KINDS, f"站点读取了 {kind}：请把它加入 generator/sitedata.py 的 READ_KINDS"
        return self.cache.derive(self.store, kind, (convert.__name__, self.forms_key), convert)

    def filed(self, name: str, doc: Doc) -> list[FormDef]:
        """Today's form and the one the record was filed under: a field marked internal-only in either stays off."""
        current = self.forms[name]
        own = form_of_record(self.store, current, doc)
        return [current] if own is current else [current, own]


def _forms_key(store: Store, folder: Path) -> str:
    """What the conversions depend on besides the record: today's forms and every stored version of them."""
    digest = hashlib.sha1()
    for path in sorted(folder.glob("*.y*ml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for doc in sorted(store.all(FORM_VERSIONS), key=lambda d: text(d, "number")):
        digest.update(text(doc, "number").encode() + b"\0" + text(doc, "source").encode() + b"\0")
    return digest.hexdigest()


def _accepted_internal(doc: Doc) -> bool:
    """An internal record the bureau accepted: only such records may decide what text is blanked."""
    return is_confidential(doc) and text(doc, "status") == SubmissionStatus.ACCEPTED.value


def _withheld_terms(reader: _Reader) -> tuple[set[str], set[str]]:
    """Names and numbers of the withheld records the bureau accepted, and of the items agreed on them."""

    def withheld(doc: Doc) -> tuple[str, str] | None:
        return (text(doc, "number"), text(_data(doc), "name")) if _accepted_internal(doc) else None

    def item_project(doc: Doc) -> tuple[str, str]:
        return text(doc, "number"), text(doc, "project")

    projects = dict(reader.each("project", withheld))
    numbers = set(projects)
    for kind in ("issue", "material"):
        numbers |= {number for number, _ in reader.each(kind, withheld)}
    numbers |= {number for number, project in reader.each("item", item_project) if project in projects}
    return {n for n in projects.values() if n.strip()}, {n for n in numbers if n.strip()}


def _read_projects(reader: _Reader, site: SiteData) -> set[str]:
    def project_view(doc: Doc) -> Project | str | None:
        number = text(doc, "number")
        if is_confidential(doc):
            return number
        if not public_project(doc):
            return None
        doc["data"] = _without_secret_fields(reader.filed("project", doc), _data(doc))
        return project_of(doc)

    secret: set[str] = set()
    views: list[Project | str] = reader.each("project", project_view)
    for view in views:
        if isinstance(view, str):
            secret.add(view)
        else:
            site.projects[view.number] = view
    return secret


@dataclass(frozen=True)
class _MeetingView:
    meeting: Meeting
    talks: tuple[tuple[str, str, str], ...]  # (issue, project, text) as recorded


def _read_meetings_and_items(reader: _Reader, site: SiteData) -> None:
    def meeting_view(doc: Doc) -> _MeetingView | None:
        if not public_meeting(doc):
            return None
        talks = doc.get("discussions")
        rows = tuple(
            (text(t, "issue"), text(t, "project"), text(t, "text"))
            for t in (talks if isinstance(talks, list) else [])
            if isinstance(t, dict)
        )
        return _MeetingView(meeting_of(doc), rows)

    views = list(reader.each("meeting", meeting_view))
    site.meetings = sorted((v.meeting for v in views), key=lambda m: (m.date, m.number), reverse=True)
    shown = {m.number for m in site.meetings}
    # The same words give the same object as last time: what was made of it (its redaction, the pages
    # that show it) is then known at once.
    before = reader.cache.memo.get("discussions")
    made: dict[tuple[str, str, str], Discussion] = {}
    for v in views:
        site.discussions[v.meeting.number] = _discussions(
            v.talks, site, before if isinstance(before, dict) else {}, made
        )
    reader.cache.memo["discussions"] = made

    def item_view(doc: Doc) -> AgreedItem | None:
        item = item_of(doc)
        return item if shaped("item", item.number) else None

    for item in reader.each("item", item_view):
        # An item tied to no project is a general decision; one tied to a project the
        # site does not show (internal only, or not accepted) is withheld with it.
        public = not item.project or _public_project(site, item.project)
        if item.meeting in shown and public:
            site.items[item.number] = item


def _discussions(
    talks: tuple[tuple[str, str, str], ...],
    site: SiteData,
    before: dict[tuple[str, str, str], Discussion],
    made: dict[tuple[str, str, str], Discussion],
) -> list[Discussion]:
    """What was said, except on issues or projects the site does not show (`before`'s objects used again)."""
    out = []
    for issue, project, said in talks:
        if issue and issue in site.issues:
            project = project or site.issues[issue].project
        elif issue:
            continue
        if project and not _public_project(site, project):
            continue
        key = (issue, project, said)
        talk = made[key] = made.get(key) or before.get(key) or Discussion(issue, project, said)
        out.append(talk)
    return out


def _public_project(site: SiteData, number: str) -> bool:
    return number in site.projects


def _read_issues(reader: _Reader, site: SiteData) -> None:
    shown_states = {s.value for s in SHOWN_ISSUE_STATES}

    def issue_view(doc: Doc) -> Issue | None:
        number = text(doc, "number")
        if is_confidential(doc) or text(doc, "status") not in FILED or not shaped("issue", number):
            return None
        d = _without_secret_fields(reader.filed("issue", doc), _data(doc))
        state = text(doc, "list_state")
        if state not in shown_states:
            return None
        return Issue(
            number,
            text(d, "project"),
            text(d, "kind"),
            text(d, "problem"),
            text(d, "ask"),
            text(d, "urgency"),
            IssueState(state),
            text(doc, "meeting"),
        )

    for issue in reader.each("issue", issue_view):
        if _public_project(site, issue.project):
            site.issues[issue.number] = issue


def _filed_day(doc: Doc) -> str:
    """The ISO day a submission was first filed (its first submitted version), else when it was made."""
    versions = doc.get("versions")
    for v in versions if isinstance(versions, list) else []:
        if isinstance(v, dict) and v.get("status") == SubmissionStatus.SUBMITTED.value:
            return text(v, "at")[:10]
    return text(doc, "created")[:10]


def _read_progress(reader: _Reader, site: SiteData) -> None:
    def progress_view(doc: Doc) -> Progress | None:
        if is_confidential(doc) or text(doc, "status") not in FILED:
            return None
        d = _without_secret_fields(reader.filed("progress", doc), _data(doc))
        percent = d.get("percent")
        return Progress(
            text(d, "item"),
            text(d, "month"),
            text(d, "status"),
            text(d, "progress"),
            text(d, "next_steps"),
            text(d, "difficulties"),
            percent if isinstance(percent, int) and not isinstance(percent, bool) else None,
            _filed_day(doc),
        )

    for row in reader.each("progress", progress_view):
        if row.item in site.items:
            site.progress.setdefault(row.item, []).append(row)
    for rows in site.progress.values():
        rows.reverse()  # then the sort keeps the later of two reports filed the same day first
        rows.sort(key=lambda r: (r.month, r.filed), reverse=True)  # a month's correction before what it corrects


def _read_materials(reader: _Reader, site: SiteData) -> None:
    def material_view(doc: Doc) -> tuple[str, str, MaterialSummary] | None:
        # Only material the bureau accepted: what a unit merely filed has not been checked by anyone.
        if is_confidential(doc) or text(doc, "status") != SubmissionStatus.ACCEPTED.value:
            return None
        # Materials are where secrets live: keep only what the form declares public.
        filed = reader.filed("material", doc)
        d = redact(filed[0], _data(doc), filed[1:])
        stamp = text(doc, "updated") or text(doc, "created")
        summary = MaterialSummary(
            text(doc, "number"), text(d, "overview"), text(d, "progress"), text(d, "problems"), text(d, "ask")
        )
        return text(d, "project"), stamp, summary

    latest: dict[str, tuple[str, MaterialSummary]] = {}
    for project, stamp, summary in reader.each("material", material_view):
        if not _public_project(site, project):
            continue
        if project not in latest or stamp > latest[project][0]:
            latest[project] = (stamp, summary)
    site.materials = {p: s for p, (_, s) in latest.items()}


def _read_supervisions(reader: _Reader, site: SiteData) -> None:
    def supervision_view(doc: Doc) -> Supervision | None:
        if is_confidential(doc):
            return None
        day = text(doc, "date")
        return Supervision(
            text(doc, "number"),
            text(doc, "kind"),
            text(doc, "unit"),
            strings(doc.get("items")),
            date.fromisoformat(day) if day else None,
            text(doc, "note"),
            doc.get("must_explain") is True,
            text(doc, "explain_at"),
        )

    for s in reader.each("supervision", supervision_view):
        items = tuple(i for i in s.items if i in site.items)
        if s.items and not items:
            continue  # it concerns only withheld items: saying anything about it could reveal them
        # The converted record itself when nothing was left out: kept from one publish to the next.
        site.supervisions.append(s if items == s.items else replace(s, items=items))
    site.supervisions.sort(key=lambda s: (s.day or date.min, s.number), reverse=True)


def _read_trend(reader: _Reader, secret_projects: set[str], site: SiteData) -> None:
    """Month-end project counts; recounted without confidential projects where possible."""
    snaps = reader.each("snapshot", lambda doc: doc)
    month_end = [s for s in snaps if s.get("reason") == "month_end"] or snaps
    by_month: dict[str, TrendPoint] = {}
    for snap in sorted(month_end, key=lambda s: text(s, "date")):
        day = text(snap, "date")
        if not day:
            continue
        point = TrendPoint(date.fromisoformat(day), _snapshot_counts(snap, secret_projects))
        by_month[day[:7]] = point  # the last snapshot of a month stands for it
    site.trend = list(by_month.values())


COLOUR_VALUES = frozenset(c.value for c in Colour)  # made once: checked for every project of every snapshot


def _snapshot_counts(snap: Doc, secret_projects: set[str]) -> dict[Colour, int]:
    counts = dict.fromkeys(Colour, 0)
    projects = snap.get("projects")
    if isinstance(projects, dict) and projects:
        for number, value in projects.items():
            if number not in secret_projects and value in COLOUR_VALUES:
                counts[Colour(value)] += 1
        return counts
    stored = snap.get("counts")
    # Stored counts include confidential projects; use them only when there are none.
    if isinstance(stored, dict) and not secret_projects:
        for c in Colour:
            value = stored.get(c.value)
            counts[c] = value if isinstance(value, int) else 0
    return counts
