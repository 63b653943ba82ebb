"""The search stage of a publish: from the built pages to the files the site's search script loads.

`build_search(site_dir, cache_dir)` runs after MkDocs. Its output is a function of the built pages
alone: byte for byte the same whatever order the pages were written in and whether or not a cache
exists, with no time stamps. What the stage makes of each page (its text, links and postings parts)
is kept in the cache folder (pagecache.py), named by the part of the page the search reads; a later
build parses and indexes only pages whose searchable part changed, and strings the rest together.

Files written under site/search/ (the server compresses them on the way, as it does every page):
- index.json: {"version", "segments": [[first page, [shard file names]], ...],
  "pages": [[address, title, body length, text file]]}; pages are grouped by segment (segments.py),
  and within one in descending order of address (newer numbers first);
- s/<hash>.json: one shard of one segment's bigram index (index.py), named by its content;
- t/<hash>.json: one page's text for excerpts: {"b": text, "s": [[start, anchor, heading], ...]}.
Into a folder that already holds an index, only files whose content is new are written, and files
no longer used are removed. A segment whose pages and names did not change is not made again: its
shards are known from the cache.

The body length in index.json counts code points (positions in the postings do); section starts
count UTF-16 units (the script slices the text with them).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from generator.search.fold import fold
from generator.search.index import KEY_BYTES, PageKeys, Postings, Run, head_text, page_keys, with_head
from generator.search.pagecache import PageCache, PageEntry, entry_line, pack_keys, unpack_keys
from generator.search.pagetext import page_url, read_article, searchable_html
from generator.search.segments import SEGMENT_PAGES, in_runs, in_segments, segment_count, segment_of

FORMAT = 2  # bump when the files' layout changes; the site's script checks it
# What the cached parts depend on besides the page: the files' layout, how pages are read and
# indexed (bump CACHE_LAYOUT when that changes) and the Unicode tables folding uses.
CACHE_LAYOUT = 3
CACHE_VERSION = f"{FORMAT}.{CACHE_LAYOUT}.{unicodedata.unidata_version}"
CACHE_DIR = "search-pages"
OLD_CACHE_FILE = "search-pages.json"  # the cache of CACHE_LAYOUT 1, one file for all pages
SEEN_FILE = "search-seen.json"  # which file each page was at the last build, and its key (_Seen)
SEARCH_DIR = "search"
MATERIAL_INDEX = "search_index.json"  # written by the theme's search plugin; not used
SKIPPED_DIRS = ("assets", "search")


@dataclass(frozen=True)
class SearchStats:
    pages: int  # pages in the index
    read: int  # pages parsed and indexed afresh (the others came from the cache)
    runs: int  # runs of pages whose postings were strung afresh (runs_built of them), the others cached
    runs_built: int
    segments: int  # segments whose shards were made afresh (segments_built of them), the others kept
    segments_built: int
    shards: int
    keys: int
    bytes: int  # all files of the index
    seconds: float


def build_search(
    site_dir: Path,
    cache_dir: Path,
    early: dict[str, str] | None = None,
    built: Collection[str] | None = None,
    segment_pages: int = SEGMENT_PAGES,
    written: Callable[[str, bytes], None] | None = None,
) -> SearchStats:
    """Index every page of the built site that is not kept out of the search; returns the figures.

    `early`: pages already read into the cache as MkDocs wrote them (output/early.py), with their keys.
    `built`: every file of the site, as MkDocs listed them (otherwise the folder is walked).
    `segment_pages`: how many pages make a segment, at least (tests make it small).
    `written`: told of each file the stage writes (its path in the site, its bytes) as soon as it is written.
    """
    start = time.perf_counter()
    site_dir, cache_dir = Path(site_dir), Path(cache_dir)
    cache = PageCache(cache_dir / CACHE_DIR)
    seen = _Seen(cache_dir / SEEN_FILE)
    files = _page_files(site_dir) if built is None else sorted(filter(_is_page, built))
    entries = (_entry(cache, seen, site_dir, path, early or {}) for path in files)
    pages = [e for e in entries if e is not None]
    count = segment_count(len(pages), segment_pages)
    # Newest first among equals: addresses sorted descending put P-2026-… before P-2021-…; then grouped.
    pages.sort(key=lambda p: p.url, reverse=True)
    pages.sort(key=lambda p: segment_of(p.url, count))
    names = _names(pages)
    heads = [fold(head_text(p.title, names.get(p.url, ()))) for p in pages]
    out = _Output(site_dir / SEARCH_DIR, written)
    for page in pages:
        out.link("t", page.text_name, page.text_size, cache.text_path(page.text_name))
    segments: list[tuple[int, list[str]]] = []
    tally = _Tally()
    for first, end in in_segments([p.url for p in pages], count):
        if first < end:
            shards = _segment(cache, site_dir, out, pages[first:end], heads[first:end], KEY_BYTES // count, tally)
            segments.append((first, shards))
    rows = [[p.url, p.title, p.body_length, p.text_name] for p in pages]
    out.put("", _json({"version": FORMAT, "segments": segments, "pages": rows}), "index")
    out.prune()
    cache.prune()
    seen.save()
    (cache_dir / OLD_CACHE_FILE).unlink(missing_ok=True)
    seconds = round(time.perf_counter() - start, 3)
    figures = (len(pages), cache.stored, tally.runs, cache.runs_stored, len(segments), tally.segments_built)
    return SearchStats(*figures, sum(len(s) for _, s in segments), tally.keys, out.bytes, seconds)


@dataclass
class _Tally:
    runs: int = 0
    segments_built: int = 0
    keys: int = 0  # distinct keys of the segments made afresh


def _segment(
    cache: PageCache,
    site_dir: Path,
    out: _Output,
    pages: list[PageEntry],
    heads: list[str],
    shard_bytes: int,
    tally: _Tally,
) -> list[str]:
    """The shard files of one segment: those written before when its runs did not change, else made now."""
    runs = in_runs([p.url for p in pages])
    keys = [_run_key(pages[a:b], heads[a:b]) for a, b in runs]
    tally.runs += len(runs)
    key = _hash(CACHE_VERSION, str(shard_bytes), *keys)
    known = cache.segment(key)
    if known is not None and out.keep("s", known):
        for run_key in keys:
            cache.keep_run(run_key)
        return [name for name, _ in known]
    postings = Postings()
    for (a, b), run_key in zip(runs, keys, strict=True):
        postings.add_run(a, _run(cache, site_dir, run_key, pages[a:b], heads[a:b]))
    data = postings.shards(shard_bytes)
    shards = [(out.put("s", d), len(d)) for d in data]
    cache.store_segment(key, shards)
    tally.segments_built += 1
    tally.keys += len(postings.parts)
    return [name for name, _ in shards]


def _page_files(site_dir: Path) -> list[str]:
    found = []
    for folder, subfolders, files in os.walk(site_dir):
        if folder == str(site_dir):
            subfolders[:] = [d for d in subfolders if d not in SKIPPED_DIRS]
        if "index.html" in files:
            found.append(Path(folder, "index.html").relative_to(site_dir).as_posix())
    return sorted(found)


def _is_page(relative: str) -> bool:
    """What _page_files finds: an index.html outside the theme's and the search's folders."""
    return (relative == "index.html" or relative.endswith("/index.html")) and relative.split("/")[0] not in SKIPPED_DIRS


def _entry(cache: PageCache, seen: _Seen, site_dir: Path, relative: str, early: dict[str, str]) -> PageEntry | None:
    """What the search holds of one page: from the cache when its searchable part was seen before."""
    path = os.path.join(site_dir, relative)
    stat = os.stat(path)
    known, meta = seen.known(relative, stat) or (early.get(relative), None)
    if known is not None:
        found, entry = cache.lookup(known, meta) if known else (True, None)
        if found:
            seen.keep(relative, stat, known, entry)
            return entry
    with open(path, encoding="utf-8") as handle:
        key, entry = read_into_cache(cache, relative, handle.read())
    seen.keep(relative, stat, key, entry)
    return entry


def read_into_cache(cache: PageCache, relative: str, page: str) -> tuple[str, PageEntry | None]:
    """What the search makes of a page (its HTML `page`), from the cache or read now and put there;
    with its key ("" for a page kept out of the search)."""
    article = searchable_html(page)
    if article is None:
        return "", None
    url = page_url(relative)
    key = _hash(CACHE_VERSION, url, article)
    found, entry = cache.lookup(key)
    if not found:
        entry = _read(cache, key, article, url)
    return key, entry


class _Seen:
    """Each page's file at the last build (inode, size, modification time), its key ("": kept out) and what
    its cache file's first line says (so that a build need not open 1,300 files to know the pages).

    An incremental publish clones the live version with hard links and writes only the pages that
    changed as new files: a page that is still the same file need not be read again to know its key.
    Only a file with more than one link counts as the same: one that is not shared with a published
    version could have been written over in place within the clock's resolution.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            loaded = json.loads(path.read_bytes())
            self.before: dict[str, list[object]] = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self.before = {}
        self.now: dict[str, list[object]] = {}

    @staticmethod
    def _file(stat: os.stat_result) -> list[object]:
        return [CACHE_VERSION, stat.st_ino, stat.st_size, stat.st_mtime_ns]

    def known(self, relative: str, stat: os.stat_result) -> tuple[str, list[object] | None] | None:
        """The page's key and its entry's line, if it is still the file it was at the last build."""
        row = self.before.get(relative)
        if not (stat.st_nlink > 1 and isinstance(row, list) and len(row) == 6 and row[:4] == self._file(stat)):
            return None
        key, meta = row[4], row[5]
        return (key, meta if isinstance(meta, list) else None) if isinstance(key, str) else None

    def keep(self, relative: str, stat: os.stat_result, key: str, entry: PageEntry | None) -> None:
        self.now[relative] = [*self._file(stat), key, entry_line(entry) if entry is not None else None]

    def save(self) -> None:
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_bytes(_json(self.now))
        os.replace(tmp, self.path)


def _read(cache: PageCache, key: str, article: str, url: str) -> PageEntry | None:
    page = read_article(article, url)
    if page is None:
        cache.store(None, key)
        return None
    body = " ".join(s.text for s in page.sections)
    starts, at = [], 0  # where each section starts in the body, in UTF-16 units as the script counts
    for section in page.sections:
        starts.append(at)
        at += len(section.text.encode("utf-16-le")) // 2 + 1
    sections = [[s, sec.anchor, sec.heading] for s, sec in zip(starts, page.sections, strict=True)]
    text = _json({"b": body, "s": sections})
    name = hashlib.sha1(text).hexdigest()[:16]
    keys = page_keys(fold(body))
    entry = PageEntry(key, url, page.title, page.links, len(body) + 1, name, len(text), pack_keys(keys), keys)
    cache.store(entry, key, text)
    return entry


def _run_key(pages: list[PageEntry], heads: list[str]) -> str:
    return _hash(CACHE_VERSION, *(f"{p.key}\0{h}" for p, h in zip(pages, heads, strict=True)))


def _run(cache: PageCache, site_dir: Path, key: str, pages: list[PageEntry], heads: list[str]) -> Run:
    """The postings of a run of pages: from the cache unless one of the pages or its names changed."""
    run = cache.run(key)
    if run is None:
        postings = Postings()
        for number, (page, head) in enumerate(zip(pages, heads, strict=True)):
            postings.add_page(number, with_head(_keys(cache, site_dir, page), head, page.body_length))
        run = postings.run()
        cache.store_run(key, run)
    return run


def _keys(cache: PageCache, site_dir: Path, page: PageEntry) -> PageKeys:
    if page.fresh_keys is not None:
        return page.fresh_keys
    try:
        return unpack_keys(page.packed_keys or cache.packed_keys(page.key))
    except (ValueError, TypeError):  # a damaged cache file: read the page again
        article = searchable_html((site_dir / (page.url + "index.html")).read_text("utf-8"))
        entry = _read(cache, page.key, article or "", page.url)
        return entry.fresh_keys or {} if entry is not None else {}


def _hash(*parts: str) -> str:
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()[:32]


def _names(pages: list[PageEntry]) -> dict[str, list[str]]:
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


class _Output:
    """The index's files: a file whose name (its content's hash) is already there is left as it is."""

    def __init__(self, folder: Path, written: Callable[[str, bytes], None] | None = None) -> None:
        self.folder = folder
        self.written = written
        self.bytes = 0
        self.kept: set[str] = set()
        self.present: dict[str, int] = {}  # "s/<name>.json" -> size, of the files there before
        for sub in ("s", "t"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
            with os.scandir(folder / sub) as found:
                # Only the files themselves: the compression that follows (output/compress.py) keeps or
                # drops their copies with them.
                own = (e for e in found if e.name.endswith(".json") and e.is_file())
                self.present.update((f"{sub}/{e.name}", e.stat().st_size) for e in own)
        (folder / MATERIAL_INDEX).unlink(missing_ok=True)

    def put(self, sub: str, data: bytes, name: str = "") -> str:
        """Write data, named by its content unless a name is given; returns the name."""
        name = name or hashlib.sha1(data).hexdigest()[:16]
        relative = f"{sub}/{name}.json" if sub else f"{name}.json"
        self.bytes += len(data)
        if relative not in self.kept:
            self.kept.add(relative)
            if not sub or self.present.get(relative) != len(data):  # a torn file has the wrong size
                target = self.folder / relative
                # A new file, never written in place: in an incremental build the folder's files are
                # hard links to the live site's (generator/output/versions.py).
                target.unlink(missing_ok=True)
                target.write_bytes(data)
                if self.written is not None:
                    self.written(f"{SEARCH_DIR}/{relative}", data)
        return name

    def keep(self, sub: str, files: list[tuple[str, int]]) -> bool:
        """Keep files (name, size) written by an earlier build if every one is there whole; else keep none."""
        relative = [(f"{sub}/{name}.json", size) for name, size in files]
        if any(self.present.get(r) != size for r, size in relative):
            return False
        for r, size in relative:
            self.bytes += size if r not in self.kept else 0
            self.kept.add(r)
        return True

    def link(self, sub: str, name: str, size: int, source: str) -> None:
        """Put a file the cache holds, as a second name of the same file where the file system allows."""
        relative = f"{sub}/{name}.json"
        self.bytes += size
        if relative in self.kept:
            return
        self.kept.add(relative)
        if self.present.get(relative) != size:
            target = self.folder / relative
            target.unlink(missing_ok=True)
            try:
                os.link(source, target)
            except OSError:  # another file system, or links not allowed: a copy
                shutil.copyfile(source, target)

    def prune(self) -> None:
        for relative in self.present.keys() - self.kept:
            (self.folder / relative).unlink(missing_ok=True)
