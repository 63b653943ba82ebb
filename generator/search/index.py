"""The character-bigram index: where each pair of adjacent characters occurs, split into shards.

Every pair of adjacent characters of a page's folded text (a bigram; white space breaks pairs) is
a key whose postings say on which pages and at which positions it occurs. A query of n characters
is found exactly by checking that the bigrams at offsets 0, 2, 4 ... (and n-2) occur at matching
positions, so any substring is found, across word boundaries, without a word list. Single
characters are keys too, with a count per page instead of positions.

Postings are flat integer lists, page by page: [page - previous page, count, first position,
gaps between positions ...] for bigrams, [page - previous page, count] for single characters.
The pages are indexed a segment at a time (segments.py), page numbers counted from the segment's
first page. Keys go to a segment's shards by a hash the site's script computes the same way
(`shard_of`), so a query loads only the shards of its own keys.

A page's part of a key's postings after the page number ("count,first,gaps" or "count") does not
depend on any other page: `page_keys` computes it once per page as text, the stage caches it, and
`Postings` only strings the parts of all pages together.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat
from operator import add, sub

# Bytes of JSON a query loads for one key, at most on average, before compression: one shard from
# each segment, so a segment's shards are this divided by the number of segments.
KEY_BYTES = 64 * 1024
MAX_SHARDS = 4096

PageKeys = dict[str, str]  # key -> the page's part of its postings, as JSON list items without brackets


def shard_of(key: str, shards: int) -> int:
    """FNV-1a over the key's code points, modulo the number of shards."""
    h = 0x811C9DC5
    for c in key:
        h = ((h ^ ord(c)) * 0x01000193) & 0xFFFFFFFF
    return h % shards


class _Numbers(list[str]):
    """Numbers as text, made once: most of the index is small numbers written over and over."""

    def upto(self, top: int) -> _Numbers:
        if top >= len(self):
            self.extend(map(str, range(len(self), max(top + 1, 2 * len(self)))))
        return self


_NUMBERS = _Numbers()


def _positions(text: str, offset: int = 0) -> defaultdict[str, list[int]]:
    found: defaultdict[str, list[int]] = defaultdict(list)
    # One step per character: the costliest loop of a page read for the first time.
    for i, pair in enumerate(map(str.__add__, text, text[1:]), offset):
        found[pair].append(i)
    return found


def _part(positions: list[int]) -> str:
    """ "count,first,gap,gap ..." for one key's positions on one page."""
    numbers = _NUMBERS.upto(positions[-1])
    gaps = map(numbers.__getitem__, map(sub, positions, [0, *positions]))
    return f"{len(positions)}," + ",".join(gaps)


def page_keys(text: str) -> PageKeys:
    """Each bigram and character of a folded text with its postings on the page (page number left out).

    Pairs come first, then single characters: the cache relies on that order.
    """
    number = _NUMBERS.upto(len(text)).__getitem__
    keys: PageKeys = {}
    # _part written out: this runs once per bigram and page read, 760,000 times at five years.
    for pair, at in _positions(text).items():
        if " " in pair:
            continue
        if len(at) == 1:
            keys[pair] = "1," + number(at[0])
        else:
            keys[pair] = f"{len(at)}," + ",".join(map(number, map(sub, at, [0, *at])))
    keys.update((char, number(count)) for char, count in Counter(text).items() if char != " ")
    return keys


def with_head(body: PageKeys, head: str, offset: int) -> PageKeys:
    """The page's keys with those of its folded names (`head_text`) added, the names starting at `offset`.

    The names come after the body in the page's text: a key in both gets the names' positions
    appended to the body's. Changes `body` and returns it.
    """
    for pair, at in _positions(head, offset).items():
        if " " in pair:
            continue
        part = body.get(pair)
        if part is None:
            body[pair] = _part(at)
            continue
        values = part.split(",")
        last = sum(map(int, values[1:]))
        more = _part([last, *at]).split(",", 2)[2]  # the gaps from the body's last position on
        body[pair] = f"{int(values[0]) + len(at)},{','.join(values[1:])},{more}"
    for char, count in Counter(head).items():
        if char != " ":
            body[char] = str(int(body.get(char, "0")) + count)
    return body


@dataclass(frozen=True)
class Run:
    """The postings of a run of consecutive pages numbered from 0: for each key, the first and last
    page it is on and its postings from the first page's part on (the first page number left out)."""

    keys: list[str]
    firsts: list[int]
    lasts: list[int]
    postings: list[str]


class Postings:
    """Postings of every key, strung together page by page (or run by run) in page order."""

    def __init__(self) -> None:
        self.parts: dict[str, list[str]] = {}
        self.last: dict[str, int] = {}  # the last page each key was found on

    def add_page(self, page: int, keys: PageKeys) -> None:
        numbers, parts, last = _NUMBERS.upto(page), self.parts, self.last
        # One step per key and page (1.2 million at five years): the most of a build from the pages' parts.
        for key, part in keys.items():
            previous = last.get(key)
            if previous is None:
                parts[key] = [numbers[page], part]
            else:
                parts[key] += (numbers[page - previous], part)
        last.update(dict.fromkeys(keys, page))

    def add_run(self, start: int, run: Run) -> None:
        """Add the postings of a run whose first page is `start`: one step per key, not per key and page."""
        numbers, parts, last = _NUMBERS.upto(start + max(run.lasts, default=0)), self.parts, self.last
        for key, first, postings in zip(run.keys, run.firsts, run.postings, strict=True):
            previous = last.get(key)
            if previous is None:
                parts[key] = [numbers[start + first], postings]
            else:
                parts[key] += (numbers[start + first - previous], postings)
        last.update(zip(run.keys, map(add, repeat(start), run.lasts), strict=True))

    def run(self) -> Run:
        """What was added so far, as a run (pairs first, then single characters, as the cache keeps keys)."""
        keys = [k for k in self.parts if len(k) == 2] + [k for k in self.parts if len(k) == 1]
        firsts = [int(self.parts[k][0]) for k in keys]
        return Run(keys, firsts, [self.last[k] for k in keys], [",".join(self.parts[k][1:]) for k in keys])

    def shards(self, target: int = KEY_BYTES) -> list[bytes]:
        """The shards as JSON objects {key: postings}, keys sorted: the same input gives the same bytes.

        `target`: bytes of JSON per shard, at most on average.
        """
        encoded = {k: "[" + ",".join(v) + "]" for k, v in self.parts.items()}
        total = sum(len(v) + 8 for v in encoded.values())
        # Any number of shards will do (the hash is taken modulo it): every shard of a segment is
        # written again when one of its pages changes anyway, so the count may follow its size closely.
        count = min(MAX_SHARDS, max(1, -(-total // target)))
        buckets: list[list[str]] = [[] for _ in range(count)]
        for key in sorted(encoded):
            buckets[shard_of(key, count)].append(f"{_json_key(key)}:{encoded[key]}")
        return [("{" + ",".join(b) + "}").encode("utf-8") for b in buckets]


_ESCAPED = re.compile(r'["\\\x00-\x1f]')  # what JSON escapes in a string when not made ASCII


def _json_key(key: str) -> str:
    """`json.dumps(key, ensure_ascii=False)`, without its cost for the usual key (tens of thousands a segment)."""
    return json.dumps(key, ensure_ascii=False) if _ESCAPED.search(key) else f'"{key}"'


def head_text(title: str, names: Iterable[str]) -> str:
    """The page's own names (title, link texts pointing to it, its address), searched before its text."""
    seen: dict[str, None] = {title: None}
    for name in names:
        seen.setdefault(name, None)
    return " ".join(seen)
