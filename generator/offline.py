"""Seal the built site against outside hosts: Material's on-demand loaders point at nothing.

Material's bundle fetches two scripts from unpkg.com when it needs them: Mermaid, when a
page has a Mermaid diagram (ours never do), and a ResizeObserver polyfill, in browsers
too old to have one. On the intranet either request would fail after leaking to the
proxy; pointed at an empty script instead, no request leaves the site at all.
"""

from __future__ import annotations

import re
from pathlib import Path

LAZY_LOADERS = re.compile(r"https://unpkg\.com/(?:mermaid@[\w.]+/dist/mermaid\.min\.js|resize-observer-polyfill)")
EMPTY_SCRIPT = "data:text/javascript,"


class NotSealed(RuntimeError):
    """The bundle names an outside host this module does not know how to neutralise."""


def seal(site: Path) -> int:
    """Rewrite the loaders in the theme's scripts and drop source maps; returns how many were rewritten."""
    scripts = site / "assets" / "javascripts"
    rewritten = 0
    for bundle in sorted(scripts.glob("*.js")):
        text = bundle.read_text("utf-8")
        sealed, count = LAZY_LOADERS.subn(EMPTY_SCRIPT, text)
        if "unpkg.com" in sealed:
            raise NotSealed(f"{bundle.name} 仍引用 unpkg.com：Material 已改版，请更新 generator/offline.py")
        if count:
            bundle.write_text(sealed, "utf-8")
            rewritten += count
    # Source maps are for debugging the theme; they are large and name outside hosts in comments.
    for source_map in scripts.rglob("*.map"):
        source_map.unlink()
    return rewritten
