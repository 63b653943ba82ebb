"""The MkDocs child process of a build (generator/sitebuild.py), started before it is needed.

Starting Python and importing MkDocs, the theme and Markdown takes about a second, which is a
fifth of a publish after one monthly report at five years of data. A child started ahead does its
imports while the parent reads the data, or between publishes in the server, and then waits on
its standard input for the job. Each child still runs one build and exits: MkDocs' global state
never carries from one build to the next.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

# Where our packages are imported from, for the child: the checkout when run from it,
# site-packages when installed (already on the child's path then; naming it again is harmless).
CODE_ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 1800  # seconds; a build that takes longer is stuck
WAIT_FLAG = "--wait"  # sitebuild's argument for "import, then read the job's path from stdin"


def watch_parent() -> None:
    """In the child, and in any process it forks: exit as soon as the parent is gone.

    The parent keeps the child's standard input open until the child has exited, so its end means the
    parent died (a killed server). Nobody would switch the site to what the build writes: it stops at once.
    A forked process inherits that input, and needs the watch too, or it would wait forever.
    """

    def watch() -> None:
        while os.read(0, 4096):
            pass
        os._exit(3)

    threading.Thread(target=watch, daemon=True, name="watch-parent").start()


class BuildFailed(Exception):
    """The build could not finish for a reason outside the code (message in Chinese)."""


class _Started:
    def __init__(self) -> None:
        # Not a pipe: a child that writes many warnings would block on a full pipe nobody reads yet.
        self.errors: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        # SOURCE_DATE_EPOCH: MkDocs dates its sitemap by the build; a fixed date keeps builds identical.
        env = os.environ | {"NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": code_pythonpath(), "SOURCE_DATE_EPOCH": "0"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator.sitebuild", WAIT_FLAG],
            cwd=tempfile.gettempdir(),
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
            encoding="utf-8",
            start_new_session=True,  # its own process group: what it forks can be stopped with it
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        end_group(self.proc.pid)
        for stream in (self.proc.stdin, self.proc.stdout, self.errors):
            if stream is not None:
                stream.close()


class BuildChild:
    """At most one waiting child; `run` hands it a job (starting one if none waits) and reads its progress."""

    def __init__(self) -> None:
        self._waiting: _Started | None = None
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Have a child waiting for the next job (started now unless one already waits)."""
        with self._lock:
            if self._waiting is not None and self._waiting.proc.poll() is not None:
                self._waiting.stop()  # it died while waiting: start another
                self._waiting = None
            if self._waiting is None:
                self._waiting = _Started()

    def close(self) -> None:
        """Stop the waiting child, if any (the server stops; a one-off publish is done)."""
        with self._lock:
            waiting, self._waiting = self._waiting, None
        if waiting is not None:
            waiting.stop()

    def run(self, job: Path, on_stage: Callable[[str], None]) -> dict[str, int]:
        """Run the build described in `job` (a JSON file in its staging folder); returns the search stage's figures."""
        self.prepare()
        with self._lock:
            child, self._waiting = self._waiting, None
        assert child is not None
        try:
            return _drive(child, job, on_stage)
        finally:
            child.stop()


def end_group(leader: int) -> None:
    """Kill what is left of a build's process group once its first process has exited.

    A build forks helpers (output/share.py, output/early.py) that hold its output pipe open: one left
    behind by a build that died would keep the parent reading that pipe for ever.
    """
    try:
        os.killpg(leader, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # nothing left


def _reap(proc: subprocess.Popen[str]) -> None:
    proc.wait()
    end_group(proc.pid)


def _drive(child: _Started, job: Path, on_stage: Callable[[str], None]) -> dict[str, int]:
    proc = child.proc
    assert proc.stdin is not None and proc.stdout is not None
    index: dict[str, int] = {}
    watchdog = threading.Timer(BUILD_TIMEOUT, proc.kill)
    watchdog.start()
    # Once the build process exits, for whatever reason, its leftovers go: the output pipe then ends.
    threading.Thread(target=_reap, args=(proc,), daemon=True, name="reap-build").start()
    try:
        try:
            # Kept open until the child has exited (`stop`): the child takes its end of file for our death.
            proc.stdin.write(f"{job}\n")
            proc.stdin.flush()
        except BrokenPipeError:
            pass  # it died while waiting: its exit status and messages say why
        for line in proc.stdout:
            if line.startswith("STAGE "):
                on_stage(line[6:].strip())
            elif line.startswith("INDEX "):
                index = json.loads(line[6:])
        code = proc.wait()
    finally:
        watchdog.cancel()
    child.errors.seek(0)
    message = child.errors.read().strip()
    if code < 0:
        raise BuildFailed(f"站点构建超过 {BUILD_TIMEOUT} 秒未完成或被终止（信号 {-code}）")
    if code != 0:
        last = message.splitlines()[-3:] if message else [f"退出码 {code}"]
        raise BuildFailed("站点构建失败：" + " ".join(last))
    return index


def code_pythonpath() -> str:
    """PYTHONPATH for a child process that imports our packages as this process does."""
    parts = [str(CODE_ROOT), os.environ.get("PYTHONPATH", "")]
    return os.pathsep.join(p for p in parts if p)
