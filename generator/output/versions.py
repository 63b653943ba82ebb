"""Version folders of the site: a new one cloned from the live one by hard links, the atomic switch, pruning.

The live version is never written to. A clone shares the live version's files (hard links); the
build then replaces, never rewrites, what it changes: whatever writes into the clone unlinks the
file first (see generator/sitebuild.py). check_untouched() proves it before the switch.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

Stat = tuple[int, int, int]  # inode, size, modification time (ns)


class LiveVersionTouched(RuntimeError):
    """A file of the live version changed during a build: the build wrote through a hard link."""


def files_of(root: Path) -> dict[str, Path]:
    """Every file under `root` by its path relative to it (posix), symlinks not followed."""
    out: dict[str, Path] = {}
    for folder, _, names in os.walk(root):
        base = Path(folder)
        for name in names:
            path = base / name
            out[path.relative_to(root).as_posix()] = path
    return out


def _stat(path: Path) -> Stat:
    st = path.lstat()
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
    out.mkdir()
    for rel, path in files_of(live).items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, target)
        seen[rel] = _stat(path)
    return seen


def check_untouched(live: Path, seen: dict[str, Stat]) -> None:
    now = {rel: _stat(path) for rel, path in files_of(live).items()}
    if now != seen:
        changed = sorted(rel for rel in set(now) | set(seen) if now.get(rel) != seen.get(rel))
        raise LiveVersionTouched(f"构建改动了在线版本的文件（{'、'.join(changed[:5])}），已放弃本次构建")


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def relink_identical(out: Path, live: Path, select: Callable[[str], bool] = lambda rel: True) -> list[str]:
    """Files the build wrote again with the same bytes become links to the live ones again.

    Returns the files (that `select` takes) that really differ from the live version: their
    precompressed copies must be made again, and readers' caches revalidate only those.
    """
    changed: list[str] = []
    for rel, path in files_of(out).items():
        if rel.endswith((".gz", ".br")) or not select(rel):
            continue
        before = live / rel
        if same_file(path, before):
            continue
        try:
            if before.stat().st_size == path.stat().st_size and before.read_bytes() == path.read_bytes():
                link = path.with_name(f".{path.name}.link")
                os.link(before, link)
                os.replace(link, path)
                continue
        except FileNotFoundError:
            pass
        changed.append(rel)
    return sorted(changed)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch(site_dir: Path, versions: Path, name: str) -> str | None:
    """Point `site_dir` at version `name` in one rename; keep the previous version only. Returns its name."""
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
        if old.name not in (name, previous):
            shutil.rmtree(old, ignore_errors=True)
    return previous
