"""Durable write latency: acknowledged submissions through the real app at 1k, 10k and 50k documents."""

from __future__ import annotations

import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from starlette.testclient import TestClient

from xietiao.accounts import add_user
from xietiao.config import DISTRICT_TZ
from xietiao.store.engine import Store

from .common import figure, median, percentile, seed_documents

TODAY = date(2026, 11, 28)
PASSWORD = "bench-password-1"


def project_payload(i: int) -> dict[str, object]:
    return {
        "action": "submit",
        "data": {
            "name": f"压测项目{i}",
            "overview": "新建厂房及配套设施。",
            "category": "产业",
            "owner": "XX经开集团",
            "lead_unit": "东城街道",
            "town": "东城街道",
            "plans": ["区年度重大建设项目计划"],
            "focus_reason": "要素保障有难度",
            "investment": "12000.00",
            "milestones": [{"node": "开工", "task": "主体开工", "planned": "2027-03-31"}],
            "persons": [{"person": {"name": "张三", "phone": "13800000000"}, "role": "负责人"}],
            "confidential": False,
        },
    }


def _latencies(store: Store, tmp: Path, count: int) -> list[float]:
    from cli.assemble import assemble_app

    # Without the publish after each change: this measures the write path alone (bench.publish measures publishing).
    now = lambda: datetime.now(DISTRICT_TZ)
    app = assemble_app(store, site_dir=tmp / "site", today=lambda: TODAY, now=now, auto_publish=False)
    client = TestClient(app)
    token = client.post("/api/login", json={"username": "dc", "password": PASSWORD}).json()["csrf"]
    out: list[float] = []
    for i in range(count):
        start = time.perf_counter()
        r = client.post("/api/forms/project", json=project_payload(i), headers={"X-CSRF-Token": token})
        out.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 201, r.text  # a refused write would make the figure meaningless
    return out


def run(quick: bool) -> None:
    sizes = (1_000, 10_000, 50_000)
    per_size = 100 if quick else 400
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            with Store(tmp / "data", create=True) as store:
                add_user(store, "dc", "东城街道", "unit", PASSWORD)
                seed_documents(store, size, TODAY)
                lat = _latencies(store, tmp, per_size)
                label = f"{size // 1000}k"
                figure(f"write_p50_{label}", median(lat), "ms")
                figure(f"write_p99_{label}", percentile(lat, 99), "ms")
                figure(f"store_documents_{label}", store.count(), "docs")
