"""Server-side sessions, CSRF tokens and login throttling (all in this one process's memory)."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

SESSION_COOKIE = "xietiao_session"
SESSION_SECONDS = 8 * 3600
# 等保 2.0 asks that a session left alone ends; the operator may set another idle time (`serve --idle-minutes`).
IDLE_MINUTES = 30
MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60


@dataclass
class Session:
    token: str
    username: str
    csrf: str
    expires: float
    last_seen: float = 0.0
    # Files this session uploaded: a form may refer to them by hash (a post re-shown after an error
    # keeps them), but not to files of other users whose hash it learned somehow.
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


@dataclass
class LoginThrottle:
    """Refuses logins after repeated failures, per account and per address."""

    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def blocked(self, username: str, address: str) -> bool:
        with self._lock:
            now = self.clock()
            return any(self._recent(key, now) >= MAX_FAILURES for key in (f"user:{username}", f"addr:{address}"))

    def failed(self, username: str, address: str) -> None:
        with self._lock:
            now = self.clock()
            for key in (f"user:{username}", f"addr:{address}"):
                self._recent(key, now)
                self._failures.setdefault(key, []).append(now)

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{username}", None)

    def locked(self) -> list[str]:
        """Usernames refused at login right now for too many failures (the administrator may unlock them)."""
        with self._lock:
            now = self.clock()
            keys = [k for k in list(self._failures) if k.startswith("user:") and self._recent(k, now) >= MAX_FAILURES]
            return sorted(k.removeprefix("user:") for k in keys)

    def unlock(self, username: str) -> None:
        """Forget the account's failures; failures counted against an address stay."""
        with self._lock:
            self._failures.pop(f"user:{username}", None)

    def _recent(self, key: str, now: float) -> int:
        stamps = [t for t in self._failures.get(key, []) if now - t < FAILURE_WINDOW]
        self._failures[key] = stamps
        return len(stamps)
