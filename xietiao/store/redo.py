"""The redo file: a batch that touches several files is written whole first, so a crash cannot split it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from xietiao.store.durable import append_durably, atomic_write, fsync_dir
from xietiao.store.partition import CorruptDataFile

REDO_NAME = ".batch.redo"
_MAGIC = b"XIETIAO-REDO 1\n"


def redo_path(root: Path) -> Path:
    return root / REDO_NAME


def write_redo(root: Path, payloads: list[tuple[Path, bytes]], appends: list[tuple[Path, bytes]] = ()) -> None:  # type: ignore[assignment]
    """Record every file of the batch, and its journal lines, in one atomic file: the batch is committed.

    Layout: a magic line, a JSON line listing [relative path, byte count, "w" to replace or "a" to
    append, and for an append the file's length before it], then the bytes, so that no file's
    content has to be escaped into JSON.
    """
    entries = [(p, d, "w") for p, d in payloads] + [(p, d, "a") for p, d in appends]
    header = json.dumps(
        [
            [str(path.relative_to(root)), len(data), mode, *([_length(path)] if mode == "a" else [])]
            for path, data, mode in entries
        ]
    )
    atomic_write(redo_path(root), b"".join([_MAGIC, header.encode(), b"\n", *(d for _, d, _ in entries)]))


def _length(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def clear_redo(root: Path) -> None:
    """The batch's files are all in place: the redo file is no longer needed."""
    redo_path(root).unlink(missing_ok=True)
    fsync_dir(root)


def _read(root: Path) -> list[tuple[Path, bytes, str, int | None]]:
    path = redo_path(root)
    blob = path.read_bytes()
    try:
        if not blob.startswith(_MAGIC):
            raise ValueError("开头标记不对")
        header_end = blob.index(b"\n", len(_MAGIC))
        entries = json.loads(blob[len(_MAGIC) : header_end])
        out: list[tuple[Path, bytes, str, int | None]] = []
        at = header_end + 1
        for rel, size, mode, *rest in entries:
            target = (root / rel).resolve()
            if root.resolve() not in target.parents or not isinstance(size, int) or mode not in ("w", "a"):
                raise ValueError(f"记录 {rel!r} 不在数据目录内或格式不对")
            before = rest[0] if rest and isinstance(rest[0], int) and rest[0] >= 0 else None
            out.append((target, blob[at : at + size], mode, before))
            at += size
        if at != len(blob):
            raise ValueError("长度与记录不符")
        return out
    except (ValueError, TypeError) as exc:
        raise CorruptDataFile(path, str(exc)) from None


def replay_redo(root: Path) -> int:
    """Finish a batch that a crash interrupted; the number of files written (0: nothing to do)."""
    if not redo_path(root).exists():
        return 0
    files = _read(root)
    for path, data, mode, before in files:
        if mode == "w":
            atomic_write(path, data)
        else:
            _append_again(path, data, before)
    clear_redo(root)
    return len(files)


def _append_again(path: Path, data: bytes, before: int | None) -> None:
    """The batch's journal lines, exactly once, whatever part of them the crash left in the file.

    A crash in the middle of the append leaves a fragment of them; appending after it would glue
    the fragment to the first line again and lose that line. The file is cut back to where the
    batch started (or, for a redo file that does not say, after its last whole line) first.
    """
    current = _length(path)
    if before is None:
        if current and path.read_bytes().endswith(data):
            return  # written whole before the crash
        before = path.read_bytes().rfind(b"\n") + 1 if current else 0
    if current > before:
        with open(path, "r+b") as fh:
            fh.truncate(before)
            fh.flush()
            os.fsync(fh.fileno())
    append_durably(path, data)
