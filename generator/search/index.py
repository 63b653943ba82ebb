"""The character-bigram index: where each pair of adjacent characters occurs, split into shards.

Every pair of adjacent characters of a page's folded text (a bigram; white space breaks pairs) is
a key whose postings say on which pages and at which positions it occurs. A query of n characters
is found exactly by checking that the bigrams at offsets 0, 2, 4 ... (and n-2) occur at matching
positions, so any substring is found, across word boundaries, without a word list. Single
characters are keys too, with a count per page instead of positions.

Postings are flat integer lists, page by page: [page - previous page, count, first position,
gaps between positions ...] for bigrams, [page - previous page, count] for single characters.
Keys go to shards by a hash the site's script computes the same way (`shard_of`), so a query
loads only the shards of its own keys.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from operator import sub

SHARD_TARGET = 48 * 1024  # bytes of JSON per shard, on average, before compression
MAX_SHARDS = 4096


def shard_of(key: str, shards: int) -> int:
    """FNV-1a over the key's code points, modulo the number of shards (a power of two)."""
    h = 0x811C9DC5
    for c in key:
        h = ((h ^ ord(c)) * 0x01000193) & 0xFFFFFFFF
    return h & (shards - 1)


def page_keys(text: str) -> tuple[dict[str, list[int]], dict[str, int]]:
    """Positions of each bigram and the count of each character in a folded text."""
    pairs: defaultdict[str, list[int]] = defaultdict(list)
    for i, pair in enumerate(map(str.__add__, text, text[1:])):
        pairs[pair].append(i)
    for spaced in [p for p in pairs if " " in p]:
        del pairs[spaced]
    singles = Counter(text)
    del singles[" "]
    return pairs, singles


class Postings:
    """Postings of every key, filled page by page in page order."""

    def __init__(self) -> None:
        self.lists: dict[str, list[int]] = {}  # key -> [last page, then the postings]

    def add_page(self, page: int, pairs: dict[str, list[int]], singles: dict[str, int]) -> None:
        lists = self.lists
        # One step per key and page, the gaps computed in C: this is most of the stage's time.
        for key, positions in pairs.items():
            target = lists.get(key)
            if target is None:
                target = lists[key] = [0]
            target += (page - target[0], len(positions), positions[0])
            target += map(sub, positions[1:], positions)
            target[0] = page
        for key, count in singles.items():
            target = lists.get(key)
            if target is None:
                target = lists[key] = [0]
            target += (page - target[0], count)
            target[0] = page

    def shards(self) -> list[bytes]:
        """The shards as JSON objects {key: postings}, keys sorted: the same input gives the same bytes."""
        encoded = {k: "[" + ",".join(map(str, v[1:])) + "]" for k, v in self.lists.items()}
        total = sum(len(v) + 8 for v in encoded.values())
        count = 1
        while count < MAX_SHARDS and total / count > SHARD_TARGET:
            count *= 2
        buckets: list[list[str]] = [[] for _ in range(count)]
        for key in sorted(encoded):
            buckets[shard_of(key, count)].append(f"{json.dumps(key, ensure_ascii=False)}:{encoded[key]}")
        return [("{" + ",".join(b) + "}").encode("utf-8") for b in buckets]


def head_text(title: str, names: Iterable[str]) -> str:
    """The page's own names (title, link texts pointing to it, its address), searched before its text."""
    seen: dict[str, None] = {title: None}
    for name in names:
        seen.setdefault(name, None)
    return " ".join(seen)
