"""Chinese segmenters for the search index: jieba against rjieba (used when installed), for speed and recall."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from generator.build import publish
from generator.search.dictionary import Segmenter, dictionary_words
from generator.search.index import segment_entry
from generator.search.recall import measure, sample_words
from generator.sitedata import read_site_data
from xietiao.config import DISTRICT_TZ
from xietiao.demo.generate import make_demo
from xietiao.store.engine import Store

from .common import figure

TODAY = date(2026, 11, 28)
BUILT_AT = datetime(2026, 11, 28, 18, 0, tzinfo=DISTRICT_TZ)
SAMPLE = 400
ZWSP = "\u200b"


def _timed(make: Callable[[], Segmenter], raw: list[tuple[str, str]]) -> tuple[float, float, list[list[str]]]:
    """Seconds to load the dictionary, seconds to segment every entry, and the entries."""
    start = time.perf_counter()
    seg = make()
    seg.cut("预热")  # loads the dictionary and the user words
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    entries = [segment_entry(seg, title, text) for title, text in raw]
    return loaded, time.perf_counter() - start, entries


def _index_with(template: dict[str, object], entries: list[list[str]], folder: Path) -> Path:
    """A copy of the built search index whose docs carry the given segmentation."""
    data = json.loads(json.dumps(template))
    for doc, (title, text, tails) in zip(data["docs"], entries, strict=False):
        doc["title"], doc["text"] = title, text
        doc.pop("subwords", None)
        if tails:
            doc["subwords"] = tails
    (folder / "search").mkdir(parents=True)
    (folder / "search" / "search_index.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return folder


def run(quick: bool) -> None:
    scale = "demo" if quick else "1y"
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with Store(tmp / "data", create=True) as store:
            make_demo(store, TODAY, scale, accounts=False)
            result = publish(store, tmp / "site", TODAY, built_at=BUILT_AT)
            assert result.ok, result.error
            site = read_site_data(store, TODAY)
            secret = {str(p["number"]) for p in store.all("project", lambda d: bool(d.get("confidential")))}
            published = {str(m["number"]) for m in store.all("meeting", lambda d: d.get("status") == "published")}
            texts = [
                (str(d["content"]), f"meetings/{d['meeting']}/")
                for d in store.all("item")
                if d.get("project") not in secret and d.get("meeting") in published
            ]
        words = dictionary_words(p.name for p in site.projects.values())
        index = json.loads((tmp / "site" / "search" / "search_index.json").read_text("utf-8"))
        raw = [(d.get("title", "").replace(ZWSP, ""), d.get("text", "").replace(ZWSP, "")) for d in index["docs"]]
        sample = sample_words(texts, SAMPLE)
        figure(f"segment_entries_{scale}", len(raw), "entries")
        figure(f"segment_chars_{scale}", sum(len(t) + len(x) for t, x in raw), "chars")

        j_load, j_cut, j_entries = _timed(lambda: Segmenter(words, engine="jieba"), raw)
        figure("segment_jieba_load", j_load, "s")
        figure("segment_jieba_cut", j_cut, "s")
        jieba_recall = measure(_index_with(index, j_entries, tmp / "jieba"), sample)
        figure("search_recall_jieba", 100 * jieba_recall.share, "%")
        try:
            import rjieba  # noqa: F401
        except ImportError:
            figure("segment_rjieba", "not-installed")
            return
        r_load, r_cut, r_entries = _timed(lambda: Segmenter(words, engine="rjieba"), raw)
        figure("segment_rjieba_load", r_load, "s")
        figure("segment_rjieba_cut", r_cut, "s")
        figure("segment_cut_speedup_rjieba", j_cut / r_cut if r_cut else float("nan"), "x")
        same = sum(1 for a, b in zip(j_entries, r_entries, strict=False) if a[:2] == b[:2])
        figure("segment_identical_entries", 100 * same / max(1, len(raw)), "%")
        rust_recall = measure(_index_with(index, r_entries, tmp / "rjieba"), sample)
        figure("search_recall_rjieba", 100 * rust_recall.share, "%")
        figure("search_recall_words", len(sample), "words")
