"""Publish latency for the demo, 1y and 5y data, against a bare MkDocs build of the same pages."""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from generator.build import publish
from generator.pages import site_pages
from generator.render import Renderer
from generator.sitedata import read_site_data
from xietiao.config import CONTENT_DIR as CONTENT
from xietiao.config import DISTRICT_TZ
from xietiao.config import MKDOCS_YML as CONFIG
from xietiao.demo.generate import make_demo
from xietiao.ledger.items import register_item
from xietiao.store.engine import Store

from .common import figure

TODAY = date(2026, 11, 28)
BUILT_AT = datetime(2026, 11, 28, 18, 0, tzinfo=DISTRICT_TZ)


def _a_meeting_happens(store: Store) -> None:
    """What one approved minutes adds: a handful of agreed items on existing projects."""
    meeting = max(str(m["number"]) for m in store.all("meeting"))
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
    shutil.copytree(CONTENT, docs)
    site = read_site_data(store, TODAY)
    Renderer().write(site_pages(site, BUILT_AT), docs)
    config = yaml.safe_load(CONFIG.read_text("utf-8"))
    config["plugins"] = [p for p in config.get("plugins", []) if "search" not in (p if isinstance(p, dict) else {p: 0})]
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


def run_scale(scale: str) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with Store(tmp / "data", create=True) as store:
            make_demo(store, TODAY, scale, accounts=False)
            figure(f"store_documents_{scale}", store.count(), "docs")
            first = publish(store, tmp / "site", TODAY, built_at=BUILT_AT)
            assert first.ok, first.error
            _a_meeting_happens(store)
            again = publish(store, tmp / "site", TODAY, built_at=BUILT_AT + timedelta(minutes=1))
            assert again.ok, again.error
            reference = _reference_build(store, tmp)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        pages, per_page = _site_bytes_per_page(tmp / "site")
        figure(f"publish_first_{scale}", first.seconds, "s")
        figure(f"publish_after_meeting_{scale}", again.seconds, "s")
        figure(f"reference_bare_build_{scale}", reference, "s")
        figure(f"publish_first_ratio_{scale}", first.seconds / reference, "x")
        figure(f"publish_after_meeting_ratio_{scale}", again.seconds / reference, "x")
        for name, seconds in again.stages:
            figure(f"publish_after_meeting_stage_{scale}_{name}", seconds, "s")
        figure(f"site_pages_{scale}", pages, "pages")
        figure(f"site_bytes_per_page_{scale}", per_page, "KB")
        figure(f"build_peak_rss_{scale}", peak, "MB")


def run(quick: bool) -> None:
    for scale in ("demo",) if quick else ("demo", "1y", "5y"):
        run_scale(scale)
