"""Helpers shared by the benchmarks: percentiles, figure printing, seeding a store."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

from xietiao.store.engine import Store

SEED_UNITS = ("东城街道", "西城街道", "区财政局", "区住建局", "新桥镇")


def figure(name: str, value: float | int | str, unit: str = "") -> None:
    """One figure per line as `name: value unit`, as README promises."""
    shown = f"{value:.2f}" if isinstance(value, float) else str(value)
    print(f"{name}: {shown} {unit}".rstrip(), flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def seed_documents(store: Store, count: int, today: date) -> None:
    """`count` monthly reports spread over five years back from today, like a long-lived district."""
    months = 60
    per_month = max(1, count // months)
    made = 0
    for m in range(months):
        day = today - timedelta(days=30 * (months - m))
        with store.batch():
            for i in range(per_month):
                if made >= count:
                    return
                made += 1
                store.insert(
                    "progress",
                    {
                        "number": f"R-S{made:06d}",
                        "form": "progress",
                        "unit": SEED_UNITS[made % len(SEED_UNITS)],
                        "status": "submitted",
                        "confidential": False,
                        "created": f"{day.isoformat()}T09:00:00+08:00",
                        "data": {
                            "item": f"{day.year}-{m % 50 + 1:02d}-{i % 9 + 1:02d}",
                            "month": day.isoformat()[:7],
                            "status": "按计划推进",
                            "progress": "本月完成征地拆迁协议签订，正在办理施工许可。" * 3,
                            "percent": 40,
                        },
                        "versions": [],
                    },
                    actor="bench",
                    action="seed",
                )
