"""The search stage of a publish: from the built pages to the files the site's search script loads.

`build_search(site_dir, cache_dir)` runs after MkDocs. Its output is a function of the built pages
alone: byte for byte the same whatever order the pages were written in, with no time stamps, so a
page that did not change leaves its files unchanged. What it reads of each page is kept in the
cache folder by the page's content hash; a later build reads only pages whose HTML changed.

Files written under site/search/ (the server compresses them on the way, as it does every page):
- index.json: {"version", "shards": [file names], "pages": [[address, title, body length, text file]]}
- s/<hash>.json: one shard of the bigram index (index.py), named by its content;
- t/<hash>.json: one page's text for excerpts: {"b": text, "s": [[start, anchor, heading], ...]}.

The body length in index.json counts code points (positions in the postings do); section starts
count UTF-16 units (the script slices the text with them).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from generator.search.fold import fold
from generator.search.index import Postings, head_text, page_keys
from generator.search.pagetext import PageText, Section, page_url, read_page

FORMAT = 1  # bump when the files' layout changes; the site's script checks it
CACHE_FILE = "search-pages.json"
SEARCH_DIR = "search"
MATERIAL_INDEX = "search_index.json"  # written by the theme's search plugin; not used
SKIPPED_DIRS = ("assets/", "search/")


@dataclass(frozen=True)
class SearchStats:
    pages: int  # pages in the index
    read: int  # pages whose HTML was read (not found in the cache)
    shards: int
    keys: int
    bytes: int  # all files written
    seconds: float


@dataclass(frozen=True)
class _Indexed:
    page: PageText
    body: str
    starts: tuple[int, ...]  # where each section starts in the body, in UTF-16 units as the script counts


def build_search(site_dir: Path, cache_dir: Path) -> SearchStats:
    """Index every page of the built site that is not kept out of the search; returns the figures."""
    start = time.perf_counter()
    site_dir = Path(site_dir)
    cache = _PageCache(Path(cache_dir) / CACHE_FILE)
    pages = [p for p in (cache.read(site_dir, path) for path in _page_files(site_dir)) if p is not None]
    cache.save()
    # Newest first among equals: addresses sorted descending put P-2026-… before P-2021-….
    pages.sort(key=lambda p: p.url, reverse=True)
    names = _names(pages)
    out = site_dir / SEARCH_DIR
    (out / MATERIAL_INDEX).unlink(missing_ok=True)
    for sub in ("s", "t"):
        shutil.rmtree(out / sub, ignore_errors=True)
    postings = Postings()
    rows: list[list[object]] = []
    written: list[int] = [0]
    for number, page in enumerate(pages):
        indexed = _indexed(page)
        text = fold(indexed.body + " " + head_text(page.title, names.get(page.url, ())))
        postings.add_page(number, *page_keys(text))
        sections = [[s, sec.anchor, sec.heading] for s, sec in zip(indexed.starts, page.sections, strict=True)]
        name = _write(out / "t", {"b": indexed.body, "s": sections}, written)
        rows.append([page.url, page.title, len(indexed.body) + 1, name])
    shard_files = [_write_bytes(out / "s", data, written) for data in postings.shards()]
    manifest = {"version": FORMAT, "shards": shard_files, "pages": rows}
    _write(out, manifest, written, name="index")
    seconds = round(time.perf_counter() - start, 3)
    return SearchStats(len(pages), cache.read_count, len(shard_files), len(postings.lists), written[0], seconds)


def _page_files(site_dir: Path) -> list[str]:
    found = []
    for path in site_dir.rglob("index.html"):
        relative = path.relative_to(site_dir).as_posix()
        if not relative.startswith(SKIPPED_DIRS):
            found.append(relative)
    return sorted(found)


def _indexed(page: PageText) -> _Indexed:
    starts, at = [], 0
    for section in page.sections:
        starts.append(at)
        at += len(section.text.encode("utf-16-le")) // 2 + 1
    return _Indexed(page, " ".join(s.text for s in page.sections), tuple(starts))


def _names(pages: list[PageText]) -> dict[str, list[str]]:
    """What each page is called by the links pointing to it, and the last part of its address."""
    known = {p.url for p in pages}
    names: dict[str, set[str]] = defaultdict(set)
    for page in pages:
        key = page.url.rstrip("/").rsplit("/", 1)[-1]
        if key:
            names[page.url].add(key)
        for target, text in page.links:
            if target in known:
                names[target].add(text)
    return {url: sorted(found) for url, found in names.items()}


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write(folder: Path, value: object, written: list[int], name: str = "") -> str:
    return _write_bytes(folder, _json(value), written, name)


def _write_bytes(folder: Path, data: bytes, written: list[int], name: str = "") -> str:
    """Write data, named by its content unless a name is given; returns the name."""
    name = name or hashlib.sha1(data).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_bytes(data)
    written[0] += len(data)
    return name


class _PageCache:
    """What was read of each page, by the hash of its HTML; a page read before is not parsed again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.old: dict[str, object] = {}
        self.new: dict[str, object] = {}
        self.read_count = 0
        try:
            saved = json.loads(path.read_text("utf-8"))
            if isinstance(saved, dict) and saved.get("format") == FORMAT:
                self.old = saved["pages"]
        except (OSError, ValueError, KeyError):
            pass  # no cache or a torn one: every page is read afresh

    def read(self, site_dir: Path, relative: str) -> PageText | None:
        raw = (site_dir / relative).read_bytes()
        key = hashlib.sha1(raw).hexdigest() + ":" + relative
        saved = self.new.get(key, self.old.get(key, False))
        if saved is False:
            self.read_count += 1
            page = read_page(raw.decode("utf-8"), page_url(relative))
            saved = _to_json(page) if page is not None else None
        self.new[key] = saved
        return _from_json(saved) if saved is not None else None

    def save(self) -> None:
        """Keep what this build used, nothing older; written whole, then renamed into place."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(_json({"format": FORMAT, "pages": self.new}))
        os.replace(tmp, self.path)


def _to_json(page: PageText) -> object:
    return [page.url, page.title, [[s.anchor, s.heading, s.text] for s in page.sections], [list(x) for x in page.links]]


def _from_json(saved: object) -> PageText:
    assert isinstance(saved, list)
    url, title, sections, links = saved
    return PageText(
        str(url), str(title), tuple(Section(a, h, t) for a, h, t in sections), tuple((t, x) for t, x in links)
    )
