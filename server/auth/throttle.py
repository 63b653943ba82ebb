"""Login throttling: attempts reserved before the password is checked, in a bounded table that forgets.

Three counters, each over the last FAILURE_WINDOW seconds:

- per (account, address): MAX_FAILURES wrong passwords lock that pair;
- per address: MAX_ADDRESS_FAILURES wrong passwords, whatever the names, lock the address
  (a spray of names from one machine);
- per account: MAX_ACCOUNT_FAILURES wrong passwords from any addresses lock the account, but
  only for addresses that have failed on it: the owner at a desk that has not been failing still
  gets in, so nobody can lock `fgj` out by guessing from elsewhere.

An attempt counts as a failure from the moment it is reserved, so concurrent guesses cannot all
pass the check before any of them is recorded; a right password gives its reservation back.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
MAX_ACCOUNT_FAILURES = 20
FAILURE_WINDOW = 15 * 60
LOCK_SECONDS = 15 * 60
# Entries beyond this many are dropped oldest first: a spray of names or addresses cannot grow the table.
MAX_ENTRIES = 10_000


@dataclass
class _Entry:
    stamps: list[float] = field(default_factory=list)  # failures (and attempts in flight), oldest first
    locked_until: float = 0.0
    locked_by: float = -1.0  # the reservation that set the lock: giving it back lifts the lock


@dataclass(frozen=True)
class Ticket:
    """A reserved attempt: give it back with `succeeded` or keep it as a failure with `failed`."""

    username: str
    address: str
    at: float


@dataclass(frozen=True)
class Lock:
    """One lock in force, for the administrators' page."""

    kind: str  # "pair" (account from one address), "address", or "account"
    username: str  # "" for an address lock
    address: str  # "" for an account lock
    failures: int
    seconds_left: int


@dataclass
class LoginThrottle:
    """Refuses logins after repeated failures; thread-safe, in this process's memory only."""

    clock: Callable[[], float] = time.monotonic
    max_entries: int = MAX_ENTRIES
    _table: OrderedDict[tuple[str, str, str], _Entry] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reserve(self, username: str, address: str) -> Ticket | None:
        """Count this attempt now; None when it must be refused without checking the password."""
        with self._lock:
            now = self.clock()
            pair, addr, account = self._keys(username, address)
            if self._locked(pair, now) or self._locked(addr, now):
                return None
            if self._locked(account, now) and self._recent(pair, now) > 0:
                return None
            for key in (pair, addr, account):
                limit = self._limit(key)
                entry = self._entry(key)
                entry.stamps.append(now)
                del entry.stamps[: max(0, len(entry.stamps) - limit)]  # only the last `limit` matter
                if len(entry.stamps) >= limit and entry.locked_until <= now:
                    entry.locked_until, entry.locked_by = now + LOCK_SECONDS, now
            self._trim()
            return Ticket(username, address, now)

    def failed(self, ticket: Ticket) -> None:
        """The password was wrong: the reservation stays as a failure (nothing more to do)."""

    def succeeded(self, ticket: Ticket) -> None:
        """The password was right: this pair's failures are forgotten, and the reservation given back."""
        with self._lock:
            self._give_back(ticket)
            self._table.pop(self._keys(ticket.username, ticket.address)[0], None)

    def release(self, ticket: Ticket) -> None:
        """The password was never checked (the server was busy): the attempt does not count."""
        with self._lock:
            self._give_back(ticket)

    def blocked(self, username: str, address: str) -> bool:
        """Whether an attempt now would be refused (without counting one)."""
        with self._lock:
            now = self.clock()
            pair, addr, account = self._keys(username, address)
            return (
                self._locked(pair, now)
                or self._locked(addr, now)
                or (self._locked(account, now) and self._recent(pair, now) > 0)
            )

    def locked(self) -> list[Lock]:
        """Every lock in force now, longest remaining first."""
        with self._lock:
            now = self.clock()
            out = [
                Lock(kind, name, address, self._recent((kind, name, address), now), int(entry.locked_until - now))
                for (kind, name, address), entry in self._table.items()
                if entry.locked_until > now
            ]
        return sorted(out, key=lambda x: (-x.seconds_left, x.kind, x.username, x.address))

    def unlock(self, username: str) -> int:
        """Lift every lock and forget every failure of one account (all addresses); how many entries went."""
        with self._lock:
            keys = [k for k in self._table if k[0] in ("pair", "account") and k[1] == username]
            for key in keys:
                del self._table[key]
            return len(keys)

    def unlock_address(self, address: str) -> int:
        """Lift the lock on one address (and its pair locks)."""
        with self._lock:
            keys = [k for k in self._table if k[0] in ("pair", "address") and k[2] == address]
            for key in keys:
                del self._table[key]
            return len(keys)

    def __len__(self) -> int:
        with self._lock:
            return len(self._table)

    # -- inside the lock ------------------------------------------------------------------------

    def _give_back(self, ticket: Ticket) -> None:
        for key in self._keys(ticket.username, ticket.address):
            entry = self._table.get(key)
            if entry is not None and ticket.at in entry.stamps:
                entry.stamps.remove(ticket.at)
                if entry.locked_by == ticket.at:
                    entry.locked_until, entry.locked_by = 0.0, -1.0

    @staticmethod
    def _limit(key: tuple[str, str, str]) -> int:
        return {"pair": MAX_FAILURES, "address": MAX_ADDRESS_FAILURES, "account": MAX_ACCOUNT_FAILURES}[key[0]]

    @staticmethod
    def _keys(username: str, address: str) -> tuple[tuple[str, str, str], ...]:
        return ("pair", username, address), ("address", "", address), ("account", username, "")

    def _entry(self, key: tuple[str, str, str]) -> _Entry:
        entry = self._table.get(key)
        if entry is None:
            entry = self._table[key] = _Entry()
        self._table.move_to_end(key)
        return entry

    def _recent(self, key: tuple[str, str, str], now: float) -> int:
        entry = self._table.get(key)
        if entry is None:
            return 0
        entry.stamps = [t for t in entry.stamps if now - t < FAILURE_WINDOW]
        return len(entry.stamps)

    def _locked(self, key: tuple[str, str, str], now: float) -> bool:
        entry = self._table.get(key)
        return entry is not None and entry.locked_until > now

    def _trim(self) -> None:
        """Drop expired entries from the old end, then the oldest while over the bound."""
        now = self.clock()
        while self._table:
            key, entry = next(iter(self._table.items()))
            stale = entry.locked_until <= now and all(now - t >= FAILURE_WINDOW for t in entry.stamps)
            if not stale and len(self._table) <= self.max_entries:
                break
            del self._table[key]
