"""A sliding one-minute window per destination: DingTalk blocks a robot for ten minutes past twenty a minute."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

WINDOW = 60.0


class RateLimiter:
    def __init__(self, per_minute: dict[str, int], clock: Callable[[], float] = time.monotonic) -> None:
        self._limits = per_minute  # channel -> sends a minute
        self._clock = clock
        self._sent: dict[str, deque[float]] = {}

    def wait(self, channel: str, destination: str) -> float:
        """Seconds until one more send to `destination` keeps within the channel's limit (0: now)."""
        limit = self._limits.get(channel, 20)
        sent = self._sent.get(f"{channel}|{destination}")
        now = self._clock()
        if sent is None:
            return 0.0
        while sent and now - sent[0] >= WINDOW:
            sent.popleft()
        return 0.0 if len(sent) < limit else WINDOW - (now - sent[0])

    def took(self, channel: str, destination: str) -> None:
        self._sent.setdefault(f"{channel}|{destination}", deque()).append(self._clock())
