"""The MkDocs build and the search stage, run in a child process by build.py.

Usage: python -m generator.sitebuild JOB.json (see Job for its fields), or with --wait: import
everything first, then read the job's path from standard input (output/child.py starts it ahead).

A child process keeps MkDocs' global state, logging and memory out of the long-running
server. It prints "STAGE <name>" when a stage starts and "INDEX <json>" with the search
stage's figures; problems go to stderr and the exit status is 1.

An incremental build runs MkDocs' dirty mode over a clone of the live version made of hard links
(output/versions.py). MkDocs writes its files in place, which would write through the links into
the live site: every file it is about to write is unlinked first (the Incremental plugin below),
so that it writes a new file instead. The search stage (generator/search) then reads the built pages
and writes its index beside them, reading again only pages whose searchable part changed (its page
cache is kept in the build cache, between publishes).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from generator.output.child import WAIT_FLAG, watch_parent
from generator.output.early import EarlyWork
from generator.output.early import plugin as early_plugin
from generator.output.share import HELPER, MAIN, Helper, HelperFailed, HelperResult
from generator.output.share import plugin as share_plugin
from generator.output.tables import TableCache
from generator.output.tables import plugin as tables_plugin

STAGE_BUILD = "构建站点"
STAGE_INDEX = "搜索索引与压缩"
# Files MkDocs writes on every build besides pages and copied files.
ALWAYS_WRITTEN = ("sitemap.xml.gz", "search/search_index.json")
# What a build imports, in the order it does: about a second of a publish, spent before the job comes.
PRELOADED = (
    "mkdocs.commands.build",
    "mkdocs.config",
    "mkdocs.exceptions",
    "material.plugins.search.plugin",
    "material.plugins.privacy.plugin",
    "markdown.extensions.tables",
    "markdown.extensions.toc",
    "jinja2",
    "brotli",
    "generator.output.compress",
    "generator.output.offline",
    "generator.output.versions",
    "generator.search.stage",
)
TABLES_DIR = "tables"  # in the build cache: the HTML of each page's tables (output/tables.py)
SIDECARS = (".gz", ".br")  # precompressed copies (output/compress.py), kept with their file
SEARCH_FOLDER = "search/"  # where a search stage writes


@dataclass(frozen=True)
class Job:
    config: str  # mkdocs.yml
    docs: str  # the docs folder
    site: str  # the output folder: empty (full build) or a clone of the live version (incremental)
    incremental: bool
    live: str  # the live version `site` was cloned from ("" for a full build)
    changed: list[str]  # docs files that differ from the live version's sources (incremental only)
    cache: str  # the build cache: the theme's compiled templates, the search stage's page cache, the tables
    toolchain: str = ""  # the fingerprint of MkDocs, the theme and the generator (output/manifest.py)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class _NoDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build may be inaccurate; in strict mode that warning aborts the build.

    Ours is accurate: only the index pages are in the navigation, every page's Markdown is complete
    and compared with the live version's (a test compares incremental and full builds byte by byte).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def _stage(name: str) -> None:
    print(f"STAGE {name}", flush=True)


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _incremental_plugin(changed: set[str], expected: set[str], templates: Path, into_clone: bool) -> Any:
    from jinja2 import FileSystemBytecodeCache
    from mkdocs.plugins import BasePlugin, event_priority

    class Incremental(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
        """Notes every file MkDocs will produce, and unlinks the ones it is about to write."""

        def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
            # The theme's templates compiled once and kept (a second of every publish otherwise).
            templates.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = FileSystemBytecodeCache(str(templates))
            return env

        @event_priority(-200)  # after every other plugin has added or removed files
        def on_files(self, files: Any, *, config: Any) -> Any:
            for file in files:
                expected.add(file.dest_uri)
                # Only in a clone: a full build's folder starts empty, and holds the other half's files
                # while it runs (output/share.py).
                if into_clone and (file.src_uri in changed or file.is_modified()):
                    _unlink(Path(file.abs_dest_path))
            return files

    return Incremental()


def _without_jieba() -> None:
    """Material's search plugin imports jieba (a second) when it is installed (the test extras install it
    for the benchmark) to segment the pages it indexes. Its index is not used (the site's search is built
    from the pages by generator/search): the import is refused, so the plugin segments nothing."""
    sys.modules.setdefault("jieba", None)  # type: ignore[arg-type]


def build_site(job: Job, early: EarlyWork | None = None, share: int | None = None) -> tuple[set[str], TableCache]:
    """Run MkDocs (strict mode in mkdocs.yml turns any warning into a failure); returns its output files
    and the table cache it used.

    With `early`, each page is handed to it as MkDocs finishes it (output/early.py). With `share`, this
    process builds only its share of a full build's pages (output/share.py).
    """
    _without_jieba()
    from material.plugins.search import plugin as search_plugin
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    assert hasattr(search_plugin, "jieba"), "Material 的搜索插件已改版：请检查 generator/sitebuild.py"
    search_plugin.jieba = None
    site = Path(job.site)
    config = load_config(config_file=job.config, docs_dir=job.docs, site_dir=job.site)
    expected: set[str] = set(config.theme.static_templates) | set(ALWAYS_WRITTEN)
    templates = Path(job.cache) / "templates"
    config.plugins["xietiao/incremental"] = _incremental_plugin(set(job.changed), expected, templates, job.incremental)
    if early is not None:
        config.plugins["xietiao/early"] = early_plugin(early)
    tables = TableCache(Path(job.cache) / TABLES_DIR, job.toolchain)
    config.plugins["xietiao/tables"] = tables_plugin(tables)
    if share is not None:
        config.plugins["xietiao/share"] = share_plugin(share)
    if job.incremental:
        for name in expected:  # rewritten on every build
            _unlink(site / name)
    logging.getLogger("mkdocs.commands.build").addFilter(_NoDirtyWarning())
    build(config, dirty=job.incremental or share is not None)
    return expected, tables


def _helper_half(job: Job, waiting: bool) -> HelperResult:
    """The helper's share of a full build (output/share.py), with its own early work."""
    collect = _Collect()
    logging.getLogger("mkdocs").addHandler(collect)
    early = EarlyWork(Path(job.site), Path(job.cache), watch=waiting)
    try:
        _, tables = build_site(job, early, HELPER)
        return HelperResult(sorted(tables.used), early.results())
    except BaseException as exc:
        early.cancel()
        raise RuntimeError("；".join([str(exc), *collect.messages[-5:]])) from exc


def prune(site: Path, expected: set[str]) -> int:
    """Remove what MkDocs did not produce this time (pages that are gone). The search folder is the search
    stage's: it keeps the files of the live index that it uses again and removes the others itself."""
    from generator.output.versions import files_of

    removed = 0
    for rel, path in files_of(site).items():
        own = rel[:-3] if rel.endswith(SIDECARS) else rel
        if own not in expected and not _search_output(own):
            os.unlink(path)
            removed += 1
    for folder, dirs, _ in os.walk(site, topdown=False):
        for name in dirs:
            try:
                os.rmdir(os.path.join(folder, name))  # only if empty
            except OSError:
                pass
    return removed


def _preload() -> None:
    """Import what every build uses, while the child waits for its job."""
    _without_jieba()
    for name in PRELOADED:
        importlib.import_module(name)


def _job_path(argv: list[str]) -> Path | None:
    if argv != [WAIT_FLAG]:
        return Path(argv[0])
    _preload()
    line = sys.stdin.readline().strip()
    if not line:
        return None  # the parent stopped waiting for a build
    watch_parent()
    path = Path(line)
    os.chdir(path.parent)  # the staging folder: anything a plugin writes in its working folder goes with it
    return path


def main(argv: list[str]) -> int:
    path = _job_path(argv)
    if path is None:
        return 0
    job = Job(**json.loads(path.read_text("utf-8")))
    waiting = argv == [WAIT_FLAG]  # started by output/child.py, which holds our input open while it lives
    from mkdocs.exceptions import MkDocsException

    from generator.output.offline import NotSealed, seal

    _stage(STAGE_BUILD)
    collect = _Collect()
    logging.getLogger("mkdocs").addHandler(collect)
    site = Path(job.site)
    # A full build renders every page: half of them in a helper process, and each process's pages are
    # compressed and read for the search by a worker of its own meanwhile. An incremental one renders a
    # few: not worth another process. A forked process has none of its parent's threads: the helper
    # starts its own watch on the parent (output/child.py).
    helper = (
        None if job.incremental else Helper(lambda: _helper_half(job, waiting), watch_parent if waiting else _nothing)
    )
    early = None if job.incremental else EarlyWork(site, Path(job.cache), watch=waiting)
    try:
        expected, tables = build_site(job, early, None if helper is None else MAIN)
        done = early.results() if early else {}  # before the prune: its files must all be there
        if helper is not None:
            helped = helper.result()
            done |= helped.early
            tables.used.update(helped.used)
        if not job.incremental:
            tables.prune()  # every page was rendered: the tables of pages that are gone go too
        pruned = prune(site, expected)
        seal(site)
    except (MkDocsException, SystemExit, NotSealed, HelperFailed) as exc:
        if early is not None:
            early.cancel()
        print(f"MkDocs 构建失败：{exc}；" + "；".join(collect.messages[-5:]), file=sys.stderr)
        return 1
    finally:
        if helper is not None:
            helper.stop()  # unless it was waited for: the build failed in any way
    _stage(STAGE_INDEX)
    stats = index_and_compress(job, site, done, expected) | {"pruned": pruned}
    print("INDEX " + json.dumps(stats), flush=True)
    return 0


def _nothing() -> None:
    pass


def _search_output(rel: str) -> bool:
    return rel.startswith(SEARCH_FOLDER)


def index_and_compress(job: Job, site: Path, early: dict[str, str], built: set[str]) -> dict[str, int]:
    """The search stage, with the precompression of MkDocs' output beside it (gzip and Brotli run on the
    other core while the stage reads the pages) and of each shard as the stage writes it.

    `early`: the pages already compressed and read for the search as MkDocs wrote them, with their keys;
    `built`: every file MkDocs produced.
    """
    from generator.output.compress import compress_data, precompress
    from generator.output.versions import listing, relink_identical
    from generator.search.stage import build_search

    live = Path(job.live) if job.live else None
    # Each folder is listed once: the search folder again after the stage has written it.
    files, live_files = listing(site), listing(live) if live else {}
    pages = {rel: entry for rel, entry in files.items() if not _search_output(rel)}
    # Files written again with the same bytes become links to the live ones again: they keep their
    # precompressed copies, and readers' caches keep them (the same ETag and Last-Modified).
    changed = len(relink_identical(site, live, files=pages, live_files=live_files)) if live else 0
    shards: dict[str, Future[None]] = {}
    # zlib and Brotli let go of the interpreter lock: the pages, then each shard as the stage writes it,
    # are compressed on the other core while the stage strings the next.
    with ThreadPoolExecutor(max_workers=2) as pool:
        pages_done = pool.submit(precompress, site, live, done=early.keys(), files=pages, live_files=live_files)

        def written(rel: str, data: bytes) -> None:
            shards[rel] = pool.submit(compress_data, os.path.join(site, rel), data, True)

        found = build_search(site, Path(job.cache), early, built, written=written)
        compressed = pages_done.result() + len(shards)
        for done in shards.values():
            done.result()  # a failed compression fails the build
    stats = {k: v for k, v in asdict(found).items() if isinstance(v, int)}
    index = listing(site, SEARCH_FOLDER)
    if live:
        changed += len(relink_identical(site, live, files=index, live_files=live_files))
    # The stage's other files (texts of changed pages); also drops the copies of files the stage removed.
    compressed += precompress(site, live, done=shards.keys(), files=index, live_files=live_files)
    total = sum(1 for rel in [*pages, *index] if not rel.endswith(SIDECARS))
    return stats | {"compressed": compressed, "changed_files": changed if live else total}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
