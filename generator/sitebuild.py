"""The MkDocs build and search segmentation, run in a child process by build.py.

Usage: python -m generator.sitebuild CONFIG DOCS SITE USER_DICT CACHE_DIR ENTRIES

A child process keeps MkDocs' and jieba's global state, logging and memory out of the
long-running server. It prints "STAGE <name>" when a stage starts and "INDEX <json>"
with the search index figures; problems go to stderr and the exit status is 1.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

STAGE_BUILD = "构建站点"
STAGE_INDEX = "分词索引"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _stage(name: str) -> None:
    print(f"STAGE {name}", flush=True)


def build_site(config_file: Path, docs: Path, site: Path) -> None:
    """Run MkDocs (strict mode in mkdocs.yml turns any warning into a failure)."""
    from material.plugins.search import plugin as search_plugin
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    # The search plugin would segment every page with jieba on every build. We do it
    # afterwards with a cache (searchindex.py), so the plugin's own segmentation is off.
    assert hasattr(search_plugin, "jieba"), "Material 的搜索插件已改版：请检查 generator/sitebuild.py"
    search_plugin.jieba = None
    build(load_config(config_file=str(config_file), docs_dir=str(docs), site_dir=str(site)))


def main(argv: list[str]) -> int:
    config_file, docs, site, user_dict, cache_dir, entries = map(Path, argv)
    from mkdocs.exceptions import MkDocsException

    from generator.offline import NotSealed, seal
    from generator.search.dictionary import Segmenter, read_user_dict
    from generator.search.index import SegmentCache, segment_index

    _stage(STAGE_BUILD)
    collect = _Collect()
    logging.getLogger("mkdocs").addHandler(collect)
    try:
        build_site(config_file, docs, site)
        seal(site)
    except (MkDocsException, SystemExit, NotSealed) as exc:
        print(f"MkDocs 构建失败：{exc}；" + "；".join(collect.messages[-5:]), file=sys.stderr)
        return 1
    _stage(STAGE_INDEX)
    words = read_user_dict(user_dict)
    segmenter = Segmenter(words)
    cache = SegmentCache(cache_dir, words, segmenter.version())
    stats = segment_index(site / "search" / "search_index.json", segmenter, cache, entries)
    cache.save()
    print("INDEX " + json.dumps(stats.__dict__), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
