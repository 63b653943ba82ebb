"""Version folders of the site: a new one cloned from the live one by hard links, the atomic switch, pruning.

The live version is never written to. A clone shares the live version's files (hard links); the
build then replaces, never rewrites, what it changes: whatever writes into the clone unlinks the
file first (see generator/sitebuild.py). check_untouched() proves it before the switch.

Paths are plain strings here: a site of five years has thousands of files, walked several times
per publish, and pathlib's objects were most of that time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from generator.output.child import code_pythonpath

Stat = tuple[int, int, int]  # inode, size, modification time (ns)
TRASH = ".trash-"  # a version being deleted, in the versions folder
NEXT = ".next-"  # a clone made ahead for the next build (CloneAhead); a stale one is trashed at the next switch


class LiveVersionTouched(RuntimeError):
    """A file of the live version changed during a build: the build wrote through a hard link."""


def files_of(root: Path | str) -> dict[str, str]:
    """Every file under `root`: its path relative to `root` (posix) -> its full path. Symlinks not followed."""
    return {rel: path for rel, (path, _) in listing(root).items()}


Listing = dict[str, tuple[str, int]]  # a file's path relative to the root (posix) -> (full path, inode)
SAMPLE = 8  # files whose directory inode is checked against lstat's


def listing(root: Path | str, under: str = "") -> Listing:
    """Every file under `root` (only its folder `under`, if given), with its inode; symlinks not followed.

    The inode is the one the directory gives (no stat per file: a site has 11,000 files at five years,
    listed several times a publish); hard links share it. A file system whose directories report
    other numbers than stat (an overlay without inode mapping) is listed with lstat instead.
    """
    top = os.path.join(os.fspath(root), under) if under else os.fspath(root)
    out: Listing = {}
    if not os.path.isdir(top):
        return out
    stack = [(f"{under.rstrip('/')}/" if under else "", top)]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    out[prefix + entry.name] = (entry.path, entry.inode())
    sample = list(out.values())[:SAMPLE]
    if any(os.lstat(path).st_ino != inode for path, inode in sample):
        return {rel: (path, os.lstat(path).st_ino) for rel, (path, _) in out.items()}
    return out


def _stat(path: str) -> Stat:
    st = os.lstat(path)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def live_version(site_dir: Path, versions: Path) -> Path | None:
    """The version folder `site_dir` points at, if it is one of ours."""
    if not site_dir.is_symlink():
        return None
    target = (site_dir.parent / os.readlink(site_dir)).resolve()
    return target if target.parent == versions.resolve() and target.is_dir() else None


def new_name(built_at: datetime, versions: Path) -> str:
    base = built_at.strftime("%Y%m%d-%H%M%S")
    name, n = base, 1
    while (versions / name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def clone(live: Path, out: Path) -> dict[str, Stat]:
    """`out` as a copy of `live` made of hard links; returns what each live file was, for check_untouched."""
    seen: dict[str, Stat] = {}
    stack = [(os.fspath(live), os.fspath(out))]
    while stack:
        source, target = stack.pop()
        os.mkdir(target)
        with os.scandir(source) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, os.path.join(target, entry.name)))
                else:
                    os.link(entry.path, os.path.join(target, entry.name))
                    st = entry.stat(follow_symlinks=False)
                    seen[entry.path] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return seen


class CloneAhead:
    """`clone(live, out)` in a separate process, made before the build needs it: the server starts it
    when a publish ends, for the next one; otherwise a publish starts it before it reads its data.

    In a thread of the server it competed for the interpreter lock with the reading and took longer
    than it; a process of its own uses the other core and is done by the time the build needs it.
    `out` is a provisional name (NEXT…) until place() gives the clone its version's name.
    """

    def __init__(self, live: Path, out: Path) -> None:
        self.live, self.out = live, out
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "generator.output.versions", os.fspath(live), os.fspath(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=os.environ | {"PYTHONPATH": code_pythonpath()},
        )

    def result(self) -> dict[str, Stat]:
        """What `clone` returns, once it is done; OSError if it failed."""
        out, err = self._proc.communicate()
        if self._proc.returncode != 0:
            raise OSError(f"复制在线版本失败：{err.decode('utf-8', 'replace').strip()[-300:]}")
        return {path: (ino, size, mtime) for path, (ino, size, mtime) in json.loads(out).items()}

    def place(self, out: Path) -> dict[str, Stat]:
        """Once the clone is done, move it to `out` (a new version's folder); returns what result() does."""
        seen = self.result()
        os.rename(self.out, out)
        self.out = out
        return seen

    def discard(self) -> None:
        """Not needed after all (nothing changed, or the publish failed first): the clone goes."""
        self._proc.communicate()
        shutil.rmtree(self.out, ignore_errors=True)


def check_untouched(live: Path, seen: dict[str, Stat]) -> None:
    now = {path: _stat(path) for path in files_of(live).values()}
    if now != seen:
        changed = sorted(p for p in set(now) | set(seen) if now.get(p) != seen.get(p))
        names = "、".join(os.path.relpath(p, live) for p in changed[:5])
        raise LiveVersionTouched(f"构建改动了在线版本的文件（{names}），已放弃本次构建")


def relink_identical(
    out: Path,
    live: Path,
    select: Callable[[str], bool] = lambda rel: True,
    files: Listing | None = None,
    live_files: Listing | None = None,
) -> list[str]:
    """Files the build wrote again with the same bytes become links to the live ones again.

    Returns the files (that `select` takes) that really differ from the live version: their
    precompressed copies must be made again, and readers' caches revalidate only those.
    `files` and `live_files`: the two folders' listings, if the caller has them (`files` is kept
    up to date with the links made).
    """
    changed: list[str] = []
    files = listing(out) if files is None else files
    live_files = listing(live) if live_files is None else live_files
    for rel, (path, inode) in list(files.items()):
        if rel.endswith((".gz", ".br")) or not select(rel):
            continue
        before = live_files.get(rel)
        if before is not None:
            if before[1] == inode:
                continue  # still the live file
            try:
                if os.path.getsize(before[0]) == os.path.getsize(path) and _same_bytes(before[0], path):
                    link = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.link")
                    os.link(before[0], link)
                    os.replace(link, path)
                    files[rel] = (path, before[1])
                    continue
            except FileNotFoundError:
                pass
        changed.append(rel)
    return sorted(changed)


def _same_bytes(a: str, b: str) -> bool:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch(site_dir: Path, versions: Path, name: str) -> str | None:
    """Point `site_dir` at version `name` in one rename; keep the previous version only. Returns its name.

    Older versions are renamed away at once and deleted in the background: deleting thousands of
    files takes seconds that the next publish, not this one, may wait for (see remove_trash).
    """
    root = site_dir.parent
    previous = None
    if site_dir.is_symlink():
        previous = Path(os.readlink(site_dir)).name
    elif site_dir.is_dir():
        # First publish over a plain folder: it becomes the previous version.
        previous = f"{name}-before"
        os.rename(site_dir, versions / previous)
    elif site_dir.exists():
        raise OSError(f"{site_dir} 不是目录也不是符号链接，无法替换")
    link = root / f".{site_dir.name}.{name}.tmp"
    os.symlink(os.path.relpath(versions / name, root), link)
    os.replace(link, site_dir)
    fsync_dir(root)
    for old in versions.iterdir():
        if old.name not in (name, previous) and not old.name.startswith(TRASH):
            os.rename(old, versions / f"{TRASH}{old.name}")
    threading.Thread(target=remove_trash, args=(versions,), daemon=True, name="remove-old-versions").start()
    return previous


_removing = threading.Lock()


def remove_trash(versions: Path) -> None:
    """Delete the versions switch() set aside (one deleter at a time; a publish waits for it first)."""
    with _removing:
        for old in versions.glob(f"{TRASH}*"):
            shutil.rmtree(old, ignore_errors=True)


if __name__ == "__main__":  # CloneAhead's process: clone, then what each live file was, as JSON
    # Encoded at once (json.dump encodes piece by piece in Python: 0.2 s that the publish waited for,
    # since the pipe is read only when the build needs the clone), then written in one go.
    sys.stdout.write(json.dumps(clone(Path(sys.argv[1]), Path(sys.argv[2]))))
