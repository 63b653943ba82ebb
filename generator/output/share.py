"""A full build's pages shared between two MkDocs processes, one per core.

MkDocs renders pages one after another on one core: at five years of data most of a minute for
1,400 pages, while the machine has two. A full build forks a helper once MkDocs is imported; both
load the same configuration and run the same build in MkDocs' dirty mode, each seeing only its own
pages as "modified", so each renders and writes its half and skips the other's (dirty mode skips
unmodified pages the same way an incremental build does, see generator/sitebuild.py). The first
process also copies the theme's files and writes the theme's own pages (sitemap, 404).

Pages are dealt by size, largest first, each to the process with less to do so far: both
processes compute the same shares from the same docs folder. A page's HTML does not depend on
which process rendered it; the incremental/full byte-identity test covers both.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAIN, HELPER = 0, 1
WORKERS = 2


def shares(sizes: dict[str, int], workers: int = WORKERS) -> dict[str, int]:
    """Which process renders each page (by its docs path): largest first, to the least loaded."""
    load = [0] * workers
    out: dict[str, int] = {}
    for path in sorted(sizes, key=lambda p: (-sizes[p], p)):
        worker = load.index(min(load))
        load[worker] += sizes[path] + 1  # + 1: empty pages are dealt out too
        out[path] = worker
    return out


def _not_mine() -> bool:
    return False


def plugin(worker: int) -> Any:
    from mkdocs.plugins import BasePlugin, event_priority

    class Share(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
        """Marks the other process's pages (and, in the helper, every other file) as not modified."""

        @event_priority(-300)  # after every plugin that adds or removes files
        def on_files(self, files: Any, *, config: Any) -> Any:
            pages = files.documentation_pages()
            owner = shares({f.src_uri: os.path.getsize(f.abs_src_path) for f in pages})
            for file in files:
                page = file.is_documentation_page()
                if (owner.get(file.src_uri, MAIN) if page else MAIN) != worker:
                    file.is_modified = _not_mine  # dirty mode neither renders, copies nor writes it
            return files

        def on_config(self, config: Any) -> Any:
            if worker != MAIN:
                config.theme.static_templates.clear()  # the sitemap and the 404 page are the main process's
            return config

    return Share()


@dataclass
class HelperResult:
    used: list[str] = field(default_factory=list)  # the table cache's page files the helper used
    early: dict[str, str] = field(default_factory=dict)  # its pages done early (output/early.py) -> search key


class HelperFailed(RuntimeError):
    """The helper's half of the build failed (its message says why)."""


class Helper:
    """The forked process that builds the other half; `result` waits for it."""

    def __init__(self, run: Callable[[], HelperResult], on_start: Callable[[], None]) -> None:
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:  # the helper
            os.close(read)
            # Nothing of the helper's goes to the build's output: only the main process reports.
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.close(quiet)
            _serve(run, on_start, write)
        os.close(write)
        self._read = read
        self._waited = False

    def result(self) -> HelperResult:
        """What the helper did, once it has exited; HelperFailed if it failed. Call it once."""
        assert not self._waited
        self._waited = True
        with os.fdopen(self._read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        try:
            found = json.loads(data)
        except ValueError:
            found = {"error": f"辅助构建进程异常退出（状态 {status}）"}
        if "error" in found:
            raise HelperFailed(str(found["error"]))
        return HelperResult(found["used"], found["early"])

    def stop(self) -> None:
        """The build failed: the helper's work is not wanted (its version folder is deleted).

        Its own workers are left to the build's process group, ended once the build exits
        (output/child.py end_group): the build does not wait for them.
        """
        if self._waited:
            return
        self._waited = True
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self._read)


def _serve(run: Callable[[], HelperResult], on_start: Callable[[], None], write: int) -> None:
    """In the helper: build, send the result (or the error) to the main process, exit without cleanup."""
    code = 0
    try:
        on_start()
        done = run()
        reply = {"used": done.used, "early": done.early}
    except BaseException as exc:  # whatever it is, the main process must hear of it
        code = 1
        reply = {"error": str(exc) or type(exc).__name__}
    try:
        with os.fdopen(write, "wb") as pipe:
            pipe.write(json.dumps(reply, ensure_ascii=False).encode("utf-8"))
    finally:
        os._exit(code)  # not the main process's cleanup (its atexit handlers, its pools)
