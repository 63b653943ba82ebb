"""Crash harness: SIGKILL the real server while clients submit; nothing acknowledged may be lost."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.load import free_port, start_server
from bench.writes import PASSWORD, project_payload
from xietiao.accounts import add_user
from xietiao.store.engine import Store


@dataclass
class CrashReport:
    kills: int = 0
    acknowledged: set[str] = field(default_factory=set)
    stored: int = 0
    lost: list[str] = field(default_factory=list)
    duplicates: int = 0
    files_checked: int = 0

    def lines(self) -> list[str]:
        return [
            f"crash_kills_survived: {self.kills} kills",
            f"crash_acknowledged: {len(self.acknowledged)} submissions",
            f"crash_stored: {self.stored} submissions",
            f"crash_lost: {len(self.lost)} submissions",
            f"crash_duplicate_numbers: {self.duplicates} numbers",
            f"crash_files_loaded: {self.files_checked} files",
        ]


class _Clients:
    """Threads that keep submitting; a request that got no 201 is simply not acknowledged."""

    def __init__(self, port: int, count: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.count = count
        self.acknowledged: set[str] = set()
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def _work(self, k: int) -> None:
        i = 0
        while not self.stop.is_set():
            try:
                with httpx.Client(base_url=self.base, timeout=10) as c:
                    token = c.post("/api/login", json={"username": "dc", "password": PASSWORD}).json()["csrf"]
                    while not self.stop.is_set():
                        i += 1
                        r = c.post(
                            "/api/forms/project",
                            json=project_payload(k * 1_000_000 + i),
                            headers={"X-CSRF-Token": token},
                        )
                        if r.status_code == 201:
                            with self.lock:
                                self.acknowledged.add(r.json()["number"])
            except (httpx.HTTPError, ValueError, KeyError):
                time.sleep(0.05)  # the server is down or restarting: try again

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._work, args=(k,), daemon=True) for k in range(self.count)]
        for t in threads:
            t.start()
        return threads


def _check_files(data: Path, report: CrashReport) -> None:
    numbers: list[str] = []
    for path in sorted(data.glob("*/*.json")):
        doc = json.loads(path.read_text("utf-8"))  # a torn file would raise here
        report.files_checked += 1
        if path.parent.name == "project":
            numbers += [d["number"] for d in doc["project"].values()]
    report.duplicates = len(numbers) - len(set(numbers))
    with Store(data) as store:
        report.stored = store.count("project")
        report.lost = sorted(n for n in report.acknowledged if store.get("project", n) is None)


def _wait_for_progress(pool: _Clients, seen: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(pool.acknowledged) <= seen and time.monotonic() < deadline:
        time.sleep(0.02)


def run_crash(workdir: Path, kills: int, clients: int = 8, seed: int = 7) -> CrashReport:
    rng = random.Random(seed)
    data, site = workdir / "data", workdir / "site"
    with Store(data, create=True) as store:
        add_user(store, "dc", "东城街道", "unit", PASSWORD)
    report = CrashReport()
    port = free_port()
    server = start_server(data, site, port)
    pool = _Clients(port, clients)
    threads = pool.start()
    try:
        for _ in range(kills):
            # Kill only once clients are writing again, at a random moment in the stream.
            _wait_for_progress(pool, len(pool.acknowledged), timeout=30)
            time.sleep(rng.uniform(0.05, 1.2))
            server.send_signal(signal.SIGKILL)
            server.wait()
            report.kills += 1
            server = start_server(data, site, port)
        _wait_for_progress(pool, len(pool.acknowledged), timeout=30)
    finally:
        pool.stop.set()
        for t in threads:
            t.join(timeout=15)
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    report.acknowledged = set(pool.acknowledged)
    _check_files(data, report)
    return report
