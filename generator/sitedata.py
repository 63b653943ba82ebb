"""What the site may show: the store's records read once, with everything confidential left out."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from generator.redaction import Redactor, scrub
from generator.views import Discussion, Issue, MaterialSummary, Progress, SiteData, Supervision, TrendPoint
from xietiao.config import FORMS_DIR
from xietiao.forms.check import redact
from xietiao.forms.definitions import FormDef
from xietiao.forms.loader import load_forms
from xietiao.forms.versions import form_of_record
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.ledger.board import item_assessment, official_name, project_colour
from xietiao.ledger.colours import Colour
from xietiao.model import (
    IssueState,
    MeetingStatus,
    SubmissionStatus,
    is_internal,
    item_of,
    meeting_of,
    project_of,
    strings,
    text,
)
from xietiao.store.engine import Store
from xietiao.units import all_units, town_names

__all__ = ["is_confidential", "read_site_data"]

# Numbers become file names and link targets, so only the shapes the system itself
# issues are accepted; a record with any other number is left off the site.
NUMBER_SHAPES = {
    "project": re.compile(r"P-\d{4}-\d{4}"),
    "issue": re.compile(r"Q-\d{4}-\d{4}"),
    "meeting": re.compile(r"\d{4}-\d{2}"),
    "item": re.compile(r"\d{4}-\d{2}-\d{2}"),
}
APPROVED_MEETING = (MeetingStatus.MINUTES_APPROVED, MeetingStatus.PUBLISHED)
SHOWN_ISSUE_STATES = (
    IssueState.ACCEPTED,
    IssueState.MERGED,
    IssueState.CARRIED,
    IssueState.CITY,
    IssueState.SCHEDULED,
    IssueState.DISCUSSED,
)
FILED = (SubmissionStatus.SUBMITTED.value, SubmissionStatus.ACCEPTED.value)


def is_confidential(doc: Doc) -> bool:
    """Confidential as a whole: the record's flag or its form's 涉密 answer (see xietiao.model.is_internal)."""
    return is_internal(doc)


def _shaped(kind: str, number: str) -> bool:
    return bool(NUMBER_SHAPES[kind].fullmatch(number))


def _data(doc: Doc) -> Doc:
    value = doc.get("data")
    return value if isinstance(value, dict) else {}


def _filed(store: Store, current: FormDef, doc: Doc) -> list[FormDef]:
    """Today's form and the one the record was filed under: a field either marks 涉密 stays off the site."""
    own = form_of_record(store, current, doc)
    return [current] if own is current else [current, own]


def _without_secret_fields(forms: list[FormDef], data: Doc) -> Doc:
    """The forms' 涉密 fields (and 涉密 cells of their groups) removed; other keys kept."""
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


def read_site_data(store: Store, today: date, forms_dir: Path = FORMS_DIR) -> SiteData:
    """Everything the site shows, read from the store once and filtered for publication."""
    forms = load_forms(forms_dir)
    site = SiteData(today=today)
    secret_projects = _read_projects(store, forms, site)
    _read_issues(store, forms, site)
    _read_meetings_and_items(store, site)
    _read_progress(store, forms, site)
    _read_materials(store, forms, site)
    _read_supervisions(store, site)
    _read_trend(store, secret_projects, site)
    _redact(store, site)
    _derive(site)
    return site


def _accepted_internal(doc: Doc) -> bool:
    """An internal record the bureau accepted: only such records may decide what text is blanked."""
    return is_confidential(doc) and text(doc, "status") == SubmissionStatus.ACCEPTED.value


def _withheld_terms(store: Store) -> tuple[set[str], set[str]]:
    """Names and numbers of the withheld records the bureau accepted, and of the items agreed on them."""
    names: set[str] = set()
    numbers: set[str] = set()
    projects = store.all("project", _accepted_internal)
    for doc in projects:
        names.add(text(_data(doc), "name"))
        numbers.add(text(doc, "number"))
    for kind in ("issue", "material"):
        numbers |= {text(d, "number") for d in store.all(kind, _accepted_internal)}
    secret = {text(d, "number") for d in projects}
    numbers |= {text(d, "number") for d in store.all("item", lambda d: text(d, "project") in secret)}
    return {n for n in names if n.strip()}, {n for n in numbers if n.strip()}


def _redact(store: Store, site: SiteData) -> None:
    """Every string the site will show, with withheld names and numbers blanked (see generator.redaction)."""
    names, numbers = _withheld_terms(store)
    site.secret_names = tuple(sorted(names))
    if not names and not numbers:
        return
    shown = [u.name for u in all_units()] + list(town_names()) + [p.name for p in site.projects.values()]
    redact = Redactor(names, numbers, shown)
    site.projects = scrub(site.projects, redact)
    site.meetings = scrub(site.meetings, redact)
    site.items = scrub(site.items, redact)
    site.issues = scrub(site.issues, redact)
    site.progress = scrub(site.progress, redact)
    site.materials = scrub(site.materials, redact)
    site.supervisions = scrub(site.supervisions, redact)
    site.discussions = scrub(site.discussions, redact)


def _derive(site: SiteData) -> None:
    for number in sorted(site.items):
        item = site.items[number]
        site.assessments[number] = item_assessment(item, site.today)
        site.by_project.setdefault(item.project, []).append(item)
        site.by_meeting.setdefault(item.meeting, []).append(item)
        site.by_unit.setdefault(official_name(item.lead_unit), []).append(item)
    for number in sorted(site.issues):
        issue = site.issues[number]
        site.issues_by_project.setdefault(issue.project, []).append(issue)
    site.shown_meetings = {m.number for m in site.meetings}
    site.colours = {n: project_colour(p, site.by_project.get(n, []), site.today) for n, p in site.projects.items()}


def _read_projects(store: Store, forms: dict[str, FormDef], site: SiteData) -> set[str]:
    secret: set[str] = set()
    for doc in store.all("project"):
        number = text(doc, "number")
        if is_confidential(doc):
            secret.add(number)
            continue
        if text(doc, "status") != SubmissionStatus.ACCEPTED.value or not _shaped("project", number):
            continue
        doc["data"] = _without_secret_fields(_filed(store, forms["project"], doc), _data(doc))
        site.projects[number] = project_of(doc)
    return secret


def _read_meetings_and_items(store: Store, site: SiteData) -> None:
    docs = [d for d in store.all("meeting") if _shaped("meeting", text(d, "number")) and d.get("approved")]
    approved = [m for m in map(meeting_of, docs) if m.status in APPROVED_MEETING]
    site.meetings = sorted(approved, key=lambda m: (m.date, m.number), reverse=True)
    shown = {m.number for m in site.meetings}
    for doc in docs:
        if text(doc, "number") in shown:
            site.discussions[text(doc, "number")] = _discussions(doc, site)
    for doc in store.all("item"):
        item = item_of(doc)
        # An item tied to no project is a general decision; one tied to a project the
        # site does not show (confidential, or not accepted) is withheld with it.
        public = not item.project or _public_project(site, item.project)
        if item.meeting in shown and _shaped("item", item.number) and public:
            site.items[item.number] = item


def _discussions(doc: Doc, site: SiteData) -> list[Discussion]:
    """What was said, except on issues or projects the site does not show."""
    out = []
    talks = doc.get("discussions")
    for talk in talks if isinstance(talks, list) else []:
        if not isinstance(talk, dict):
            continue
        issue, project = text(talk, "issue"), text(talk, "project")
        if issue and issue in site.issues:
            project = project or site.issues[issue].project
        elif issue:
            continue
        if project and not _public_project(site, project):
            continue
        out.append(Discussion(issue, project, text(talk, "text")))
    return out


def _public_project(site: SiteData, number: str) -> bool:
    return number in site.projects


def _read_issues(store: Store, forms: dict[str, FormDef], site: SiteData) -> None:
    for doc in store.all("issue"):
        number = text(doc, "number")
        if is_confidential(doc) or text(doc, "status") not in FILED or not _shaped("issue", number):
            continue
        d = _without_secret_fields(_filed(store, forms["issue"], doc), _data(doc))
        state = text(doc, "list_state")
        if state not in {s.value for s in SHOWN_ISSUE_STATES} or not _public_project(site, text(d, "project")):
            continue
        site.issues[number] = Issue(
            number,
            text(d, "project"),
            text(d, "kind"),
            text(d, "problem"),
            text(d, "ask"),
            text(d, "urgency"),
            IssueState(state),
            text(doc, "meeting"),
        )


def _read_progress(store: Store, forms: dict[str, FormDef], site: SiteData) -> None:
    for doc in store.all("progress"):
        if is_confidential(doc) or text(doc, "status") not in FILED:
            continue
        d = _without_secret_fields(_filed(store, forms["progress"], doc), _data(doc))
        item = text(d, "item")
        if item not in site.items:
            continue
        percent = d.get("percent")
        site.progress.setdefault(item, []).append(
            Progress(
                item,
                text(d, "month"),
                text(d, "status"),
                text(d, "progress"),
                text(d, "next_steps"),
                text(d, "difficulties"),
                percent if isinstance(percent, int) and not isinstance(percent, bool) else None,
            )
        )
    for rows in site.progress.values():
        rows.sort(key=lambda r: r.month, reverse=True)


def _read_materials(store: Store, forms: dict[str, FormDef], site: SiteData) -> None:
    latest: dict[str, tuple[str, MaterialSummary]] = {}
    for doc in store.all("material"):
        # Only material the bureau accepted: what a unit merely filed has not been checked by anyone.
        if is_confidential(doc) or text(doc, "status") != SubmissionStatus.ACCEPTED.value:
            continue
        # Materials are where secrets live: keep only what the form declares public.
        filed = _filed(store, forms["material"], doc)
        d = redact(filed[0], _data(doc), filed[1:])
        project = text(d, "project")
        if not _public_project(site, project):
            continue
        stamp = text(doc, "updated") or text(doc, "created")
        summary = MaterialSummary(
            text(doc, "number"), text(d, "overview"), text(d, "progress"), text(d, "problems"), text(d, "ask")
        )
        if project not in latest or stamp > latest[project][0]:
            latest[project] = (stamp, summary)
    site.materials = {p: s for p, (_, s) in latest.items()}


def _read_supervisions(store: Store, site: SiteData) -> None:
    for doc in store.all("supervision"):
        if is_confidential(doc):
            continue
        listed = strings(doc.get("items"))
        items = tuple(i for i in listed if i in site.items)
        if listed and not items:
            continue  # it concerns only withheld items: saying anything about it could reveal them
        day = text(doc, "date")
        site.supervisions.append(
            Supervision(
                text(doc, "number"),
                text(doc, "kind"),
                text(doc, "unit"),
                items,
                date.fromisoformat(day) if day else None,
                text(doc, "note"),
                doc.get("must_explain") is True,
                text(doc, "explain_at"),
            )
        )
    site.supervisions.sort(key=lambda s: (s.day or date.min, s.number), reverse=True)


def _read_trend(store: Store, secret_projects: set[str], site: SiteData) -> None:
    """Month-end project counts; recounted without confidential projects where possible."""
    snaps = store.all("snapshot")
    month_end = [s for s in snaps if s.get("reason") == "month_end"] or snaps
    by_month: dict[str, TrendPoint] = {}
    for snap in sorted(month_end, key=lambda s: text(s, "date")):
        day = text(snap, "date")
        if not day:
            continue
        point = TrendPoint(date.fromisoformat(day), _snapshot_counts(snap, secret_projects))
        by_month[day[:7]] = point  # the last snapshot of a month stands for it
    site.trend = list(by_month.values())


def _snapshot_counts(snap: Doc, secret_projects: set[str]) -> dict[Colour, int]:
    counts = dict.fromkeys(Colour, 0)
    projects = snap.get("projects")
    if isinstance(projects, dict) and projects:
        for number, value in projects.items():
            if number not in secret_projects and value in {c.value for c in Colour}:
                counts[Colour(value)] += 1
        return counts
    stored = snap.get("counts")
    # Stored counts include confidential projects; use them only when there are none.
    if isinstance(stored, dict) and not secret_projects:
        for c in Colour:
            value = stored.get(c.value)
            counts[c] = value if isinstance(value, int) else 0
    return counts
