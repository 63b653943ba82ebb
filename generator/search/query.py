"""The site search's query, in Python: what content/javascripts/search.js finds, for tests and the benchmark.

Reads the files the search stage wrote and answers a query the way the site's script does: each
space-separated word must occur on the page; a page holding every word verbatim comes before a page
holding only their pieces; among those, pages named by a word (title, the text of links to it, its
address) come first, then pages where the words occur more often. The browser tests check that the
script and this module agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from generator.search.fold import fold
from generator.search.index import shard_of

MAX_TERMS = 8
MAX_TERM = 64
Hits = dict[int, tuple[int, int, bool]]  # page -> (verbatim matches, matches in the page's names, pieces only)


@dataclass(frozen=True)
class Found:
    url: str
    title: str
    exact: bool


def terms_of(query: str) -> list[str]:
    terms: list[str] = []
    for word in fold(query).split(" "):
        word = word[:MAX_TERM]
        if word and word not in terms and len(terms) < MAX_TERMS:
            terms.append(word)
    return terms


def loose_allowed(term: str) -> bool:
    """Pieces of a phrase of four or more characters mean something; pieces of a number do not."""
    return len(term) >= 4 and not any(c.isascii() and c.isalnum() for c in term)


def cover(term: str) -> list[int]:
    """Offsets of the pairs that cover the term: 0, 2, 4 ... and the last pair."""
    if len(term) == 1:
        return [0]
    offsets = list(range(0, len(term) - 1, 2))
    if offsets[-1] != len(term) - 2:
        offsets.append(len(term) - 2)
    return offsets


class SiteSearch:
    def __init__(self, site_dir: Path) -> None:
        self.folder = Path(site_dir) / "search"
        self.manifest = json.loads((self.folder / "index.json").read_text("utf-8"))
        self.pages: list[list[object]] = self.manifest["pages"]
        self.segments: list[tuple[int, list[str]]] = [(int(a), list(s)) for a, s in self.manifest["segments"]]
        self._shards: dict[str, dict[str, list[int]]] = {}

    def _shard(self, name: str) -> dict[str, list[int]]:
        if name not in self._shards:
            self._shards[name] = json.loads((self.folder / "s" / f"{name}.json").read_text("utf-8"))
        return self._shards[name]

    def postings(self, key: str) -> dict[int, list[int]]:
        """Page -> positions for a pair of characters, page -> [count] for one character: one shard per segment."""
        pages: dict[int, list[int]] = {}
        for first, shards in self.segments:
            flat = self._shard(shards[shard_of(key, len(shards))]).get(key, [])
            page, i = first, 0
            while i < len(flat):
                page += flat[i]
                n = flat[i + 1]
                if len(key) == 1:
                    pages[page], i = [n], i + 2
                    continue
                positions, at = [], 0
                for k in range(n):
                    at = flat[i + 2] if k == 0 else at + flat[i + 2 + k]
                    positions.append(at)
                pages[page], i = positions, i + 2 + n
        return pages

    def _term(self, term: str) -> Hits:
        offsets = cover(term)
        lists = [self.postings(term[o : o + 2] if len(term) > 1 else term) for o in offsets]
        if len(term) == 1:
            return {page: (c[0], 0, False) for page, c in lists[0].items()}
        hits: Hits = {}
        for page in set.intersection(*(set(p) for p in lists)):
            body = int(self.pages[page][2])  # type: ignore[call-overload]
            others = [set(p[page]) for p in lists[1:]]
            starts = [p - offsets[0] for p in lists[0][page]]
            exact = [s for s in starts if all(s + o in ps for o, ps in zip(offsets[1:], others, strict=True))]
            if exact:
                hits[page] = (len(exact), sum(1 for s in exact if s >= body), False)
            elif loose_allowed(term):
                hits[page] = (0, 0, True)
        return hits

    def find(self, query: str) -> list[Found]:
        per_term = [self._term(t) for t in terms_of(query)]
        if not per_term:
            return []
        ranked: list[tuple[tuple[int, int, int], int]] = []
        for page in set.intersection(*(set(h) for h in per_term)):
            marks = [h[page] for h in per_term]
            exact = all(not loose for _, _, loose in marks)
            head = sum(1 for _, named, _ in marks if named)
            count = sum(min(n, 50) for n, _, _ in marks)
            ranked.append(((-int(exact), -head, -count), page))
        # Among equals, newer numbers first: addresses in descending order, compared as the script
        # compares strings (UTF-16 code units), then the ranks (a stable sort keeps that order).
        ranked.sort(key=lambda r: str(self.pages[r[1]][0]).encode("utf-16-be"), reverse=True)
        ranked.sort(key=lambda r: r[0])
        return [Found(str(self.pages[p][0]), str(self.pages[p][1]), key[0] == -1) for key, p in ranked]
