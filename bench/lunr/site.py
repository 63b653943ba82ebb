"""Build the same site with the search it had before issue 16 (Material's lunr worker), to measure against."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from bench.lunr.dictionary import Segmenter, dictionary_words
from bench.lunr.documents import search_entries, write_entries
from bench.lunr.index import SegmentCache, segment_index
from generator.catalogue import site_pages
from generator.output.offline import seal
from generator.render import Renderer
from generator.sitedata import read_site_data
from xietiao.config import CONTENT_DIR as CONTENT
from xietiao.config import MKDOCS_YML as CONFIG
from xietiao.store.engine import Store

# The search plugin's settings before issue 16.
OLD_SEARCH = {
    "lang": "zh",
    "separator": r"[\s\u200b\u3000\-、。，．？！；：（）【】《》〔〕“”‘’,.:;!?()\[\]/|]+",
    "fields": {"subwords": {"boost": 0.5}},
}
BUILD = (
    "import sys; from material.plugins.search import plugin; plugin.jieba = None\n"
    "from mkdocs.commands.build import build; from mkdocs.config import load_config\n"
    "build(load_config(config_file=sys.argv[1]))"
)


@dataclass(frozen=True)
class LunrSite:
    site: Path
    segment_cold: float  # seconds of the old segmentation stage with an empty cache
    segment_warm: float  # the same with every entry cached (what a publish after a meeting cost)
    segment_cold_cpu: float
    segment_warm_cpu: float
    index_bytes: int


def _config(docs: Path, site: Path, folder: Path) -> Path:
    config = yaml.safe_load(CONFIG.read_text("utf-8"))
    config["theme"].pop("custom_dir", None)
    config["theme"]["features"] = [*config["theme"].get("features", []), "search.highlight"]
    config["extra_javascript"] = [s for s in config.get("extra_javascript", []) if "search" not in s]
    plugins = [p for p in config["plugins"] if not (isinstance(p, dict) and "search" in p) and p != "search"]
    config["plugins"] = [{"search": OLD_SEARCH}, *plugins]
    config.update(docs_dir=str(docs), site_dir=str(site))
    path = folder / "lunr.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    return path


def _segment(site: Path, raw_index: Path, words: dict[str, int], entries: Path, cache: Path) -> tuple[float, float]:
    index = site / "search" / "search_index.json"
    shutil.copyfile(raw_index, index)
    start, cpu = time.perf_counter(), time.process_time()
    segmenter = Segmenter(words)
    seg_cache = SegmentCache(cache, words, segmenter.version())
    segment_index(index, segmenter, seg_cache, entries)
    seg_cache.save()
    return time.perf_counter() - start, time.process_time() - cpu


def build_lunr_site(store: Store, today: object, built_at: datetime, folder: Path) -> LunrSite:
    """Pages as the publish writes them, MkDocs with the old search settings, then the old segmentation."""
    docs, site = folder / "docs", folder / "site"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copytree(CONTENT, docs)
    data = read_site_data(store, today)  # type: ignore[arg-type]
    Renderer().write(site_pages(data), docs)
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(_config(docs, site, folder))], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    seal(site)
    raw = folder / "plugin-index.json"
    shutil.copyfile(site / "search" / "search_index.json", raw)
    entries = folder / "entries.json"
    write_entries(search_entries(data), entries)
    words = dictionary_words(p.name for p in data.projects.values())
    cold = _segment(site, raw, words, entries, folder / "cache")
    warm = _segment(site, raw, words, entries, folder / "cache")
    size = (site / "search" / "search_index.json").stat().st_size
    json.loads((site / "search" / "search_index.json").read_text("utf-8"))  # a torn index would fail here
    return LunrSite(site, cold[0], warm[0], cold[1], warm[1], size)
