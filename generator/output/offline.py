"""Seal the built site against outside hosts: Material's on-demand loaders point at nothing.

Material's bundle fetches two scripts from a public CDN when it needs them: Mermaid, when a
page has a Mermaid diagram (ours never do), and a ResizeObserver polyfill, in browsers too
old to have one. On the intranet either request would fail after leaking to the proxy;
pointed at an empty script instead, no request leaves the site at all.

The rule names no host: in the theme's scripts the only quoted absolute URLs are those
loader arguments (the repository-facts URLs are template strings, used only with a
repo_url, which we never set). Every one of them is replaced.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

QUOTED_URL = re.compile(r"""(["'])https?://[^"'\s]*\1""")
EMPTY_SCRIPT = '"data:text/javascript,"'


class NotSealed(RuntimeError):
    """The theme's scripts changed in a way this module does not recognise."""


def seal(site: Path) -> int:
    """Rewrite the loaders in the theme's scripts and drop source maps; returns how many were rewritten.

    An incremental build keeps the live version's scripts, sealed already: a sealed script is left
    alone, and one that is rewritten is written as a new file (it may be a hard link into the live site).
    """
    scripts = site / "assets" / "javascripts"
    rewritten = sealed = 0
    for bundle in sorted(scripts.rglob("*.js")):
        text = bundle.read_text("utf-8")
        fixed, count = QUOTED_URL.subn(EMPTY_SCRIPT, text)
        if count:
            tmp = bundle.with_name(f".{bundle.name}.tmp")
            tmp.write_text(fixed, "utf-8")
            os.replace(tmp, bundle)
            rewritten += count
        sealed += fixed.count(EMPTY_SCRIPT)
    if not sealed:  # Material 9.8 has two loaders; none means the bundle changed shape
        raise NotSealed("主题脚本中没有找到按需加载的外部脚本地址：Material 已改版，请检查 generator/output/offline.py")
    # Source maps are for debugging the theme; they are large and name outside hosts in comments.
    for source_map in scripts.rglob("*.map"):
        source_map.unlink()
    return rewritten
