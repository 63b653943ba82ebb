"""Reminders: one scheduled pass over the demo district, and the scheduler's CPU while it waits."""

from __future__ import annotations

import asyncio
import json
import tempfile
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from server.notify.service import NotifyService
from xietiao.config import DISTRICT_TZ
from xietiao.cycle.workdays import WorkCalendar
from xietiao.demo.generate import make_demo
from xietiao.notify.run import schedule_pass
from xietiao.notify.settings import load_settings
from xietiao.store.engine import Store
from xietiao.units import all_units

from .common import figure, median

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=DISTRICT_TZ)  # a Thursday, the day after reports were due


def _receiver() -> tuple[ThreadingHTTPServer, list[int]]:
    got: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            got.append(1)
            data = json.dumps({"errcode": 0}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, got


async def _idle_cpu(store: Store, settings: object, seconds: float, receiver: ThreadingHTTPServer) -> tuple[float, int]:
    """CPU the process uses while the started scheduler has nothing to do (the receiver stopped first)."""
    svc = NotifyService(store, settings, [], lambda: NOW)  # type: ignore[arg-type]
    await svc.start()
    while svc.status.last_delivery is None:
        await asyncio.sleep(0.05)
    await asyncio.to_thread(receiver.shutdown)
    wakeups = svc.status.wakeups
    before = time.process_time()
    await asyncio.sleep(seconds)
    used = time.process_time() - before
    woke = svc.status.wakeups - wakeups
    await svc.stop()
    return used, woke


def run(quick: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server, got = _receiver()
        port = server.server_address[1]
        robots = [{"unit": u.name, "kind": "webhook", "url": f"http://127.0.0.1:{port}/{u.code}"} for u in all_units()]
        settings, problems = load_settings({"enabled": True, "robots": robots, "robot_per_minute": 20})
        assert not problems, problems
        with Store(Path(tmp) / "data", create=True) as store:
            make_demo(store, NOW.date(), "demo", accounts=False)
            times = []
            for _ in range(3):
                start = time.perf_counter()
                result = schedule_pass(store, settings, WorkCalendar(), NOW)
                times.append(time.perf_counter() - start)
                if _ == 0:
                    figure("reminders_found_demo", result.reminders, "reminders")
                    figure("reminders_queued_demo", result.queued, "notices")
            figure("reminders_schedule_pass_demo_ms", median(times) * 1000, "ms")
            used, woke = asyncio.run(_idle_cpu(store, settings, 5.0 if quick else 30.0, server))
            figure("reminders_sent_by_scheduler", len(got), "messages")
            figure("reminders_idle_cpu", used / (5.0 if quick else 30.0) * 60 * 1000, "ms_cpu_per_minute")
            figure("reminders_idle_wakeups", woke, "wakeups")
