"""The publish pipeline: store -> Markdown pages -> MkDocs -> search index -> compression -> atomic switch.

A publish is incremental when the live version was built by the same toolchain (output/manifest.py):
only pages whose Markdown changed are made again, MkDocs renders only those (its dirty mode) into a
clone of the live version made of hard links, and the result is byte for byte what a full build of
the same data gives (tests/site/test_incremental.py). A full build starts from an empty folder: the
first publish of a site folder, after an upgrade, or when asked (`xietiao build --full`).
"""

from __future__ import annotations

import fcntl
import gc
import json
import logging
import shutil
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

from generator.catalogue import PageCache
from generator.incremental.records import RecordCache
from generator.output.child import BuildChild, BuildFailed
from generator.output.docs import content_files, digest, sync_docs
from generator.output.manifest import Manifest, prune_manifests, read_manifest, toolchain_fingerprint, write_manifest
from generator.output.stamp import Stamp, write_stamp
from generator.output.versions import (
    NEXT,
    CloneAhead,
    LiveVersionTouched,
    check_untouched,
    live_version,
    new_name,
    switch,
)
from generator.sitedata import read_site_data
from generator.views import SiteData
from xietiao.instance.layout import SiteSources
from xietiao.ledger.colours import zh_date
from xietiao.store.engine import Store

STAGE_READ = "读取数据"
STAGE_PAGES = "生成页面"
STAGE_BUILD = "构建站点"
STAGE_SWAP = "切换上线"

FULL, INCREMENTAL, UNCHANGED = "full", "incremental", "unchanged"

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    site: Path
    pages: int
    seconds: float
    stages: tuple[tuple[str, float], ...]
    error: str = ""
    mode: str = ""  # FULL, INCREMENTAL, or UNCHANGED: nothing differed, the live site stays as it is
    changed: int = 0  # files that differ from the previous version (every file, for a full build)
    made: int = 0  # pages whose Markdown was made again (the others were reused, see catalogue.py)
    index: dict[str, int] = field(default_factory=dict)  # the search stage's figures


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


@dataclass(frozen=True)
class _Inputs:
    """Everything a build needs besides the toolchain: the docs, the search stage's inputs, the stamp."""

    files: dict[str, bytes]  # the docs folder: hand-written content and generated pages
    stamp: Stamp
    manifest: Manifest
    sources: SiteSources  # the instance's mkdocs.yml and hand-written pages


@dataclass(frozen=True)
class _Folders:
    site: Path
    versions: Path
    cache: Path

    @property
    def docs(self) -> Path:
        return self.cache / "docs"


class SitePublisher:
    """Publishes a store's site, keeping what the next publish can reuse (the server keeps one).

    With `keep_ready` (the server), the MkDocs child of the next publish is started as soon as one
    publish ends, and waits; so is the clone of the live version an incremental build starts from.
    `close()` stops the one and removes the other.
    """

    def __init__(self, *, keep_ready: bool = False) -> None:
        self.records = RecordCache()
        self.pages = PageCache()
        self.keep_ready = keep_ready
        self._child = BuildChild()
        self._next_clone: CloneAhead | None = None
        self._ready_lock = threading.Lock()  # keep_ready, and what it keeps: close() may come from another thread
        weakref.finalize(self, self._child.close)

    def close(self) -> None:
        """Stop the waiting build process; a publish still running starts no other one (the server stops)."""
        with self._ready_lock:
            self.keep_ready = False
            clone, self._next_clone = self._next_clone, None
            self._child.close()
        if clone is not None:
            clone.discard()

    def publish(
        self,
        store: Store,
        site_dir: Path,
        today: date,
        *,
        on_stage: Callable[[str], None] | None = None,
        built_at: datetime | None = None,
        reason: str = "",
        full: bool = False,
        sources: SiteSources | None = None,
    ) -> BuildResult:
        """Build the site from the store and switch `site_dir` to it; the old site stays live on failure.

        `sources` are the instance's MkDocs configuration, hand-written pages and forms (the package's by default).
        """
        sources = (sources or SiteSources()).absolute()  # MkDocs runs in the staging folder: no relative paths
        built_at = built_at or datetime.now().astimezone()
        started = time.perf_counter()
        site_dir = Path(site_dir).absolute()
        # Named after the site: two sites in one folder (a copy, a test build) never share or prune
        # each other's versions.
        root, name = site_dir.parent, site_dir.name
        where = _Folders(site_dir, root / f".{name}-versions", root / f".{name}-build-cache")
        stages = _Stages(on_stage)
        where.versions.mkdir(parents=True, exist_ok=True)
        where.cache.mkdir(parents=True, exist_ok=True)
        self._child.prepare()  # it imports MkDocs while the data is read
        ahead: CloneAhead | None = None
        with self._ready_lock:
            prepared, self._next_clone = self._next_clone, None
        try:
            with _exclusive(root / f".{name}-publish.lock"):
                for stale in where.cache.glob("staging-*"):  # left by a build that was killed
                    shutil.rmtree(stale, ignore_errors=True)
                fingerprint = toolchain_fingerprint(sources.mkdocs_yml)
                live = live_version(site_dir, where.versions)
                before = read_manifest(where.cache, live.name) if live else None
                if full or live is None or before is None or before.fingerprint != fingerprint:
                    live = before = None
                elif prepared is not None and prepared.live == live:  # made when the last publish ended
                    ahead, prepared = prepared, None
                else:  # most likely an incremental build: its clone is made while the data is read
                    ahead = _clone_ahead(live, where.versions)
                with _collector_paused():
                    stages.next(STAGE_READ)
                    site = read_site_data(store, today, sources.forms_dir, cache=self.records)
                    stages.next(STAGE_PAGES)
                    inputs = self._inputs(site, built_at, reason or "发布", sources, fingerprint)
                if before is not None and before.same_site(inputs.manifest):
                    stages.finish()
                    return self._result(True, where, inputs, started, stages, UNCHANGED)
                built, ahead = self._build(where, inputs, live, before, built_at, started, stages, ahead), None
                return built
        finally:
            # Clones not used: nothing changed, the publish failed first, or of another live version.
            self._get_ready(where, [c for c in (ahead, prepared) if c is not None])

    def _get_ready(self, where: _Folders, unused: list[CloneAhead]) -> None:
        """After a publish: in the server, a build process waiting and a clone of the live version for the next.

        Whatever fails here is logged: the publish itself is done (or has failed for its own reason).
        """
        with self._ready_lock:
            try:
                if self.keep_ready:
                    self._child.prepare()
                    live = live_version(where.site, where.versions)
                    spare = next((c for c in unused if _still_spare(c, live)), None)
                    self._next_clone = spare or _next_clone(where, live)
                    unused = [c for c in unused if c is not spare]
                else:
                    self._child.close()
            except OSError:
                _log.exception("准备下一次发布时出错（本次发布不受影响）")
        for clone in unused:
            clone.discard()

    def _inputs(
        self, site: SiteData, built_at: datetime, reason: str, sources: SiteSources, fingerprint: str
    ) -> _Inputs:
        markdown = self.pages.markdown(site)
        files = content_files(*sources.content) | {path: text.encode("utf-8") for path, text in markdown.items()}
        stamp = Stamp(
            published=built_at.isoformat(timespec="seconds"),
            published_zh=f"{zh_date(built_at.date())} {built_at:%H:%M}",
            reason=reason,
            basis=_basis(site),
        )
        manifest = Manifest(
            fingerprint=fingerprint,
            sources={path: digest(data) for path, data in files.items()},
            stamp=digest(stamp.basis.encode("utf-8")),
        )
        return _Inputs(files, stamp, manifest, sources)

    def _build(
        self,
        where: _Folders,
        inputs: _Inputs,
        live: Path | None,
        before: Manifest | None,
        built_at: datetime,
        started: float,
        stages: _Stages,
        ahead: CloneAhead | None,
    ) -> BuildResult:
        """Build into a new version folder (`ahead`'s clone of `live` for an incremental build) and switch to it."""
        sync_docs(where.docs, inputs.files, inputs.manifest.sources)
        out = where.versions / new_name(built_at, where.versions)
        staging = where.cache / f"staging-{out.name}"
        staging.mkdir()
        try:
            seen = ahead.place(out) if ahead is not None else None
            index = self._run_mkdocs(where, inputs, out, staging, live, before, stages)
            write_stamp(out, inputs.stamp)  # after the compression: served as it is (it is tiny)
            if live and seen is not None:
                check_untouched(live, seen)
            write_manifest(where.cache, out.name, inputs.manifest)
            stages.next(STAGE_SWAP)
            previous = switch(where.site, where.versions, out.name)
            prune_manifests(where.cache, {out.name, previous or ""})
        except (BuildFailed, OSError, LiveVersionTouched) as exc:
            shutil.rmtree(out, ignore_errors=True)
            if ahead is not None:  # a clone that could not be placed is still under its provisional name
                shutil.rmtree(ahead.out, ignore_errors=True)
            stages.finish()
            why = str(exc) if isinstance(exc, (BuildFailed, LiveVersionTouched)) else f"写入文件失败（{exc}）"
            kept = "网站仍为上一版本" if where.site.exists() else "网站尚未发布"
            result = self._result(False, where, inputs, started, stages, INCREMENTAL if live else FULL)
            return BuildResult(**(asdict(result) | {"error": f"{why}。{kept}。", "site": where.site}))
        except BaseException:
            shutil.rmtree(out, ignore_errors=True)
            if ahead is not None:
                shutil.rmtree(ahead.out, ignore_errors=True)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        stages.finish()
        mode = INCREMENTAL if live else FULL
        return self._result(True, where, inputs, started, stages, mode, index.get("changed_files", 0), index)

    def _run_mkdocs(
        self,
        where: _Folders,
        inputs: _Inputs,
        out: Path,
        staging: Path,
        live: Path | None,
        before: Manifest | None,
        stages: _Stages,
    ) -> dict[str, int]:
        sources = inputs.manifest.sources
        changed = sorted(p for p in sources if before is None or before.sources.get(p) != sources[p])
        job = {
            "config": str(inputs.sources.mkdocs_yml),
            "docs": str(where.docs),
            "site": str(out),
            "incremental": before is not None,
            "live": str(live) if live else "",
            "changed": changed,
            "cache": str(where.cache),
            "toolchain": inputs.manifest.fingerprint,
        }
        (staging / "job.json").write_text(json.dumps(job, ensure_ascii=False), "utf-8")
        return self._child.run(staging / "job.json", stages.next)

    def _result(
        self,
        ok: bool,
        where: _Folders,
        inputs: _Inputs,
        started: float,
        stages: _Stages,
        mode: str,
        changed: int = 0,
        index: dict[str, int] | None = None,
    ) -> BuildResult:
        pages = sum(1 for p in inputs.files if p.endswith(".md"))
        seconds = round(time.perf_counter() - started, 3)
        return BuildResult(
            ok, where.site, pages, seconds, tuple(stages.done), "", mode, changed, self.pages.made, index or {}
        )


def publish(
    store: Store,
    site_dir: Path,
    today: date,
    *,
    on_stage: Callable[[str], None] | None = None,
    built_at: datetime | None = None,
    reason: str = "",
    full: bool = False,
    sources: SiteSources | None = None,
) -> BuildResult:
    """One publish with nothing kept in memory from an earlier one (the command line, tests)."""
    return SitePublisher().publish(
        store, site_dir, today, on_stage=on_stage, built_at=built_at, reason=reason, full=full, sources=sources
    )


def _clone_ahead(live: Path, versions: Path) -> CloneAhead:
    return CloneAhead(live, versions / f"{NEXT}{uuid.uuid4().hex[:12]}")


def _still_spare(clone: CloneAhead, live: Path | None) -> bool:
    """A clone not used by a publish that can serve the next: of the live version, not placed nor removed."""
    return clone.live == live and clone.out.name.startswith(NEXT) and clone.out.is_dir()


def _next_clone(where: _Folders, live: Path | None) -> CloneAhead | None:
    """The clone the next incremental build will start from, made now that the machine is idle."""
    return _clone_ahead(live, where.versions) if live is not None and read_manifest(where.cache, live.name) else None


def _basis(site: SiteData) -> str:
    """Which approved minutes the site reflects, as the stamp says it."""
    m = site.latest
    if m is None:
        return "尚无已审定的会议纪要"
    approved = f"，{zh_date(date.fromisoformat(m.approved))}审定" if _is_iso(m.approved) else ""
    return f"{m.doc_number or m.title}（{zh_date(m.date)}召开{approved}）"


def _is_iso(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the data is read and the pages are made.

    Both allocate millions of short-lived objects, freed by reference counting, and the collector set
    off by them walked everything alive again and again: at five years, 5 s of a first read's 13 s and
    1.5 s of its pages (measured). They make no cycles worth collecting meanwhile; the server freezes
    or collects after each publish (server/heap.py). One publish at a time runs this (the lock).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """One publish at a time per site folder, across threads and processes."""
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
