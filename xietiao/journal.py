"""Searching the audit journal (store `journal/`): by who, what, when and record, newest first, in pages.

The journal is append-only: the store only ever appends lines to it, and nothing in the product
deletes or rewrites a journal file, so every entry is kept for as long as the data folder is,
well beyond the six months the Cybersecurity Law asks for logs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from xietiao.jsonvalue import Doc
from xietiao.store.engine import Store

RETENTION_MONTHS = 6  # the legal minimum; the product itself keeps every entry
PAGE_SIZE = 50
_MONTH_FILE = re.compile(r"\d{4}-\d{2}")
_AT = re.compile(r'"at":\s*"(\d{4}-\d{2}-\d{2})')


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


def _matches(row: Doc, q: JournalQuery) -> bool:
    return (
        (not q.who or q.who.lower() in str(row.get("actor") or "").lower())
        and (not q.what or q.what in str(row.get("action") or "") or q.what.lower() == str(row.get("kind")).lower())
        and (not q.record or q.record.lower() in str(row.get("number") or "").lower())
    )


def _parse(line: str) -> Doc | None:
    try:
        row = json.loads(line)
    except json.JSONDecodeError:
        return None  # a torn last line after a crash is not an entry
    return row if isinstance(row, dict) else None


def _lines(store: Store, month: str) -> list[str]:
    """A month's lines, newest first (the order they reached the disk); a torn last line left out."""
    lines = [x for x in (store.root / "journal" / f"{month}.jsonl").read_text("utf-8").splitlines() if x.strip()]
    if lines and _parse(lines[-1]) is None:
        lines.pop()
    lines.reverse()
    return lines


def _in_range(line: str, q: JournalQuery) -> bool:
    found = _AT.search(line)
    day = found.group(1) if found else ""
    return (q.since is None or day >= q.since.isoformat()) and (q.until is None or day <= q.until.isoformat())


def _finder(word: str) -> Callable[[str], object]:
    """A quick test on a raw line: plain search for words without letters (Chinese, digits), else ignoring case."""
    if not re.search(r"[A-Za-z]", word):
        return lambda line: word in line  # several times faster than a case-blind regular expression
    return re.compile(re.escape(word), re.IGNORECASE).search


def search_journal(store: Store, query: JournalQuery, page_size: int = PAGE_SIZE) -> JournalPage:
    """The entries that match, newest first; only the month files inside the date range are read.

    Only lines that contain every word searched for are parsed, and without a who/what/record
    filter only the page shown.
    """
    months = _months(store)
    low = query.since.isoformat()[:7] if query.since else ""
    high = query.until.isoformat()[:7] if query.until else "9999-99"
    dated = query.since is not None or query.until is not None
    # Words with quotes or backslashes are escaped in the file: those are looked for in parsed lines only.
    words = [_finder(w) for w in (query.who, query.what, query.record) if w and '"' not in w and "\\" not in w]
    filtered = bool(query.who or query.what or query.record)
    found: list[str] = []
    rows: list[Doc] = []
    for month in reversed(months):
        if not low <= month <= high:
            continue
        for line in _lines(store, month):
            if dated and not _in_range(line, query):
                continue
            if not filtered:
                found.append(line)
            elif all(w(line) for w in words) and (row := _parse(line)) is not None and _matches(row, query):
                rows.append(row)
    total = len(rows) if filtered else len(found)
    pages = max(1, -(-total // page_size))
    page = min(max(1, query.page), pages)
    start = (page - 1) * page_size
    shown = (
        rows[start : start + page_size]
        if filtered
        else list(filter(None, map(_parse, found[start : start + page_size])))
    )
    return JournalPage(tuple(map(_entry, shown)), total, page, pages, months[0] if months else "")
