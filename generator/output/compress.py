"""Precompressed copies of the site's text files (name.gz, name.br), made at build time, deterministic.

The same bytes always give the same copies (gzip without a timestamp or name, fixed levels), so an
incremental build and a full one of the same data give identical files. A file that a build did not
change keeps the live version's copies, linked, not compressed again.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli

from generator.output.versions import Listing, listing

TEXT = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")
SIDECARS = (".gz", ".br")
GZIP_LEVEL = 6
# Brotli's quality 5 compresses the site's pages about as well as gzip -9 and 4 to 5 times
# faster than the top qualities, which would take most of a full build at five years of data.
BROTLI_QUALITY = 5
# The shards of a segment of the search change with any of its pages (a page's words fall in most of
# them), so some are compressed again on almost every publish: lighter levels there. Measured on the
# 15 MB of shards at five years: 2.5 s of CPU down to 0.8 s, the copies 1 to 5 % larger.
SEARCH_FOLDER = "search/"
SEARCH_GZIP_LEVEL, SEARCH_BROTLI_QUALITY = 4, 3


def compressible(rel: str) -> bool:
    return rel.endswith(TEXT)


def _write(path: str, data: bytes) -> None:
    # Always a new file: the folder's other files may be hard links into the live version.
    tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _compress(path: str, search: bool) -> None:
    with open(path, "rb") as handle:
        compress_data(path, handle.read(), search)


def compress_data(path: str, data: bytes, search: bool = False) -> None:
    """Write the copies of the file at `path` whose bytes are `data` (the file itself may not be written yet)."""
    level, quality = (SEARCH_GZIP_LEVEL, SEARCH_BROTLI_QUALITY) if search else (GZIP_LEVEL, BROTLI_QUALITY)
    _write(path + ".gz", gzip.compress(data, compresslevel=level, mtime=0))
    _write(path + ".br", brotli.compress(data, quality=quality))


def _link(source: str, target: str) -> None:
    tmp = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.link")
    os.link(source, tmp)
    os.replace(tmp, target)


def precompress(
    site: Path,
    live: Path | None,
    select: Callable[[str], bool] = lambda rel: True,
    done: Collection[str] = (),
    files: Listing | None = None,
    live_files: Listing | None = None,
) -> int:
    """Give every text file of `site` (that `select` takes) its .gz and .br; returns how many were compressed.

    `live` is the version `site` was cloned from (None for a full build): its copies are reused for
    files that are still the same file. Files in `done` got their copies as they were written (output/early.py).
    `files` and `live_files`: the two folders' listings (output/versions.py), if the caller has them.
    """
    files = listing(site) if files is None else files
    live_files = ({} if live is None else listing(live)) if live_files is None else live_files
    todo: list[tuple[str, bool]] = []
    for rel, (path, inode) in files.items():
        own = rel[:-3] if rel.endswith(SIDECARS) else rel
        if not select(own):
            continue
        if own != rel:
            if own not in files or not compressible(own):
                os.unlink(path)  # the copy of a file that is gone
            continue
        if not compressible(rel) or rel in done:
            continue
        before = live_files.get(rel)
        copies = [live_files.get(rel + s) for s in SIDECARS]
        if before is not None and before[1] == inode and all(copies):
            for suffix, copy in zip(SIDECARS, copies, strict=True):
                assert copy is not None
                if files.get(rel + suffix, ("", -1))[1] != copy[1]:  # a clone has them linked already
                    _link(copy[0], path + suffix)
        else:
            todo.append((path, rel.startswith(SEARCH_FOLDER)))
    # zlib and Brotli let go of the interpreter lock while they work: two threads use both cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda job: _compress(*job), todo))
    return len(todo)
