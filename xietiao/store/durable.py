"""Crash-safe file primitives: atomic replace with fsync, and the data-dir lock."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


class DataDirLocked(RuntimeError):
    """Another process already owns the data directory."""


def fsync_dir(folder: Path) -> None:
    # The rename itself lives in the directory entry: without this a power cut
    # can forget that the new file replaced the old one.
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def append_durably(path: Path, data: bytes) -> None:
    """Append `data` to `path` and fsync before returning."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with open(path, "ab") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    if new:
        fsync_dir(path.parent)


class DirLock:
    """An exclusive advisory lock on `<data>/.lock`; released when the process dies."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / ".lock"
        self._fh: IO[str] | None = None

    def acquire(self) -> None:
        fh = open(self.path, "a+")  # noqa: SIM115  (held open for the lock's whole life)
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "未知进程"
            fh.close()
            raise DataDirLocked(
                f"数据目录 {self.path.parent} 已被另一个进程（{holder}）占用；"
                "同一数据目录只能运行一个服务进程。请先停止它，或换一个 --data 目录。"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}\n")
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


@contextmanager
def flush_guard(folder: Path, *, exclusive: bool) -> Iterator[None]:
    """Writers hold this shared while a batch reaches disk; a backup holds it exclusive.

    So a backup copies the files between two batches, never halfway through one,
    even while the server keeps running in another process.
    """
    with open(folder / ".flush.lock", "a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
