"""Runs one site publish at a time in the background, gathers the changes that arrive meanwhile, reports stages."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from server.heap import settle_after_publish
from xietiao.store.engine import Store

_log = logging.getLogger("xietiao.publish")

# A publish waits this long before it reads the data, so that a burst of changes (fifty units
# filing at once, a batch the bureau confirms) makes one publish, not fifty.
SETTLE_SECONDS = 0.3

MODE_LABELS = {"full": "全量构建", "incremental": "增量构建", "unchanged": "内容无变化，未切换"}


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
    @property
    def mode(self) -> str:
        """ "full", "incremental" or "unchanged" (the live site was left as it was)."""
        ...

    @property
    def changed(self) -> int:
        """Files of the site that changed."""
        ...


@dataclass(frozen=True)
class _Crashed:
    ok: bool
    error: str
    pages: int = 0
    seconds: float = 0.0
    mode: str = ""
    changed: int = 0


class SiteBuilder(Protocol):
    """Builds and swaps in the site: the generator's publish, injected where the app is assembled."""

    def __call__(
        self,
        store: Store,
        site: Path,
        today: date,
        built_at: datetime,
        on_stage: Callable[[str], None],
        reason: str,
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
    mode: str = ""  # of the last finished run: full, incremental, unchanged
    changed: int = 0  # files of the site that run changed
    site_changed: str = ""  # when the site last changed (a run that switched in a new version)
    site_reason: str = ""  # and why
    next_daily: str = ""  # when the daily publish runs next ("" when there is none)

    @property
    def mode_label(self) -> str:
        return MODE_LABELS.get(self.mode, "")


@dataclass(frozen=True)
class PastPublish:
    """One finished publish, for the publish page's list."""

    finished: str
    reason: str
    ok: bool
    mode_label: str
    changed: int
    seconds: float
    error: str


HISTORY = 10


@dataclass
class _Queue:
    requested: int = 0  # requests so far
    reasons: list[str] = field(default_factory=list)  # of the requests no run has taken yet
    hooks: list[tuple[int, Callable[[PublishStatus], None]]] = field(default_factory=list)


def join_reasons(reasons: list[str]) -> str:
    """Several reasons as one: those with the same heading share it (数据更新：月度进展、议定事项)."""
    heads: dict[str, list[str]] = {}
    for reason in reasons:
        head, sep, rest = reason.partition("：")
        parts = heads.setdefault(head if sep else reason, [])
        for part in rest.split("、") if sep else []:
            if part not in parts:
                parts.append(part)
    return "；".join(f"{head}：{'、'.join(parts)}" if parts else head for head, parts in heads.items())


class Publisher:
    """One publish at a time; requests that arrive during one are taken by the next, all together."""

    def __init__(
        self,
        store: Store,
        site_dir: Path,
        today: Callable[[], date],
        now: Callable[[], datetime],
        build: SiteBuilder,
        *,
        settle: float = SETTLE_SECONDS,
    ) -> None:
        self._store = store
        self._build_site = build
        self._site = site_dir
        self._today = today
        self._now = now
        self._settle = settle
        self._lock = threading.Lock()
        self._queue = _Queue()
        self._busy = False
        self.status = PublishStatus()
        self.history: deque[PastPublish] = deque(maxlen=HISTORY)  # newest first

    def request(self, reason: str, on_done: Callable[[PublishStatus], None] | None = None) -> None:
        """Ask for a publish. It starts now, or after the one running, and then includes everything so far.

        `on_done` is called with the status when the first publish that starts after this call finishes
        (ok or not): only that one is sure to hold the caller's data.
        """
        with self._lock:
            self._queue.requested += 1
            if reason and reason not in self._queue.reasons:
                self._queue.reasons.append(reason)
            if on_done is not None:
                self._queue.hooks.append((self._queue.requested, on_done))
            if self._busy:
                return
            self._busy = True
            self.status.running = True
            self.status.reason = join_reasons(self._queue.reasons)
        threading.Thread(target=self._run, daemon=True, name="publish").start()

    def set_next_daily(self, when: str) -> None:
        with self._lock:
            self.status.next_daily = when

    def _run(self) -> None:
        while True:
            time.sleep(self._settle)
            with self._lock:
                taken = self._queue.requested
                reason = join_reasons(self._queue.reasons) or "重新发布"
                self._queue.reasons = []
                hooks = [h for n, h in self._queue.hooks if n <= taken]
                self._queue.hooks = [(n, h) for n, h in self._queue.hooks if n > taken]
                self._begin(reason)
            result = self._build(reason)
            with self._lock:
                self._finish(result)
            self._call(hooks)
            settle_after_publish()  # the collector's passes then skip the data kept for the next publish
            with self._lock:
                if self._queue.requested == taken:
                    self._busy = False
                    self.status.running = False
                    return

    def _begin(self, reason: str) -> None:
        old = self.status
        self.status = PublishStatus(
            running=True,
            started=self._now().isoformat(timespec="seconds"),
            reason=reason,
            runs=old.runs,
            site_changed=old.site_changed,
            site_reason=old.site_reason,
            next_daily=old.next_daily,
        )

    def _finish(self, result: BuildOutcome) -> None:
        s = self.status
        s.ok, s.error, s.pages, s.seconds = result.ok, result.error, result.pages, result.seconds
        s.mode, s.changed = result.mode, result.changed
        s.finished = self._now().strftime("%Y-%m-%d %H:%M:%S")
        s.runs += 1
        if result.ok and result.mode != "unchanged":
            s.site_changed, s.site_reason = s.finished, s.reason
        self.history.appendleft(
            PastPublish(s.finished, s.reason, bool(s.ok), s.mode_label, s.changed, s.seconds, s.error)
        )

    def _call(self, hooks: list[Callable[[PublishStatus], None]]) -> None:
        # Before `running` turns false, so whoever waits for the publish sees the hooks' effects.
        for hook in hooks:
            try:
                hook(self.status)
            except Exception as exc:  # a hook's bug must not stop the publisher
                self.status.stages.append(f"发布后处理出错：{exc!r}")

    def _build(self, reason: str) -> BuildOutcome:
        try:
            return self._build_site(
                self._store, self._site, self._today(), self._now(), self.status.stages.append, reason
            )
        except Exception as exc:  # a bug: keep the old site, say why, keep serving
            _log.exception("发布时出现内部错误（原站点仍在线）")  # the traceback goes to the server's log
            return _Crashed(ok=False, error=f"内部错误：{exc!r}")

    def wait(self, timeout: float = 120.0) -> PublishStatus:
        """For tests and the CLI: block until no publish is running or asked for."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._busy:
                    return self.status
            time.sleep(0.05)
        return self.status
