"""The docs folder kept between builds: only files whose bytes change are written, so MkDocs can tell."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def sync_docs(docs: Path, files: dict[str, bytes]) -> int:
    """Make `docs` hold exactly `files` (relative path -> bytes); returns how many files were written.

    A file whose bytes are already there is left alone, with its modification time: MkDocs' dirty
    build compares that time with its output's.
    """
    written = 0
    for rel, data in files.items():
        target = docs / rel
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                continue
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written += 1
    wanted = {Path(rel) for rel in files}
    for path in sorted(docs.rglob("*"), reverse=True):  # files before their folders
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif path.relative_to(docs) not in wanted:
            path.unlink()
    return written


def content_files(*folders: Path) -> dict[str, bytes]:
    """The hand-written pages and their assets (content/), by path relative to their folder; a later
    folder's file replaces an earlier one's (the package's pages, then the instance's over them)."""
    files: dict[str, bytes] = {}
    for folder in folders:
        files |= {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    return files
