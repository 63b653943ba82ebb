"""The MkDocs build and the search stage, run in a child process by build.py.

Usage: python -m generator.sitebuild CONFIG DOCS SITE CACHE_DIR

A child process keeps MkDocs' global state, logging and memory out of the long-running
server. It prints "STAGE <name>" when a stage starts and "INDEX <json>" with the search
index figures; problems go to stderr and the exit status is 1.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

STAGE_BUILD = "构建站点"
STAGE_INDEX = "搜索索引"


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

    # The theme's search plugin segments the pages it indexes with jieba whenever jieba is installed
    # (the test extras install it for the benchmark). Its index is not used (the site search is built
    # from the pages by generator/search), so that is switched off.
    assert hasattr(search_plugin, "jieba"), "Material 的搜索插件已改版：请检查 generator/sitebuild.py"
    search_plugin.jieba = None
    build(load_config(config_file=str(config_file), docs_dir=str(docs), site_dir=str(site)))


def main(argv: list[str]) -> int:
    config_file, docs, site, cache_dir = map(Path, argv)
    from mkdocs.exceptions import MkDocsException

    from generator.offline import NotSealed, seal
    from generator.search.stage import build_search

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
    stats = build_search(site, cache_dir)
    print("INDEX " + json.dumps(stats.__dict__), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
