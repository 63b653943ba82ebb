"""Offline check of Chinese search: would the site's own search find a page for a word?

Material's search worker (integrations/search in its bundle) works like this, and so
does this module, against the built search/search_index.json:
- a document's fields are split at tags and at the configured `separator` into tokens,
  lower-cased; the zh pipeline keeps only the (identity) stemmer;
- a query's Han runs are cut greedily into pieces that are tokens of the index (note the
  loop never tries a slice that ends at the last character), and every piece becomes a
  prefix query (piece*).
Lunr returns a page if any piece matches; here a page counts as found only if every
piece matches one of its tokens, which is stricter.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.lunr.dictionary import HAN

_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Recall:
    found: int
    total: int
    misses: tuple[tuple[str, str], ...]

    @property
    def share(self) -> float:
        return self.found / self.total if self.total else 1.0


class OfflineSearch:
    def __init__(self, site_dir: Path) -> None:
        data = json.loads((site_dir / "search" / "search_index.json").read_text("utf-8"))
        separator = re.compile(data["config"]["separator"])
        fields = list(data["config"]["fields"])
        self.pages: dict[str, set[str]] = {}  # token -> pages holding it
        for doc in data["docs"]:
            page = doc["location"].split("#")[0]
            for name in fields:
                value = doc.get(name)
                values = value if isinstance(value, list) else [value] if isinstance(value, str) else []
                for v in values:
                    for token in separator.split(_TAG.sub(" ", v)):
                        if token:
                            self.pages.setdefault(token.lower(), set()).add(page)
        self.keys = set(self.pages)
        self._sorted = sorted(self.keys)

    def segment(self, query: str) -> list[str]:
        """Material's segment(): greedy longest pieces known to the index."""
        n = len(query)
        cuts = [0] * n
        for i in range(n):
            for j in range(i + 1, n):
                if query[i:j] in self.keys:
                    cuts[i] = j - i
        pieces: dict[str, None] = {}
        stack = [0]
        while stack:
            p = stack.pop()
            for q in range(1, cuts[p]):
                if cuts[p + q] > cuts[p] - q:
                    pieces[query[p : p + q]] = None
                    stack.append(p + q)
            q = p + cuts[p]
            if q < n - 1 and cuts[q]:
                stack.append(q)
            pieces[query[p:q]] = None
        return [query] if "" in pieces else list(pieces)

    def terms(self, query: str) -> list[str]:
        out: list[str] = []
        for part in query.split():
            for run_or_other in HAN.split(part):
                if HAN.fullmatch(run_or_other):
                    out += self.segment(run_or_other)
                elif run_or_other:
                    out.append(run_or_other)
        return [t.lower() for t in out]

    def find(self, query: str) -> set[str]:
        """Pages whose tokens match every term of the query by prefix."""
        found: set[str] | None = None
        for term in self.terms(query):
            pages: set[str] = set()
            at = bisect.bisect_left(self._sorted, term)
            while at < len(self._sorted) and self._sorted[at].startswith(term):
                pages |= self.pages[self._sorted[at]]
                at += 1
            found = pages if found is None else found & pages
        return found or set()


def measure(site_dir: Path, words: Iterable[tuple[str, str]]) -> Recall:
    """For each (word, page location such as 'meetings/2026-12/'): is that page found?"""
    search = OfflineSearch(site_dir)
    pairs = list(words)
    misses = tuple((w, p) for w, p in pairs if p not in search.find(w))
    return Recall(len(pairs) - len(misses), len(pairs), misses)


def measure_recall(site_dir: Path, words: Iterable[tuple[str, str]]) -> float:
    return measure(site_dir, words).share
