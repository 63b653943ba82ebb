"""Runs one site publish at a time in the background and reports its stages."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from xietiao.store.engine import Store

_log = logging.getLogger("xietiao.publish")


class BuildOutcome(Protocol):
    """What a site build reports back; the generator's (frozen) result has these fields."""

    @property
    def ok(self) -> bool: ...
    @property
    def error(self) -> str: ...
    @property
    def pages(self) -> int: ...
    @property
    def seconds(self) -> float: ...


@dataclass(frozen=True)
class _Crashed:
    ok: bool
    error: str
    pages: int = 0
    seconds: float = 0.0


class SiteBuilder(Protocol):
    """Builds and swaps in the site: the generator's publish, injected where the app is assembled."""

    def __call__(
        self, store: Store, site: Path, today: date, built_at: datetime, on_stage: Callable[[str], None]
    ) -> BuildOutcome: ...


@dataclass
class PublishStatus:
    running: bool = False
    stages: list[str] = field(default_factory=list)
    started: str = ""
    finished: str = ""
    ok: bool | None = None
    error: str = ""
    pages: int = 0
    seconds: float = 0.0
    reason: str = ""
    runs: int = 0


class Publisher:
    def __init__(
        self, store: Store, site_dir: Path, today: Callable[[], date], now: Callable[[], datetime], build: SiteBuilder
    ) -> None:
        self._store = store
        self._build_site = build
        self._site = site_dir
        self._today = today
        self._now = now
        self._lock = threading.Lock()
        self._again = False
        self.status = PublishStatus()
        # Callbacks wait for the first run that starts after they were given: only it has their data.
        self._pending: list[Callable[[PublishStatus], None]] = []
        self._hooks: list[Callable[[PublishStatus], None]] = []

    def request(self, reason: str, on_done: Callable[[PublishStatus], None] | None = None) -> None:
        """Start a publish; if one is running, run once more after it (to catch new data).

        `on_done` is called with the status when that publish finishes, ok or not.
        """
        with self._lock:
            if on_done is not None:
                self._pending.append(on_done)
            if self.status.running:
                self._again = True
                return
            self._begin(reason)
        threading.Thread(target=self._run, daemon=True, name="publish").start()

    def _begin(self, reason: str) -> None:
        self.status = PublishStatus(
            running=True, started=self._now().isoformat(timespec="seconds"), reason=reason, runs=self.status.runs
        )
        self._hooks, self._pending = self._pending, []

    def _run(self) -> None:
        while True:
            result = self._build()
            with self._lock:
                self.status.ok = result.ok
                self.status.error = result.error
                self.status.pages = result.pages
                self.status.seconds = result.seconds
                self.status.finished = self._now().strftime("%Y-%m-%d %H:%M:%S")
                self.status.runs += 1
                hooks, self._hooks = self._hooks, []
            self._call(hooks)
            with self._lock:
                self.status.running = False
                if not self._again:
                    return
                self._again = False
                self._begin("发布期间有新的更改")

    def _call(self, hooks: list[Callable[[PublishStatus], None]]) -> None:
        # Before `running` turns false, so whoever waits for the publish sees the hooks' effects.
        for hook in hooks:
            try:
                hook(self.status)
            except Exception as exc:  # a hook's bug must not stop the publisher
                self.status.stages.append(f"发布后处理出错：{exc!r}")

    def _build(self) -> BuildOutcome:
        try:
            return self._build_site(self._store, self._site, self._today(), self._now(), self.status.stages.append)
        except Exception as exc:  # a bug: keep the old site, say why, keep serving
            _log.exception("发布时出现内部错误（原站点仍在线）")  # the traceback goes to the server's log
            return _Crashed(ok=False, error=f"内部错误：{exc!r}")

    def wait(self, timeout: float = 120.0) -> PublishStatus:
        """For tests and the CLI: block until no publish is running."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self.status.running:
                    return self.status
            time.sleep(0.05)
        return self.status
