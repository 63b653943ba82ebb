"""Change to visible: the real `xietiao serve` publishing on its own, a report or a closure until it is on the site.

Also the server's CPU while it waits between publishes (it should be about zero).
"""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import httpx

from xietiao.accounts import add_user
from xietiao.config import district_today
from xietiao.jsonvalue import Doc
from xietiao.store.engine import Store

from .common import figure, median
from .load import free_port, start_server

PASSWORD = "bench-password-1"
UNIT_USER, BUREAU_USER = "bench-unit", "bench-fgj"
POLL = 0.1  # seconds between looks at the page
IDLE_SECONDS = 20.0


def _open_items(store: Store) -> list[Doc]:
    return sorted(
        (d for d in store.all("item") if d.get("status") in ("registered", "in_progress") and d.get("project")),
        key=lambda d: str(d["number"]),
    )


def _closable(store: Store) -> list[Doc]:
    """Items waiting for the bureau's decision, with a closure request still standing."""
    live = {
        str((c.get("data") or {}).get("item")): c  # type: ignore[union-attr]
        for c in store.all("closure", lambda d: d.get("status") in ("submitted", "accepted"))
    }
    return [d for d in store.all("item") if d.get("status") == "closure_requested" and str(d["number"]) in live]


def prepare(data: Path, count: int) -> tuple[list[Doc], list[Doc]]:
    """Accounts for one lead unit and the bureau; that unit's open items and items awaiting closure."""
    with Store(data) as store:
        public = {p["number"] for p in store.all("project", lambda d: d.get("status") == "accepted")}
        items = [i for i in _open_items(store) if i["project"] in public]
        unit = max({str(i["lead_unit"]) for i in items}, key=lambda u: sum(1 for i in items if i["lead_unit"] == u))
        reports = [i for i in items if i["lead_unit"] == unit][:count]
        closures = [i for i in _closable(store) if i["project"] in public][:count]
        add_user(store, UNIT_USER, unit, "unit", PASSWORD)
        add_user(store, BUREAU_USER, "区发展改革局", "bureau", PASSWORD)
    return reports, closures


def _login(base: str, username: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=120)
    r = c.post("/api/login", json={"username": username, "password": PASSWORD})
    r.raise_for_status()
    c.headers["X-CSRF-Token"] = r.json()["csrf"]
    return c


def _idle(bureau: httpx.Client, timeout: float = 1800.0) -> None:
    """Until the server's publisher has nothing running or waiting (seen twice, a second apart)."""
    deadline, calm = time.monotonic() + timeout, 0
    while time.monotonic() < deadline and calm < 2:
        calm = calm + 1 if not bureau.get("/api/publish/status").json()["running"] else 0
        time.sleep(1.0)


def _until_seen(base: str, path: str, seen: re.Pattern[str], start: float, timeout: float = 600.0) -> float:
    with httpx.Client(base_url=base, timeout=60) as reader:
        while time.perf_counter() - start < timeout:
            if seen.search(reader.get(path).text):
                return time.perf_counter() - start
            time.sleep(POLL)
    return float("nan")


def _row(number: str, word: str) -> re.Pattern[str]:
    return re.compile(rf"<tr>(?:(?!</tr>).)*?>{re.escape(number)}</a>(?:(?!</tr>).)*?{word}", re.S)


def report_seconds(base: str, unit: httpx.Client, bureau: httpx.Client, items: list[Doc]) -> list[float]:
    out = []
    month = district_today().isoformat()[:7]  # the server's today: no report for this month yet
    for k, item in enumerate(items):
        _idle(bureau)
        text = f"基准测试第{k + 1}次报告：{item['number']}的管线迁改已完成"
        data = {"item": item["number"], "month": month, "status": "按计划推进", "progress": text, "percent": 50}
        start = time.perf_counter()
        r = unit.post("/api/forms/progress", json={"action": "submit", "data": data})
        if r.status_code != 201:
            raise RuntimeError(f"report refused: {r.text}")
        out.append(_until_seen(base, f"/projects/{item['project']}/", re.compile(re.escape(text)), start))
    return out


def closure_seconds(base: str, bureau: httpx.Client, items: list[Doc]) -> list[float]:
    out = []
    for item in items:
        _idle(bureau)
        number = str(item["number"])
        start = time.perf_counter()
        form = {"csrf": bureau.headers["X-CSRF-Token"], "reason": "已核实"}
        r = bureau.post(f"/app/ledger/{number}/close", data=form)
        if r.status_code not in (200, 303):
            raise RuntimeError(f"closure refused: {r.status_code}")
        out.append(_until_seen(base, f"/projects/{item['project']}/", _row(number, "已销号"), start))
    return out


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = 100  # USER_HZ on Linux
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def measure(scale: str, data: Path, site: Path, count: int) -> None:
    reports, closures = prepare(data, count)
    port = free_port()
    server = start_server(data, site, port)
    try:
        base = f"http://127.0.0.1:{port}"
        unit, bureau = _login(base, UNIT_USER), _login(base, BUREAU_USER)
        _idle(bureau)  # a publish at start (the site is of an earlier day) finishes first
        seen_reports = report_seconds(base, unit, bureau, reports)
        seen_closures = closure_seconds(base, bureau, closures)
        _idle(bureau)
        before, start = _cpu_seconds(server.pid), time.perf_counter()
        time.sleep(IDLE_SECONDS)
        idle = (_cpu_seconds(server.pid) - before) / (time.perf_counter() - start)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    figure(f"visible_after_report_median_{scale}", median(seen_reports), "s")
    figure(f"visible_after_report_max_{scale}", max(seen_reports, default=float("nan")), "s")
    figure(f"visible_after_closure_median_{scale}", median(seen_closures), "s")
    figure(f"visible_after_closure_max_{scale}", max(seen_closures, default=float("nan")), "s")
    figure(f"visible_samples_{scale}", f"{len(seen_reports)}+{len(seen_closures)}", "changes")
    figure(f"server_idle_cpu_{scale}", idle * 100, "% of a core")
