"""The reminder scheduler: one asyncio task in the server process, asleep until something is due.

It wakes at the daily sending time of each working day, when a journalled event may raise a
reminder, and when a queued notice's retry time comes; the store and the network are used from
worker threads. A failed send never reaches the request that caused the event.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from xietiao.cycle.workdays import CalendarFileError, WorkCalendar, load_calendar
from xietiao.forms.definitions import Problem
from xietiao.jsonvalue import Doc
from xietiao.notify import outbox
from xietiao.notify.events import wants
from xietiao.notify.run import (
    DeliveryResult,
    PassResult,
    deliver_pass,
    event_pass,
    limiter_for,
    next_schedule,
    schedule_pass,
)
from xietiao.notify.settings import NotifySettings
from xietiao.store.engine import Store

# Sleep at most this long, then look at the clock again: a machine's clock may be set while asleep.
LONGEST_SLEEP = 3600.0


@dataclass
class ServiceStatus:
    running: bool = False
    last_pass: PassResult | None = None
    last_delivery: DeliveryResult | None = None
    wakeups: int = 0
    next_wake: datetime | None = None
    errors: list[str] = field(default_factory=list)  # the scheduler's own troubles, newest last


class NotifyService:
    def __init__(
        self,
        store: Store,
        settings: NotifySettings,
        problems: list[Problem],
        now: Callable[[], datetime],
        source: str = "",
    ) -> None:
        self.store = store
        self.settings = settings
        self.problems = problems
        self.now = now
        self.source = source  # where the settings came from, for the admin page
        self.status = ServiceStatus()
        self._limiter = limiter_for(settings)
        self._events: list[Doc] = []
        self._events_lock = threading.Lock()
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._unlisten: Callable[[], None] | None = None
        self._work: asyncio.Lock | None = None  # made in start(): a lock belongs to the loop that runs the app

    @property
    def active(self) -> bool:
        return self.settings.enabled and not self.problems

    def calendar(self) -> WorkCalendar:
        try:
            return load_calendar(self.store.root)
        except CalendarFileError as exc:
            self._note(str(exc))
            return WorkCalendar()

    async def start(self) -> None:
        if not self.active:
            return  # nothing configured: no task, no listener, no cost
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._work = asyncio.Lock()
        self._unlisten = self.store.listen(self._on_commit)
        self._task = asyncio.create_task(self._run(), name="xietiao-reminders")
        self.status.running = True

    async def stop(self) -> None:
        if self._unlisten is not None:
            self._unlisten()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self.status.running = False

    def _on_commit(self, rows: list[Doc]) -> None:
        """On the writer's thread: keep the rows that may raise a reminder, and wake the task."""
        kept = [r for r in rows if wants(r)]
        if not kept or self._loop is None or self._wake is None:
            return
        with self._events_lock:
            self._events += kept
        self._loop.call_soon_threadsafe(self._wake.set)

    def poke(self) -> None:
        """Look again now (after an admin's retry)."""
        if self._loop is not None and self._wake is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def _run(self) -> None:
        assert self._wake is not None
        failures = 0
        while True:
            self.status.wakeups += 1
            self._wake.clear()
            try:
                await self.work_once()
                wake = await asyncio.to_thread(self._next_wake)
                failures = 0
            except Exception as exc:  # a bug or a full disk must not end reminders for good, nor spin
                failures += 1
                self._note(f"{type(exc).__name__}: {exc}")
                wake = self.now() + timedelta(seconds=min(60.0 * 2 ** (failures - 1), LONGEST_SLEEP))
            self.status.next_wake = wake
            delay = min(max((wake - self.now()).total_seconds(), 0.0), LONGEST_SLEEP)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except TimeoutError:
                pass

    async def work_once(self) -> None:
        """The scheduled pass if due, the events waiting, then every notice due."""
        assert self._work is not None, "start() first"
        async with self._work:
            cal = await asyncio.to_thread(self.calendar)
            now = self.now()
            if await asyncio.to_thread(self._schedule_due, cal, now):
                self.status.last_pass = await asyncio.to_thread(schedule_pass, self.store, self.settings, cal, now)
            with self._events_lock:
                rows, self._events = self._events, []
            if rows:
                await asyncio.to_thread(event_pass, self.store, self.settings, rows, self.now())
            self.status.last_delivery = await asyncio.to_thread(
                deliver_pass, self.store, self.settings, self.now, self._limiter
            )

    def _schedule_due(self, cal: WorkCalendar, now: datetime) -> bool:
        return next_schedule(self.store, self.settings, cal, now) <= now

    def _next_wake(self) -> datetime:
        now = self.now()
        wake = next_schedule(self.store, self.settings, self.calendar(), now)
        retry = outbox.next_try(self.store)
        if retry is not None:
            wake = min(wake, max(retry, now + timedelta(seconds=1)))
        return wake

    async def run_now(self) -> PassResult:
        """The admin's "run today's reminders now": the scheduled pass regardless of the hour, then delivery."""
        assert self._work is not None, "start() first"
        async with self._work:
            cal = await asyncio.to_thread(self.calendar)
            result = await asyncio.to_thread(schedule_pass, self.store, self.settings, cal, self.now())
            self.status.last_pass = result
            self.status.last_delivery = await asyncio.to_thread(
                deliver_pass, self.store, self.settings, self.now, self._limiter
            )
        self.poke()
        return result

    def _note(self, message: str) -> None:
        for secret in self.settings.secrets():
            message = message.replace(secret, "***")
        stamp = self.now().isoformat(timespec="seconds")
        self.status.errors = [*self.status.errors[-19:], f"{stamp} {message}"]
