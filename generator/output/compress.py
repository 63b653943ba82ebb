"""Precompressed copies of the site's text files (name.gz, name.br), made at build time, deterministic.

The same bytes always give the same copies (gzip without a timestamp or name, fixed levels), so an
incremental build and a full one of the same data give identical files. A file that a build did not
change keeps the live version's copies, linked, not compressed again.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli

from generator.output.versions import files_of, same_file

TEXT = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")
SIDECARS = (".gz", ".br")
GZIP_LEVEL = 6
# Brotli's quality 5 compresses the site's pages about as well as gzip -9 and 4 to 5 times
# faster than the top qualities, which would take most of a full build at five years of data.
BROTLI_QUALITY = 5


def compressible(rel: str) -> bool:
    return rel.endswith(TEXT)


def _write(path: Path, data: bytes) -> None:
    # Always a new file: the folder's other files may be hard links into the live version.
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _compress(path: Path) -> None:
    data = path.read_bytes()
    _write(path.with_name(path.name + ".gz"), gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))
    _write(path.with_name(path.name + ".br"), brotli.compress(data, quality=BROTLI_QUALITY))


def _link(source: Path, target: Path) -> None:
    if not same_file(source, target):
        tmp = target.with_name(f".{target.name}.link")
        os.link(source, tmp)
        os.replace(tmp, target)


def precompress(site: Path, live: Path | None, select: Callable[[str], bool] = lambda rel: True) -> int:
    """Give every text file of `site` (that `select` takes) its .gz and .br; returns how many were compressed.

    `live` is the version `site` was cloned from (None for a full build): its copies are reused for
    files that are still the same file.
    """
    files = files_of(site)
    todo: list[Path] = []
    for rel, path in files.items():
        if not select(rel[:-3] if rel.endswith(SIDECARS) else rel):
            continue
        if rel.endswith(SIDECARS):
            base = rel[:-3]
            if base not in files or not compressible(base):
                path.unlink()  # the copy of a file that is gone
            continue
        if not compressible(rel):
            continue
        before = live / rel if live is not None else None
        if (
            before is not None
            and same_file(path, before)
            and all(before.with_name(before.name + s).is_file() for s in SIDECARS)
        ):
            for s in SIDECARS:
                _link(before.with_name(before.name + s), path.with_name(path.name + s))
        else:
            todo.append(path)
    # zlib and Brotli let go of the interpreter lock while they work: two threads use both cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(_compress, todo))
    return len(todo)
