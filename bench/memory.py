"""Peak memory of the server with 50k documents in the store."""

from __future__ import annotations

import signal
import tempfile
from pathlib import Path

import httpx

from xietiao.accounts import add_user
from xietiao.store.engine import Store

from .common import figure, seed_documents
from .load import free_port, start_server
from .writes import PASSWORD, TODAY, project_payload


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def server_memory(documents: int) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with Store(tmp / "data", create=True) as store:
            add_user(store, "dc", "东城街道", "unit", PASSWORD)
            add_user(store, "fgj", "区发展改革局", "bureau", PASSWORD)
            seed_documents(store, documents, TODAY)
        port = free_port()
        server = start_server(tmp / "data", tmp / "site", port)
        try:
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base, timeout=120) as c:
                token = c.post("/api/login", json={"username": "dc", "password": PASSWORD}).json()["csrf"]
                for i in range(50):
                    c.post("/api/forms/project", json=project_payload(i), headers={"X-CSRF-Token": token})
                c.get("/app/")
            with httpx.Client(base_url=base, timeout=120) as c:
                c.post("/app/login", data={"username": "fgj", "password": PASSWORD})
                for path in ("/app/", "/app/ledger", "/app/reports", "/app/issues"):
                    c.get(path)
            figure(f"server_peak_rss_{documents // 1000}k", _peak_rss_mb(server.pid), "MB")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def run(quick: bool) -> None:
    # Build memory and bytes per page come from the publish suite, which builds each data set anyway.
    server_memory(50_000)
