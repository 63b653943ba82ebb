"""The docs folder kept between builds: only files whose bytes change are written, so MkDocs can tell."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from generator.output.versions import files_of


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def sync_docs(docs: Path, files: dict[str, bytes], digests: dict[str, str] | None = None) -> int:
    """Make `docs` hold exactly `files` (relative path -> bytes); returns how many files were written.

    A file whose bytes are already there is left alone, with its modification time: MkDocs' dirty
    build compares that time with its output's. `digests` (path -> `digest` of its bytes) spares
    reading a file that is still the one written last time with those bytes (a record beside the folder).
    """
    record = docs.parent / f".{docs.name}-written.json"
    try:
        loaded = json.loads(record.read_bytes())
        before: dict[str, list[object]] = loaded if isinstance(loaded, dict) else {}
    except (OSError, ValueError):
        before = {}
    now: dict[str, list[object]] = {}
    written = 0
    for rel, data in files.items():
        target = os.path.join(docs, rel)
        sign = (digests or {}).get(rel) or digest(data)
        try:
            st = os.stat(target)
            same = before.get(rel) == [sign, st.st_size, st.st_mtime_ns, st.st_ino]
            if same or (st.st_size == len(data) and Path(target).read_bytes() == data):
                now[rel] = [sign, st.st_size, st.st_mtime_ns, st.st_ino]
                continue
        except FileNotFoundError:
            os.makedirs(os.path.dirname(target), exist_ok=True)
        tmp = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
        st = os.stat(target)
        now[rel] = [sign, st.st_size, st.st_mtime_ns, st.st_ino]
        written += 1
    gone = [path for rel, path in files_of(docs).items() if rel not in files]
    for path in gone:
        os.unlink(path)
    if gone:
        for folder, _, _ in os.walk(docs, topdown=False):  # deepest first: a parent sees its children gone
            if folder != os.fspath(docs) and not os.listdir(folder):
                os.rmdir(folder)
    tmp_record = record.with_name(record.name + ".tmp")
    tmp_record.write_text(json.dumps(now), "utf-8")
    os.replace(tmp_record, record)
    return written


def content_files(*folders: Path) -> dict[str, bytes]:
    """The hand-written pages and their assets (content/), by path relative to their folder; a later
    folder's file replaces an earlier one's (the package's pages, then the instance's over them)."""
    files: dict[str, bytes] = {}
    for folder in folders:
        files |= {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    return files
