"""How the search's pages are grouped: into segments, each with its own shards, and into runs within a segment.

A page's words fall in almost every shard, so an index with one set of shards is written again whole
whenever any page changes. The pages are therefore split into a few segments by a hash of their
address, each segment indexed on its own with its page numbers counted from its first page: a
publish that changes one page writes one segment's shards again, and the others stay as they were.
The site's script fetches one shard per segment for each key and adds the segment's first page.

Both groupings depend on the pages' addresses and their number only, never on their content or on
the build's history, so an incremental build gives the bytes of a full one.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

SEGMENT_PAGES = 256  # pages in a segment, at least, before the pages are split into more segments
MAX_SEGMENTS = 8  # each key of a query fetches one shard per segment
RUN_LENGTH = 16  # pages in a run of the page cache, on average


def _crc(url: str) -> int:
    return zlib.crc32(url.encode("utf-8"))


def segment_count(pages: int, segment_pages: int = SEGMENT_PAGES) -> int:
    """A power of two: one segment for a small site, more as it grows, at most MAX_SEGMENTS."""
    count = 1
    while count < MAX_SEGMENTS and pages >= 2 * count * segment_pages:
        count *= 2
    return count


def segment_of(url: str, count: int) -> int:
    # The low bits of the hash; runs use higher ones, so that runs end in every segment alike.
    return _crc(url) % count


def in_segments(urls: Sequence[str], count: int) -> list[tuple[int, int]]:
    """The (first, end) page numbers of each segment, for addresses already sorted by segment."""
    bounds: list[tuple[int, int]] = []
    first = 0
    for number in range(count):
        end = first
        while end < len(urls) and segment_of(urls[end], count) == number:
            end += 1
        bounds.append((first, end))
        first = end
    if first != len(urls):
        raise ValueError("pages not sorted by segment")
    return bounds


def in_runs(urls: Sequence[str]) -> list[tuple[int, int]]:
    """Consecutive pages in runs that end where an address says so: a page added or changed changes
    its own run only, whatever it does to the numbers of the pages after it."""
    ends = [i + 1 for i, url in enumerate(urls) if (_crc(url) >> 8) % RUN_LENGTH == 0]
    if not ends or ends[-1] != len(urls):
        ends.append(len(urls))
    return [(a, b) for a, b in zip([0, *ends[:-1]], ends, strict=True) if a < b]
