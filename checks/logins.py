"""Logins under attack against the real server on loopback: a concurrent race, and a flood beside other users.

The race: many wrong passwords and the right one at the same instant from one address; at most
MAX_FAILURES of them may get a password check. The flood: wrong logins from several loopback
addresses at once, while a logged-in user loads pages; their latency is measured idle and during
the flood. A breach is a 5xx on anything but a refused login, a page that fails, or a race that
checked more passwords than the limit. Timings are printed, never judged.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import httpx

from bench.load import serve_in_thread
from xietiao.accounts import add_user
from xietiao.config import DISTRICT_TZ
from xietiao.store.engine import Store

PASSWORD = "login-check-password-1"
TODAY = date(2026, 11, 28)
ADDRESSES = [f"127.0.0.{n}" for n in range(2, 10)]  # the flood's clients: loopback only
OTHERS = ("/health", "/api/forms", "/app/login")  # what everyone else is doing meanwhile


@dataclass
class LoginReport:
    race_sent: int = 0
    race_checked: int = 0
    race_throttled: int = 0
    flood_sent: int = 0
    flood_statuses: dict[int, int] = field(default_factory=dict)
    idle_ms: list[float] = field(default_factory=list)
    flood_ms: list[float] = field(default_factory=list)
    breaches: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        idle_p50, idle_p99 = _pcts(self.idle_ms)
        busy_p50, busy_p99 = _pcts(self.flood_ms)
        ratio = busy_p50 / idle_p50 if idle_p50 else 0.0
        refused = sum(n for s, n in self.flood_statuses.items() if s in (429, 503))
        return [
            f"login_race_sent: {self.race_sent} logins",
            f"login_race_checked: {self.race_checked} password checks",
            f"login_race_throttled: {self.race_throttled} refused at once",
            f"login_flood_sent: {self.flood_sent} wrong logins",
            f"login_flood_refused: {refused} answered 429/503 at once",
            f"login_flood_others_idle_p50: {idle_p50:.1f} ms",
            f"login_flood_others_idle_p99: {idle_p99:.1f} ms",
            f"login_flood_others_p50: {busy_p50:.1f} ms",
            f"login_flood_others_p99: {busy_p99:.1f} ms",
            f"login_flood_others_p50_ratio: {ratio:.2f} x idle",
            f"login_breaches: {len(self.breaches)} breaches",
        ]


def _pcts(values: list[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 0.0
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


@contextmanager
def _server(folder: Path) -> Iterator[str]:
    from cli.assemble import assemble_app

    with Store(folder / "data", create=True) as store:
        for name, unit, role in (("dc", "东城街道", "unit"), ("fgj", "区发展改革局", "bureau")):
            add_user(store, name, unit, role, PASSWORD)
        app = assemble_app(
            store,
            site_dir=folder / "site",
            today=lambda: TODAY,
            now=lambda: datetime(2026, 11, 28, 10, tzinfo=DISTRICT_TZ),
        )
        with serve_in_thread(app) as base:
            yield base


def _race(base: str, report: LoginReport, wrong: int) -> None:
    tries = ["wrong-password"] * wrong + [PASSWORD]
    report.race_sent = len(tries)
    with httpx.Client(base_url=base, timeout=60) as client, ThreadPoolExecutor(max_workers=len(tries)) as pool:
        statuses = list(
            pool.map(lambda pw: client.post("/api/login", json={"username": "fgj", "password": pw}).status_code, tries)
        )
    report.race_checked = sum(1 for s in statuses if s in (200, 401))
    report.race_throttled = statuses.count(429)
    if report.race_checked > 5 or any(s >= 500 for s in statuses):
        report.breaches.append(f"并发登录：{report.race_checked} 次得到了密码校验，状态 {sorted(set(statuses))}")


def _others(client: httpx.Client, rounds: int, into: list[float], report: LoginReport) -> None:
    for _ in range(rounds):
        for path in OTHERS:
            started = time.perf_counter()
            r = client.get(path)
            into.append((time.perf_counter() - started) * 1000)
            if r.status_code != 200:
                report.breaches.append(f"登录洪泛期间 {path} 返回 {r.status_code}")


def _flood(base: str, report: LoginReport, per_address: int, rounds: int) -> None:
    with httpx.Client(base_url=base, timeout=60) as user:
        user.post("/api/login", json={"username": "dc", "password": PASSWORD}).raise_for_status()
        _others(user, rounds, report.idle_ms, report)
        clients = [
            httpx.Client(base_url=base, timeout=120, transport=httpx.HTTPTransport(local_address=a)) for a in ADDRESSES
        ]
        jobs = [(c, f"user{i}") for c in clients for i in range(per_address)]
        report.flood_sent = len(jobs)
        done = threading.Event()

        def attempt(job: tuple[httpx.Client, str]) -> int:
            client, name = job
            return client.post("/api/login", json={"username": name, "password": "wrong-password"}).status_code

        with ThreadPoolExecutor(max_workers=48) as pool:
            futures = [pool.submit(attempt, j) for j in jobs]
            time.sleep(0.2)  # the flood is under way
            while not done.is_set() and not all(f.done() for f in futures) and len(report.flood_ms) < 3 * rounds:
                _others(user, 1, report.flood_ms, report)
            for f in futures:
                status = f.result()
                report.flood_statuses[status] = report.flood_statuses.get(status, 0) + 1
        for c in clients:
            c.close()
    unexpected = {s: n for s, n in report.flood_statuses.items() if s not in (401, 429, 503)}
    if unexpected:
        report.breaches.append(f"登录洪泛：意外的状态 {unexpected}")


def run_logins(quick: bool) -> LoginReport:
    report = LoginReport()
    with tempfile.TemporaryDirectory() as tmp, _server(Path(tmp)) as base:
        _race(base, report, wrong=40)
        _flood(base, report, per_address=12 if quick else 30, rounds=20 if quick else 60)
    return report
