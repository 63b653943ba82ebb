"""Search index entries for the generated project and meeting pages, written from the data.

Material's search plugin would parse the HTML of every page to index it, a third of the
build time for five years of data. The generated pages are marked `search: exclude` and
get one entry each from here instead; hand-written pages are still indexed by the plugin.
Every value is HTML-escaped: the search shows an entry's text as HTML.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path

from generator.views import SiteData
from xietiao.ledger.colours import zh_date
from xietiao.model import Meeting

Entry = dict[str, str]


def _text(parts: Iterable[str]) -> str:
    return " ".join(html.escape(" ".join(p.split()), quote=False) for p in parts if p and p.strip())


def project_entry(site: SiteData, number: str) -> Entry:
    p = site.projects[number]
    parts = [number, p.category, p.unit, p.town, p.owner, "、".join(p.plans), p.overview]
    parts += [f"{m.node} {m.task}" for m in p.milestones]
    for q in site.issues_by_project.get(number, []):
        parts += [q.number, q.kind, q.problem, q.ask]
    for i in site.by_project.get(number, []):
        parts += [i.number, i.content, i.lead_unit, *i.co_units]
    parts += [x.name for x in p.persons]
    material = site.materials.get(number)
    if material:
        parts += [material.progress, material.problems, material.asks]
    # The number in the title: a search for P-2026-0041 then ranks the project's own page first.
    title = f"{p.name}（{number}）" if p.name else number
    return {"location": f"projects/{number}/", "title": html.escape(title, quote=False), "text": _text(parts)}


def meeting_entry(site: SiteData, m: Meeting) -> Entry:
    parts = [m.number, zh_date(m.date), m.place, m.doc_number, *m.attendance]
    parts += [site.projects[n].name for n in m.projects if n in site.projects]
    for n in m.issues:
        if n in site.issues:
            parts += [n, site.issues[n].problem, site.issues[n].ask]
    parts.append(m.minutes)
    parts += [d.text for d in site.discussions.get(m.number, [])]
    for i in site.by_meeting.get(m.number, []):
        parts += [i.number, i.content, i.lead_unit, *i.co_units, zh_date(i.planned)]
    return {
        "location": f"meetings/{m.number}/",
        "title": html.escape(m.title or m.number, quote=False),
        "text": _text(parts),
    }


def search_entries(site: SiteData) -> list[Entry]:
    """One entry per project and meeting page (the data is already redacted: see generator.redaction)."""
    entries = [project_entry(site, n) for n in sorted(site.projects)]
    entries += [meeting_entry(site, m) for m in site.meetings]
    return entries


def write_entries(entries: list[Entry], path: Path) -> None:
    path.write_text(json.dumps(entries, ensure_ascii=False), "utf-8")


def merge_entries(index: dict[str, object], path: Path) -> None:
    """Add the entries to Material's index (in place)."""
    docs = index["docs"]
    assert isinstance(docs, list)
    docs.extend(json.loads(path.read_text("utf-8")))
