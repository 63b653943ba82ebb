"""Site search at five years of data: the site's own search against the engine before it and Pagefind.

Prints, per engine: index build time, index size, cold time to the first result in Chromium (loopback,
and throttled to 10 Mbit/s with a 4x slower CPU), bytes for the first query, recall on dictionary
words and on substrings that cross words (pages of the meetings the words come from), and how often
an item or project number finds its own page first. Set XIETIAO_BENCH_SEARCH_DIR to keep the data and
the built sites between runs (building five years of data takes minutes).
"""

from __future__ import annotations

import importlib.util
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from generator.build import publish
from generator.search.samples import sample_crossing, sample_words
from generator.search.stage import SearchStats, build_search
from xietiao.config import DISTRICT_TZ
from xietiao.demo.generate import make_demo
from xietiao.jsonvalue import Doc
from xietiao.store.engine import Store

from .common import figure
from .lunr.site import build_lunr_site
from .searchbrowser import answers, chromium, cold_box, cold_pagefind, serve

TODAY = date(2026, 11, 28)
BUILT_AT = datetime(2026, 11, 28, 18, 0, tzinfo=DISTRICT_TZ)
COLD_RUNS = 7
WORDS, CROSSING, NUMBERS = 200, 100, 50
GENERATED = re.compile(r"生成时间：[^<]*")
PAGEFIND_PAGES = "{projects/P-*,meetings/2*,about}/index.html"


def _confidential_data(doc: Doc) -> bool:
    data = doc.get("data")
    return isinstance(data, dict) and bool(data.get("confidential"))


def _published(store: Store) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(text, meeting page) of every published item, and (number, its page) for items and projects."""
    secret = {str(p["number"]) for p in store.all("project", lambda d: bool(d.get("confidential")))}
    secret |= {str(p["number"]) for p in store.all("project", _confidential_data)}
    published = {str(m["number"]) for m in store.all("meeting", lambda d: d.get("status") == "published")}
    items = [d for d in store.all("item") if d.get("project") not in secret and d.get("meeting") in published]
    texts = [(str(d["content"]), f"meetings/{d['meeting']}/") for d in items]
    rng = random.Random(5)
    numbers = [(str(d["number"]), f"meetings/{d['meeting']}/") for d in rng.sample(items, NUMBERS // 2)]
    projects = sorted({str(d["project"]) for d in items})
    numbers += [(n, f"projects/{n}/") for n in rng.sample(projects, NUMBERS - len(numbers))]
    return texts, numbers


def _share(found: list[list[str]], wanted: list[tuple[str, str]], first: bool = False) -> float:
    hits = sum(1 for urls, (_, page) in zip(found, wanted, strict=True) if (urls[:1] if first else urls).count(page))
    return 100 * hits / max(1, len(wanted))


def _sites(root: Path, scale: str) -> tuple[Path, Path, Path | None, list[tuple[str, str]], list[tuple[str, str]]]:
    data, site = root / f"data-{scale}", root / f"site-{scale}"
    fresh = not (data / ".bench-complete").exists()
    with Store(data, create=fresh) as store:
        if fresh:
            make_demo(store, TODAY, scale, accounts=False)
            (data / ".bench-complete").touch()
        figure(f"search_store_documents_{scale}", store.count(), "docs")
        texts, numbers = _published(store)
        if not (site / "search" / "index.json").exists():
            result = publish(store, site, TODAY, built_at=BUILT_AT)
            assert result.ok, result.error
        lunr = root / f"lunr-{scale}"
        old = build_lunr_site(store, TODAY, BUILT_AT, lunr)
    figure(f"search_lunr_segment_cold_{scale}", old.segment_cold, "s")
    figure(f"search_lunr_segment_cold_cpu_{scale}", old.segment_cold_cpu, "s")
    figure(f"search_lunr_segment_warm_{scale}", old.segment_warm, "s")
    figure(f"search_lunr_segment_warm_cpu_{scale}", old.segment_warm_cpu, "s")
    figure(f"search_lunr_index_{scale}", old.index_bytes / 1e6, "MB")
    return site.resolve(), old.site, _pagefind(site.resolve(), root / f"pagefind-{scale}", scale), texts, numbers


def _timed(site: Path, cache: Path, fresh: bool = True) -> tuple[SearchStats, float, float]:
    """The search stage on `site` (into a new search folder, as a publish does, unless `fresh` is False)."""
    if fresh:
        shutil.rmtree(site / "search", ignore_errors=True)
    wall, cpu = time.perf_counter(), time.process_time()
    stats = build_search(site, cache)
    return stats, time.perf_counter() - wall, time.process_time() - cpu


def _site_stage(site: Path, root: Path, scale: str) -> None:
    """Time the search stage on a copy of the built pages: from an empty cache, then as later publishes
    find the pages (every page shows a new generation time; one meeting page changed too), then again
    into the folder that already holds the index. Then bring the served site's index up to date."""
    work, cache = root / f"stage-{scale}", root / "search-cache"
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    pages = [p for p in site.rglob("index.html") if p.relative_to(site).parts[0] not in ("assets", "search")]
    for page in pages:
        (work / page.relative_to(site)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, work / page.relative_to(site))
    runs = {"cold": _timed(work, cache)}
    for page in work.rglob("index.html"):  # published an hour later: a new generation time on every page
        page.write_text(GENERATED.sub("生成时间：2026年11月28日 19:05", page.read_text("utf-8")), "utf-8")
    runs["later"] = _timed(work, cache)
    meeting = sorted(work.glob("meetings/2*/index.html"))[0]  # and one decision more on a meeting page
    text = meeting.read_text("utf-8")
    at = text.rindex("</article>")
    meeting.write_text(text[:at] + "<p>补充议定：协调电力接入，限期办结。</p>" + text[at:], "utf-8")
    runs["one_page"] = _timed(work, cache)
    runs["same_folder"] = _timed(work, cache, fresh=False)
    for name, (stats, wall, cpu) in runs.items():
        figure(f"search_site_build_{name}_{scale}", wall, "s")
        figure(f"search_site_build_{name}_cpu_{scale}", cpu, "s (CPU time: less swayed by a shared machine)")
        figure(f"search_site_build_{name}_read_{scale}", stats.read, f"pages read, {stats.runs_built} runs built")
    cold = runs["cold"][0]
    figure(f"search_site_index_{scale}", cold.bytes / 1e6, "MB")
    figure(f"search_site_pages_{scale}", cold.pages, "pages")
    figure(f"search_site_shards_{scale}", cold.shards, "files")
    figure(f"search_site_files_{scale}", sum(1 for p in (work / "search").rglob("*") if p.is_file()), "files")
    build_search(site, cache)  # the served site's index, made by this code (the site may be from an older run)


def _pagefind_command() -> list[str] | None:
    """How to run Pagefind here, if at all: it is optional and never installed by the benchmark.

    XIETIAO_PAGEFIND names a pagefind binary (or "off"); otherwise the Python package (the
    `pagefind` extra of pyproject.toml), otherwise a `pagefind` on PATH (its npm package, say).
    """
    chosen = os.environ.get("XIETIAO_PAGEFIND", "")
    if chosen == "off":
        return None
    if chosen:
        return [chosen]
    if importlib.util.find_spec("pagefind") is not None:
        return [sys.executable, "-m", "pagefind"]
    found = shutil.which("pagefind")
    return [found] if found else None


def _pagefind(site: Path, out: Path, scale: str) -> Path | None:
    pagefind = _pagefind_command()
    if pagefind is None:
        hint = "pip install -e '.[pagefind]', or XIETIAO_PAGEFIND=/path/to/pagefind"
        figure("search_pagefind", f"skipped (optional comparison; to include it: {hint})")
        return None
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    command = [*pagefind, "--site", str(site), "--output-path", str(out / "pagefind")]
    command += ["--glob", PAGEFIND_PAGES, "--root-selector", "article", "--exclude-selectors", "[data-search-exclude]"]
    done = subprocess.run([*command, "--force-language", "zh", "--quiet"], capture_output=True, text=True)
    if done.returncode != 0:
        figure("search_pagefind", "failed: " + done.stderr[-300:].replace("\n", " "))
        return None
    figure(f"search_pagefind_build_{scale}", time.perf_counter() - start, "s")
    size = sum(p.stat().st_size for p in (out / "pagefind").rglob("*") if p.is_file())
    figure(f"search_pagefind_index_{scale}", size / 1e6, "MB (compressed files)")
    return out


def _measure(base: str, engine: str, queries: dict[str, list[tuple[str, str]]], cold_words: list[str]) -> None:
    with chromium() as browser:
        for throttled in (False, True):
            label = "throttled" if throttled else "loopback"
            runs = cold_words[: COLD_RUNS if not throttled else 5]
            if engine == "pagefind":
                cold = cold_pagefind(browser, f"{base}/site/about/", "/pagefind/pagefind/pagefind.js", runs, throttled)
            else:
                markers = ("/search/", "/workers/")
                cold = cold_box(browser, f"{base}/{engine}/about/", runs, throttled, markers)
            figure(f"search_{engine}_cold_first_result_{label}", cold.seconds, "s (median)")
            figure(f"search_{engine}_first_query_{label}", cold.kilobytes, "KB (compressed, median)")
        url = f"{base}/site/about/" if engine == "pagefind" else f"{base}/{engine}/about/"
        bundle = "/pagefind/pagefind/pagefind.js"
        for name, pairs in queries.items():
            found = answers(browser, url, engine, [q for q, _ in pairs], bundle)
            first = name == "numbers"
            figure(f"search_{engine}_{name}_{'first' if first else 'recall'}", _share(found, pairs, first), "%")
        counts = answers(browser, url, engine, ["2026-21-03", "用地报批"], bundle)
        figure(f"search_{engine}_results_2026-21-03", len(counts[0]), "pages")
        figure(f"search_{engine}_results_用地报批", len(counts[1]), "pages")


def run(quick: bool) -> None:
    scale = "demo" if quick else "5y"
    kept = os.environ.get("XIETIAO_BENCH_SEARCH_DIR")
    with tempfile.TemporaryDirectory() as tmp_name:
        root = Path(kept) if kept else Path(tmp_name)
        root.mkdir(parents=True, exist_ok=True)
        site, lunr, pagefind, texts, numbers = _sites(root, scale)
        _site_stage(site, root, scale)
        queries = {
            "words": sample_words(texts, WORDS),
            "crossing": sample_crossing(texts, CROSSING),
            "numbers": numbers,
        }
        for name, pairs in queries.items():
            figure(f"search_sample_{name}", len(pairs), "queries")
        cold_words = [w for w, _ in queries["words"][:COLD_RUNS]]
        mounts = {"site": site, "lunr": lunr}
        if pagefind is not None:
            mounts["pagefind"] = pagefind
        with serve(mounts) as base:
            for engine in ("site", "lunr", "pagefind") if pagefind is not None else ("site", "lunr"):
                _measure(base, engine, queries, cold_words)
