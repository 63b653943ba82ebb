"""Password checks on their own few threads, with a short queue: a flood of logins waits there, not in everyone's way.

Starlette runs every plain endpoint and file response in one shared thread pool; argon2 there made
100 wrong logins hold up every other page for 23 s. Here at most `workers` checks run at once and at
most `queue` more wait; a login beyond that is refused at once (the caller answers 503), so the
shared pool and the event loop stay free for everyone else.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
WORKERS = 2  # argon2 takes 64 MB and most of a core for a moment; the machines we target have two
QUEUE = 16
NICENESS = 10  # hashing threads yield the processor to the threads that serve pages


def _lower_priority() -> None:
    """Runs in each hashing thread: Linux keeps a niceness per thread, and argon2's own lane threads
    inherit it, so a flood of password checks takes only the processor time nobody else wants."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
    except (AttributeError, OSError):
        pass  # not Linux, or not allowed: the queue bound alone still holds


class HashingBusy(Exception):
    """Too many password checks are waiting; the login is refused without one."""


class HashingPool:
    def __init__(self, workers: int = WORKERS, queue: int = QUEUE) -> None:
        self._executor = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="xietiao-hash", initializer=_lower_priority
        )
        self._lock = threading.Lock()
        self.capacity = workers + queue
        self._taken = 0

    def free(self) -> int:
        """Slots left: checks that may still start or wait."""
        with self._lock:
            return self.capacity - self._taken

    def _release(self, _: object = None) -> None:
        with self._lock:
            self._taken -= 1

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """`fn(*args)` on a hashing thread; HashingBusy at once when every slot is taken."""
        with self._lock:
            if self._taken >= self.capacity:
                raise HashingBusy()
            self._taken += 1
        try:
            future = self._executor.submit(fn, *args)
        except BaseException:
            self._release()
            raise
        future.add_done_callback(self._release)
        # The check goes on to its end even if the client leaves: its slot is freed only then.
        return await asyncio.wrap_future(future)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
