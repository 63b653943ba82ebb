"""The publish pipeline: store -> Markdown pages -> MkDocs build -> atomic switch of the live site."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from generator.pages import site_pages
from generator.render import Renderer
from generator.search.dictionary import dictionary_words, write_user_dict
from generator.search.documents import search_entries, write_entries
from generator.sitedata import read_site_data
from xietiao.instance.layout import SiteSources
from xietiao.store.engine import Store

# Where our packages are imported from, for the MkDocs child process: the checkout when run from
# it, site-packages when installed (already on the child's path then; naming it again is harmless).
CODE_ROOT = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT = 1800  # seconds; a build that takes longer is stuck

STAGE_READ = "读取数据"
STAGE_PAGES = "生成页面"
STAGE_BUILD = "构建站点"
STAGE_SWAP = "切换上线"


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    site: Path
    pages: int
    seconds: float
    stages: tuple[tuple[str, float], ...]
    error: str = ""


class BuildFailed(Exception):
    """The build could not finish for a reason outside the code (message in Chinese)."""


class _Stages:
    """Times stages; each starts when the next is announced."""

    def __init__(self, on_stage: Callable[[str], None] | None) -> None:
        self.on_stage = on_stage
        self.done: list[tuple[str, float]] = []
        self.current: tuple[str, float] | None = None

    def next(self, name: str) -> None:
        self.finish()
        self.current = (name, time.perf_counter())
        if self.on_stage:
            self.on_stage(name)

    def finish(self) -> None:
        if self.current:
            name, start = self.current
            self.done.append((name, round(time.perf_counter() - start, 3)))
            self.current = None


def publish(
    store: Store,
    site_dir: Path,
    today: date,
    *,
    on_stage: Callable[[str], None] | None = None,
    built_at: datetime | None = None,
    sources: SiteSources | None = None,
) -> BuildResult:
    """Build the site from the store and switch `site_dir` to it; the old site stays live on failure.

    `sources` are the instance's MkDocs configuration, hand-written pages and forms (the package's by default).
    """
    sources = (sources or SiteSources()).absolute()  # MkDocs runs in the staging folder: no relative paths
    built_at = built_at or datetime.now().astimezone()
    started = time.perf_counter()
    site_dir = Path(site_dir).absolute()
    root = site_dir.parent
    # Named after the site: two sites in one folder (a copy, a test build) never share or prune
    # each other's versions.
    name = site_dir.name
    versions, cache = root / f".{name}-versions", root / f".{name}-build-cache"
    stages = _Stages(on_stage)
    versions.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    with _exclusive(root / f".{name}-publish.lock"):
        for stale in cache.glob("staging-*"):  # left by a build that was killed
            shutil.rmtree(stale, ignore_errors=True)
        stamp = _stamp(built_at, versions)
        staging, out = cache / f"staging-{stamp}", versions / stamp
        try:
            pages = _build(store, today, built_at, staging, out, cache, stages, sources)
            stages.next(STAGE_SWAP)
            _switch(site_dir, versions, stamp)
        except (BuildFailed, OSError) as exc:
            shutil.rmtree(out, ignore_errors=True)
            stages.finish()
            why = str(exc) if isinstance(exc, BuildFailed) else f"写入文件失败（{exc}）"
            kept = "网站仍为上一版本" if site_dir.exists() else "网站尚未发布"
            return BuildResult(False, site_dir, 0, _since(started), tuple(stages.done), f"{why}。{kept}。")
        except BaseException:
            shutil.rmtree(out, ignore_errors=True)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    stages.finish()
    return BuildResult(True, site_dir, pages, _since(started), tuple(stages.done))


def _since(start: float) -> float:
    return round(time.perf_counter() - start, 3)


def _build(
    store: Store,
    today: date,
    built_at: datetime,
    staging: Path,
    out: Path,
    cache: Path,
    stages: _Stages,
    sources: SiteSources,
) -> int:
    stages.next(STAGE_READ)
    site = read_site_data(store, today, sources.forms_dir)
    stages.next(STAGE_PAGES)
    docs = staging / "docs"
    for folder in sources.content:  # the package's pages first, the instance's over them
        shutil.copytree(folder, docs, dirs_exist_ok=True)
    renderer = Renderer()
    renderer.write(site_pages(site, built_at), docs)
    # Outside docs/: neither file is part of the site.
    user_dict, entries = staging / "jieba-user.txt", staging / "search-entries.json"
    write_user_dict(dictionary_words(p.name for p in site.projects.values()), user_dict)
    write_entries(search_entries(site), entries)
    pages = sum(1 for _ in docs.rglob("*.md"))
    config = [str(sources.mkdocs_yml), str(docs), str(out), str(user_dict), str(cache), str(entries)]
    _run_mkdocs(staging, config, stages)
    return pages


def _run_mkdocs(staging: Path, args: list[str], stages: _Stages) -> None:
    command = [sys.executable, "-m", "generator.sitebuild", *args]
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": _pythonpath()}
    errors = staging / "stderr.txt"
    with errors.open("w+", encoding="utf-8") as err:
        proc = subprocess.Popen(
            command, cwd=staging, env=env, stdout=subprocess.PIPE, stderr=err, text=True, encoding="utf-8"
        )
        assert proc.stdout is not None
        watchdog = threading.Timer(BUILD_TIMEOUT, proc.kill)
        watchdog.start()
        try:
            for line in proc.stdout:
                if line.startswith("STAGE "):
                    stages.next(line[6:].strip())
            code = proc.wait()
        finally:
            watchdog.cancel()
            if proc.poll() is None:  # we are leaving on an exception: do not leave it running
                proc.kill()
                proc.wait()
        err.seek(0)
        message = err.read().strip()
    if code < 0:
        raise BuildFailed(f"站点构建超过 {BUILD_TIMEOUT} 秒未完成或被终止（信号 {-code}）")
    if code != 0:
        last = message.splitlines()[-3:] if message else [f"退出码 {code}"]
        raise BuildFailed("站点构建失败：" + " ".join(last))


def _pythonpath() -> str:
    parts = [str(CODE_ROOT), os.environ.get("PYTHONPATH", "")]
    return os.pathsep.join(p for p in parts if p)


@contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """One publish at a time per site folder, across threads and processes."""
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _stamp(built_at: datetime, versions: Path) -> str:
    base = built_at.strftime("%Y%m%d-%H%M%S")
    stamp, n = base, 1
    while (versions / stamp).exists():
        n += 1
        stamp = f"{base}-{n}"
    return stamp


def _switch(site_dir: Path, versions: Path, stamp: str) -> None:
    """Point `site_dir` at the new version in one rename; keep the previous version only."""
    root = site_dir.parent
    previous = None
    if site_dir.is_symlink():
        previous = Path(os.readlink(site_dir)).name
    elif site_dir.is_dir():
        # First publish over a plain folder: it becomes the previous version.
        previous = f"{stamp}-before"
        os.rename(site_dir, versions / previous)
    elif site_dir.exists():
        raise BuildFailed(f"{site_dir} 不是目录也不是符号链接，无法替换")
    link = root / f".{site_dir.name}.{stamp}.tmp"
    os.symlink(os.path.relpath(versions / stamp, root), link)
    os.replace(link, site_dir)
    _fsync_dir(root)
    for old in versions.iterdir():
        if old.name not in (stamp, previous):
            shutil.rmtree(old, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
