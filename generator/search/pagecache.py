"""What the search stage made of the pages, kept between builds in one folder, every file named by its inputs.

- `<key>.page`: what was read of one page, named by a hash of its address and of the part of its
  HTML the search reads (`pagetext.searchable_html`). A page whose searchable part did not change
  is never parsed again, although every build writes a new generation time into every page.
  Two lines: JSON [address, title, links, body length, text file name, its size] (or null for a
  page with nothing to search), then the page's keys (`_pack`).
- `<name>.text`: a page's text file for excerpts, named by its content; linked (or copied) into the site.
- `<key>.run`: the postings of a run of consecutive pages (`index.Run`), named by a hash of those
  pages' keys and names; the postings of an unchanged run are strung on whole.
- `<key>.seg`: the shards a segment of pages was written as (segments.py), JSON [[file name, size], ...],
  named by a hash of its runs' names; an unchanged segment's shards are not made again at all.

Files are written whole and renamed into place; a build removes every file it did not use.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.search.index import PageKeys, Run

PAGE, TEXT, RUN, SEGMENT = ".page", ".text", ".run", ".seg"


@dataclass(frozen=True)
class PageEntry:
    key: str  # the name of its cache file
    url: str
    title: str
    # (page the link points to, the link's text): pairs as read, or two-item lists as the cache keeps them
    links: Sequence[Sequence[str]]
    body_length: int  # code points of the body and the space after it: where the page's names start
    text_name: str  # the page's text file for excerpts, named by its content
    text_size: int
    packed_keys: bytes = b""  # the body's keys as the cache keeps them (read only when a run is built)
    fresh_keys: PageKeys | None = field(default=None, compare=False)  # the keys, when just computed


class PageCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        with os.scandir(folder) as found:
            # Text files go into the site as they are: one of the wrong size (damaged) is not used.
            self.sizes = {e.name: e.stat().st_size if e.name.endswith(TEXT) else -1 for e in found}
        self.used: set[str] = set()
        self.stored = 0  # pages read afresh in this build
        self.runs_stored = 0

    def lookup(self, key: str, line: list[object] | None = None) -> tuple[bool, PageEntry | None]:
        """(found, entry): entry None means the page was read before and has nothing to search.

        Only the first line is read (or none, when the caller knows it: `line`, see `entry_line`); the
        keys are read when the page's run is strung again (`packed_keys`).
        """
        if self._use(key + PAGE) is None:
            return False, None
        entry: PageEntry | None
        try:
            if line is not None:
                entry = _entry_of(key, line)
            else:
                with open(self.folder / (key + PAGE), "rb") as handle:
                    entry = _load_entry(key, handle.readline())
        except FileNotFoundError:
            return False, None
        except (ValueError, TypeError):
            return False, None  # a file of another layout: the page is read again and the file rewritten
        if entry is not None and self._use(entry.text_name + TEXT) != entry.text_size:
            return False, None
        return True, entry

    def store(self, entry: PageEntry | None, key: str, text: bytes = b"") -> None:
        """Keep what was read of a page (entry None: nothing to search on it) and its text file."""
        self.stored += 1
        if entry is not None:
            self._write(entry.text_name + TEXT, text)
            self._write(key + PAGE, _json(entry_line(entry)) + b"\n" + entry.packed_keys)
        else:
            self._write(key + PAGE, b"null")

    def packed_keys(self, key: str) -> bytes:
        """The keys of a page found by `lookup` (b"" when its file is gone)."""
        data = self._read(key + PAGE)
        return data.partition(b"\n")[2] if data is not None else b""

    def text_path(self, name: str) -> str:
        return os.path.join(self.folder, name + TEXT)

    def run(self, key: str) -> Run | None:
        data = self._read(key + RUN)
        try:
            return _load_run(data) if data is not None else None
        except (ValueError, TypeError):
            return None

    def store_run(self, key: str, run: Run) -> None:
        self.runs_stored += 1
        packed = _pack(run.keys, [run.firsts, run.lasts, ";".join(run.postings)])
        self._write(key + RUN, packed)

    def keep_run(self, key: str) -> None:
        """Keep a run's file without reading it (its segment's shards were found whole)."""
        self._use(key + RUN)

    def segment(self, key: str) -> list[tuple[str, int]] | None:
        """The shard files (name, size) a segment was written as, if it was."""
        data = self._read(key + SEGMENT)
        try:
            found = json.loads(data) if data is not None else None
            return [(str(name), int(size)) for name, size in found] if isinstance(found, list) else None
        except (ValueError, TypeError):
            return None

    def store_segment(self, key: str, shards: list[tuple[str, int]]) -> None:
        self._write(key + SEGMENT, _json(shards))

    def prune(self) -> None:
        """Remove what this build did not use: pages gone or changed, old runs, files of an older layout."""
        for name in self.sizes.keys() - self.used:
            (self.folder / name).unlink(missing_ok=True)

    def _use(self, name: str) -> int | None:
        """Mark a file used; its size for a text file, -1 for another, None when it is not there."""
        self.used.add(name)
        return self.sizes.get(name)

    def _read(self, name: str) -> bytes | None:
        if self._use(name) is None:
            return None
        try:
            return (self.folder / name).read_bytes()
        except FileNotFoundError:
            return None

    def _write(self, name: str, data: bytes) -> None:
        tmp = self.folder / f"{name}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, self.folder / name)
        self.sizes[name] = len(data) if name.endswith(TEXT) else -1
        self.used.add(name)


def pack_keys(keys: PageKeys) -> bytes:
    """The keys of `index.page_keys` (pairs first, then single characters) with their parts."""
    return _pack(list(keys), [";".join(keys.values())])


def unpack_keys(packed: bytes) -> PageKeys:
    names, (parts,) = _unpack(packed)
    if not isinstance(parts, str):
        raise TypeError("not a page's keys")
    split = parts.split(";") if parts else []
    return dict(zip(names, split, strict=True))


def _pack(keys: list[str], columns: list[object]) -> bytes:
    """The keys joined into one string and counted, then the columns. Pairs must come before single
    characters (`index.page_keys` and `index.Postings.run` give them so): the count then tells where
    the pairs end."""
    return _json(["".join(keys), len(keys), *columns])


def _unpack(packed: bytes) -> tuple[list[str], list[object]]:
    joined, count, *columns = json.loads(packed)
    if not isinstance(joined, str) or not isinstance(count, int):
        raise TypeError("not packed keys")
    pairs = 2 * (len(joined) - count)
    names = list(map(str.__add__, joined[0:pairs:2], joined[1:pairs:2]))
    names.extend(joined[pairs:])
    return names, columns


def entry_line(entry: PageEntry) -> list[object]:
    """The first line of a page's cache file: what the index needs of the page besides its keys."""
    return [entry.url, entry.title, entry.links, entry.body_length, entry.text_name, entry.text_size]


def _entry_of(key: str, line: list[object], packed: bytes = b"") -> PageEntry:
    url, title, links, body_length, text_name, text_size = line
    if not isinstance(links, list) or not isinstance(body_length, int) or not isinstance(text_size, int):
        raise TypeError("not a page's entry")
    # The links stay the lists JSON gave (75,000 at five years): they are only read, as pairs of strings.
    if links and not (isinstance(links[0], list) and len(links[0]) == 2 and isinstance(links[0][1], str)):
        raise TypeError("not a page's links")
    return PageEntry(key, str(url), str(title), links, body_length, str(text_name), text_size, packed)


def _load_entry(key: str, data: bytes) -> PageEntry | None:
    meta_line, _, packed = data.partition(b"\n")
    meta = json.loads(meta_line)
    return None if meta is None else _entry_of(key, meta, packed)


def _load_run(data: bytes) -> Run:
    keys, (firsts, lasts, postings) = _unpack(data)
    if not (isinstance(firsts, list) and isinstance(lasts, list) and isinstance(postings, str)):
        raise TypeError("not a run")
    run = Run(keys, firsts, lasts, postings.split(";") if postings else [])
    if not len(keys) == len(firsts) == len(lasts) == len(run.postings):
        raise ValueError("torn run")
    return run


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
