"""Searching the audit journal (store `journal/`): by who, what, when and record, newest first, in pages.

The journal is append-only: the store only ever appends lines to it, and nothing in the product
deletes or rewrites a journal file, so every entry is kept for as long as the data folder is,
well beyond the six months the Cybersecurity Law asks for logs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from xietiao.jsonvalue import Doc
from xietiao.store.engine import Store

RETENTION_MONTHS = 6  # the legal minimum; the product itself keeps every entry
PAGE_SIZE = 50
_MONTH_FILE = re.compile(r"\d{4}-\d{2}")


@dataclass(frozen=True)
class JournalQuery:
    who: str = ""  # part of the account name
    what: str = ""  # part of the action (提交, 重置密码) or the kind of record (user, project)
    record: str = ""  # part of the record's number
    since: date | None = None
    until: date | None = None
    page: int = 1


@dataclass(frozen=True)
class JournalEntry:
    at: str  # ISO time with offset
    actor: str
    action: str
    kind: str
    number: str
    detail: str


@dataclass(frozen=True)
class JournalPage:
    entries: tuple[JournalEntry, ...]
    total: int
    page: int
    pages: int
    first_month: str  # the oldest month the journal holds, "" when empty


def _months(store: Store) -> list[str]:
    folder = store.root / "journal"
    return sorted(p.stem for p in folder.glob("*.jsonl") if _MONTH_FILE.fullmatch(p.stem)) if folder.is_dir() else []


def _entry(row: Doc) -> JournalEntry:
    return JournalEntry(*(str(row.get(k) or "") for k in ("at", "actor", "action", "kind", "number", "detail")))


def _matches(e: JournalEntry, q: JournalQuery) -> bool:
    day = e.at[:10]
    return (
        (not q.who or q.who.lower() in e.actor.lower())
        and (not q.what or q.what in e.action or q.what.lower() == e.kind.lower())
        and (not q.record or q.record.lower() in e.number.lower())
        and (q.since is None or day >= q.since.isoformat())
        and (q.until is None or day <= q.until.isoformat())
    )


def _rows(store: Store, month: str) -> list[Doc]:
    path = store.root / "journal" / f"{month}.jsonl"
    rows: list[Doc] = []
    for line in path.read_text("utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line after a crash is not an entry
        if isinstance(row, dict):
            rows.append(row)
    return rows


def search_journal(store: Store, query: JournalQuery, page_size: int = PAGE_SIZE) -> JournalPage:
    """The entries that match, newest first; only the month files inside the date range are read."""
    months = _months(store)
    low = query.since.isoformat()[:7] if query.since else ""
    high = query.until.isoformat()[:7] if query.until else "9999-99"
    found: list[JournalEntry] = []
    for month in reversed(months):
        if low <= month <= high:
            entries = [e for e in reversed([_entry(r) for r in _rows(store, month)]) if _matches(e, query)]
            # Lines are in the order their batches reached disk; the time says when each happened.
            found += sorted(entries, key=lambda e: e.at, reverse=True)
    pages = max(1, -(-len(found) // page_size))
    page = min(max(1, query.page), pages)
    start = (page - 1) * page_size
    return JournalPage(tuple(found[start : start + page_size]), len(found), page, pages, months[0] if months else "")
