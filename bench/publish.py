"""Publishing: full builds (cold, warm) against a bare MkDocs build of the same pages, an incremental publish
after a meeting, and change to visible through the real server (bench/live.py)."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from generator.build import SitePublisher, publish
from generator.catalogue import site_pages
from generator.render import Renderer
from generator.sitedata import read_site_data
from xietiao.config import CONTENT_DIR as CONTENT
from xietiao.config import DISTRICT_TZ
from xietiao.config import MKDOCS_YML as CONFIG
from xietiao.demo.generate import make_demo
from xietiao.ledger.items import register_item
from xietiao.store.engine import Store

from . import live
from .common import figure

TODAY = date(2026, 11, 28)
BUILT_AT = datetime(2026, 11, 28, 18, 0, tzinfo=DISTRICT_TZ)
SHOWN_MEETINGS = ("minutes_approved", "published")
CHANGES = {"demo": 5, "1y": 5, "5y": 5}  # reports and closures timed through the server, each


def _a_meeting_happens(store: Store) -> None:
    """What one approved minutes adds: a handful of agreed items on existing projects."""
    approved = store.all("meeting", lambda d: bool(d.get("approved")) and d.get("status") in SHOWN_MEETINGS)
    meeting = max(str(m["number"]) for m in approved)
    projects = [str(p["number"]) for p in store.all("project", lambda d: not d.get("confidential"))][:5]
    with store.batch():
        for k, project in enumerate(projects):
            register_item(
                store,
                "bench",
                meeting=meeting,
                project=project,
                lead_unit="区财政局",
                content=f"协调区财政局落实项目财政预算资金，确保第{k + 1}批款项按期拨付",
                planned=TODAY + timedelta(days=30 + k),
            )


def _reference_build(store: Store, tmp: Path) -> float:
    """Bare `mkdocs build` of the same generated pages, search plugin off: the floor to compare with."""
    docs, out = tmp / "ref-docs", tmp / "ref-site"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(CONTENT, docs)
    site = read_site_data(store, TODAY)
    Renderer().write(site_pages(site), docs)
    config = yaml.safe_load(CONFIG.read_text("utf-8"))
    config["plugins"] = [p for p in config.get("plugins", []) if "search" not in (p if isinstance(p, dict) else {p: 0})]
    config["theme"].pop("custom_dir", None)  # the theme as it comes: no search box of ours
    config["extra_javascript"] = [s for s in config.get("extra_javascript", []) if "search" not in s]
    config.update(docs_dir=str(docs), site_dir=str(out))
    cfg = tmp / "reference.yml"
    cfg.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(cfg)], capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return seconds


def _site_bytes_per_page(site: Path) -> tuple[int, float]:
    pages = list(site.resolve().rglob("*.html"))
    return len(pages), sum(p.stat().st_size for p in pages) / max(1, len(pages)) / 1024


def _cpu() -> float:
    """CPU seconds of this process and its finished children: on a shared machine, steadier than the clock."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _full_builds(store: Store, tmp: Path, scale: str) -> None:
    start = _cpu()
    cold = publish(store, tmp / "cold" / "site", TODAY, built_at=BUILT_AT, reason="基准：冷启动全量")
    assert cold.ok, cold.error
    cold_cpu, start = _cpu() - start, _cpu()
    # Warm: the same site folder again, its build cache (the search's page cache, compiled templates) kept,
    # everything rebuilt.
    warm = publish(store, tmp / "cold" / "site", TODAY, built_at=BUILT_AT, reason="基准：全量", full=True)
    assert warm.ok, warm.error
    warm_cpu, start = _cpu() - start, _cpu()
    reference = _reference_build(store, tmp)
    reference_cpu = _cpu() - start
    figure(f"publish_full_cold_cpu_{scale}", cold_cpu, "s")
    figure(f"publish_full_warm_cpu_{scale}", warm_cpu, "s")
    figure(f"reference_bare_build_cpu_{scale}", reference_cpu, "s")
    figure(f"publish_full_cold_cpu_ratio_{scale}", cold_cpu / reference_cpu, "x")
    figure(f"publish_full_warm_cpu_ratio_{scale}", warm_cpu / reference_cpu, "x")
    figure(f"publish_full_cold_{scale}", cold.seconds, "s")
    figure(f"publish_full_warm_{scale}", warm.seconds, "s")
    figure(f"reference_bare_build_{scale}", reference, "s")
    figure(f"publish_full_cold_ratio_{scale}", cold.seconds / reference, "x")
    figure(f"publish_full_warm_ratio_{scale}", warm.seconds / reference, "x")
    for name, seconds in cold.stages:
        figure(f"publish_full_cold_stage_{scale}_{name}", seconds, "s")
    pages, per_page = _site_bytes_per_page(tmp / "cold" / "site")
    figure(f"site_pages_{scale}", pages, "pages")
    figure(f"site_bytes_per_page_{scale}", per_page, "KB")


def _after_meeting(store: Store, tmp: Path, scale: str) -> None:
    """As the server does it: one SitePublisher kept between publishes."""
    publisher = SitePublisher()
    first = publisher.publish(store, tmp / "server" / "site", TODAY, built_at=BUILT_AT, reason="基准：首次")
    assert first.ok, first.error
    _a_meeting_happens(store)
    again = publisher.publish(
        store, tmp / "server" / "site", TODAY, built_at=BUILT_AT + timedelta(minutes=1), reason="基准：纪要审定"
    )
    assert again.ok and again.mode == "incremental", again.error
    figure(f"publish_after_meeting_{scale}", again.seconds, "s")
    figure(f"publish_after_meeting_pages_made_{scale}", again.made, "pages")
    figure(f"publish_after_meeting_files_changed_{scale}", again.changed, "files")
    for name, seconds in again.stages:
        figure(f"publish_after_meeting_stage_{scale}_{name}", seconds, "s")


def run_scale(scale: str) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        start = time.perf_counter()
        with Store(tmp / "data", create=True) as store:
            make_demo(store, TODAY, scale, accounts=False)
            figure(f"store_documents_{scale}", store.count(), "docs")
            figure(f"demo_generation_{scale}", time.perf_counter() - start, "s")
            _full_builds(store, tmp, scale)
            _after_meeting(store, tmp, scale)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        figure(f"build_peak_rss_{scale}", peak, "MB")
        # The live part runs `xietiao serve` on the folder the server-like publisher built.
        live.measure(scale, tmp / "data", tmp / "server" / "site", CHANGES[scale])
        figure(f"load_average_1min_{scale}", os.getloadavg()[0], "")


def run(quick: bool) -> None:
    for scale in ("demo",) if quick else ("demo", "1y", "5y"):
        run_scale(scale)
