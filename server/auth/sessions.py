"""Server-side sessions and CSRF tokens (in this one process's memory; login throttling is in `throttle`)."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# Login throttling moved to its own module; the name stays importable from here for older callers.
from server.auth.throttle import LoginThrottle as LoginThrottle

SESSION_COOKIE = "xietiao_session"
SESSION_SECONDS = 8 * 3600


@dataclass
class Session:
    token: str
    username: str
    csrf: str
    expires: float
    # Files this session stored with a saved post: its later posts may refer to them by hash, but
    # not to files of other users whose hash it learned somehow.
    uploads: set[str] = field(default_factory=set)


@dataclass
class SessionTable:
    """Opaque random tokens in the cookie; nothing about the user travels to the browser."""

    clock: Callable[[], float] = time.monotonic
    _sessions: dict[str, Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, username: str, old_token: str | None = None) -> Session:
        # A new token at every login, so a token planted before login is useless.
        with self._lock:
            if old_token:
                self._sessions.pop(old_token, None)
            session = Session(
                secrets.token_urlsafe(32), username, secrets.token_urlsafe(32), self.clock() + SESSION_SECONDS
            )
            self._sessions[session.token] = session
            return session

    def find(self, token: str | None) -> Session | None:
        if not token:
            return None
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if session.expires < self.clock():
                del self._sessions[token]
                return None
            return session

    def end(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    def end_user(self, username: str) -> None:
        with self._lock:
            for token in [t for t, s in self._sessions.items() if s.username == username]:
                del self._sessions[token]
