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
# 等保 2.0 asks that a session left alone ends; the operator may set another idle time (`serve --idle-minutes`).
IDLE_MINUTES = 30


@dataclass
class Session:
    token: str
    username: str
    csrf: str
    expires: float
    last_seen: float = 0.0
    # Files this session stored with a saved post: its later posts may refer to them by hash, but
    # not to files of other users whose hash it learned somehow.
    uploads: set[str] = field(default_factory=set)


@dataclass
class SessionTable:
    """Opaque random tokens in the cookie; nothing about the user travels to the browser."""

    clock: Callable[[], float] = time.monotonic
    idle_seconds: float = IDLE_MINUTES * 60
    _sessions: dict[str, Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, username: str, old_token: str | None = None) -> Session:
        # A new token at every login, so a token planted before login is useless.
        with self._lock:
            if old_token:
                self._sessions.pop(old_token, None)
            now = self.clock()
            session = Session(
                secrets.token_urlsafe(32), username, secrets.token_urlsafe(32), now + SESSION_SECONDS, now
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
            now = self.clock()
            if session.expires < now or now - session.last_seen > self.idle_seconds:
                del self._sessions[token]
                return None
            session.last_seen = now
            return session

    def end(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    def end_user(self, username: str, *, keep: str | None = None) -> None:
        """End every session of the user (deactivated, password changed), except `keep` if given."""
        with self._lock:
            for token in [t for t, s in self._sessions.items() if s.username == username and t != keep]:
                del self._sessions[token]
