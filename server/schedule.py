"""The daily publish, shortly after midnight district time: colours change with the date even when no one writes.

One thread that sleeps on an Event between runs (at most an hour at a time, so that a clock set
forward or back is noticed): no polling, no CPU while it waits.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from server.publisher import Publisher

DAILY_AT = time(0, 5)  # after midnight, once the new day's colours hold
DAILY_REASON = "每日例行发布（三色按日期重算）"
CATCH_UP_REASON = "服务启动：补做错过的每日发布"
LONGEST_SLEEP = 3600.0

_log = logging.getLogger("xietiao.publish")


def next_daily(now: datetime, at: time = DAILY_AT) -> datetime:
    """The first daily publish strictly after `now` (same time zone as `now`)."""
    today = now.replace(hour=at.hour, minute=at.minute, second=at.second, microsecond=0)
    return today if today > now else today + timedelta(days=1)


class DailyPublish:
    """Asks the publisher for a publish every day at DAILY_AT, and once at start if a day was missed."""

    def __init__(
        self,
        publisher: Publisher,
        now: Callable[[], datetime],
        last_published: Callable[[], date | None] | None = None,
        at: time = DAILY_AT,
    ) -> None:
        self._publisher = publisher
        self._now = now
        self._last_published = last_published
        self._at = at
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="daily-publish")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _catch_up(self) -> None:
        """The server was down at the last daily publish: publish now, if the site is older than today."""
        if self._last_published is None:
            return
        last = self._last_published()
        if last is not None and last < self._now().date():
            self._publisher.request(CATCH_UP_REASON)

    def _loop(self) -> None:
        try:
            self._catch_up()
        except Exception:  # a broken stamp must not stop the daily publish
            _log.exception("检查站点发布日期时出错")
        due = next_daily(self._now(), self._at)
        self._publisher.set_next_daily(due.strftime("%Y-%m-%d %H:%M"))
        while True:
            wait = (due - self._now()).total_seconds()
            if wait > 0:
                if self._stop.wait(min(wait, LONGEST_SLEEP)):
                    return
                continue
            self._publisher.request(DAILY_REASON)
            due = next_daily(max(self._now(), due), self._at)
            self._publisher.set_next_daily(due.strftime("%Y-%m-%d %H:%M"))
