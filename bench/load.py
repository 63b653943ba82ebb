"""Load: 50 concurrent clients submitting to the real uvicorn server over loopback."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from starlette.types import ASGIApp

from xietiao.accounts import add_user
from xietiao.store.engine import Store

from .common import figure, percentile
from .writes import PASSWORD, project_payload

CLIENTS = 50


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_in_thread(app: ASGIApp, log_level: str = "warning") -> Iterator[str]:
    """An ASGI app under real uvicorn in a thread of this process, on a loopback port; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level=log_level))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def start_server(data: Path, site: Path, port: int) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).with_name("xietiao")
    proc = subprocess.Popen(
        [str(exe), "serve", "--data", str(data), "--site", str(site), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # Generous: on a loaded shared machine a cold start of Python and its imports can take a while.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    exited = proc.poll()
    proc.kill()
    why = "still starting after 90 s" if exited is None else f"exited with status {exited}"
    raise RuntimeError(f"server did not start ({why}): " + (proc.stderr.read().decode() if proc.stderr else ""))


async def _login(c: httpx.AsyncClient) -> str:
    r = await c.post("/api/login", json={"username": "dc", "password": PASSWORD})
    return str(r.json()["csrf"])


async def _client(c: httpx.AsyncClient, token: str, n: int, offset: int, latencies: list[float]) -> int:
    acknowledged = 0
    for i in range(n):
        start = time.perf_counter()
        r = await c.post("/api/forms/project", json=project_payload(offset + i), headers={"X-CSRF-Token": token})
        if r.status_code == 201:
            acknowledged += 1
            latencies.append((time.perf_counter() - start) * 1000)
    return acknowledged


async def _run_clients(base: str, per_client: int) -> tuple[int, list[float], float]:
    latencies: list[float] = []
    clients = [httpx.AsyncClient(base_url=base, timeout=60) for _ in range(CLIENTS)]
    # Log everyone in first so that argon2 logins do not count as submission time.
    tokens = await asyncio.gather(*(_login(c) for c in clients))
    start = time.perf_counter()
    counts = await asyncio.gather(
        *(
            _client(c, t, per_client, k * per_client, latencies)
            for k, (c, t) in enumerate(zip(clients, tokens, strict=False))
        )
    )
    seconds = time.perf_counter() - start
    await asyncio.gather(*(c.aclose() for c in clients))
    return sum(counts), latencies, seconds


def run(quick: bool) -> None:
    per_client = 20 if quick else 60
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with Store(tmp / "data", create=True) as store:
            add_user(store, "dc", "东城街道", "unit", PASSWORD)
        port = free_port()
        server = start_server(tmp / "data", tmp / "site", port)
        try:
            acknowledged, lat, seconds = asyncio.run(_run_clients(f"http://127.0.0.1:{port}", per_client))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        with Store(tmp / "data") as store:
            stored = store.count("project")
        figure("load_clients", CLIENTS, "clients")
        figure("load_acknowledged", acknowledged, "submissions")
        figure("load_stored", stored, "submissions")
        figure("load_lost", acknowledged - stored if stored < acknowledged else 0, "submissions")
        figure("load_throughput", acknowledged / seconds, "submissions/s")
        figure("load_p50", percentile(lat, 50), "ms")
        figure("load_p99", percentile(lat, 99), "ms")
        figure("load_cpu_cores", os.cpu_count() or 0, "cores")
