"""Tables rendered once: each page's Markdown tables kept as the HTML MkDocs made of them, for the next build.

Most of a big page's Markdown is tables (the ledger: 600 KB, 15,000 cells at five years), and
Python-Markdown's inline pass over their cells is most of its time: about a second for the ledger,
which a closure changes. Between two publishes most of a page's tables are the same text; a table
seen before on the same page is put in as the HTML it became then, and only new tables are rendered.

How it stays exact: a table that is rendered is wrapped in two HTML comments, which Markdown passes
through as they are; after rendering, the HTML between them is the table's, and it is kept under a
hash of the table's text (the page's own file, and the toolchain). A table known already becomes one
comment, replaced by that HTML after rendering. All the comments are gone from the page MkDocs
writes, which is byte for byte what it would be without this cache (a test compares the two).

Only tables as the generator writes them are taken (blocks of lines "| ... |" with a "| --- |" line
second, blank lines around); user text cannot make one, nor a comment (it is escaped).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_SEPARATOR = re.compile(r"\|( --- \|)+")
# Markdown writes a block of raw HTML followed by a blank line: the marks go with one line break.
_FRESH = re.compile(r"<!--xt-table-start:(\w+)-->\n\n(.*?)\n<!--xt-table-end-->\n?", re.DOTALL)
_KNOWN = re.compile(r"<!--xt-table:(\w+)-->\n?")
LAYOUT = "1"  # bump when what is kept changes


def _is_row(line: str) -> bool:
    return line.startswith("| ") and line.endswith(" |")


def _tables(lines: list[str]) -> Iterator[tuple[int, int]]:
    """(first, end) line numbers of each table block: a blank line (or the start) before, one after (or the end)."""
    i = 0
    while i < len(lines):
        starts = _is_row(lines[i]) and (i == 0 or not lines[i - 1].strip())
        if starts and i + 1 < len(lines) and _SEPARATOR.fullmatch(lines[i + 1]):
            end = i + 2
            while end < len(lines) and _is_row(lines[end]):
                end += 1
            if end == len(lines) or not lines[end].strip():
                yield i, end
                i = end
                continue
        i += 1


class TableCache:
    """The kept tables of every page, one file per page in `folder`."""

    def __init__(self, folder: Path, toolchain: str) -> None:
        self.folder = folder
        self.toolchain = toolchain
        folder.mkdir(parents=True, exist_ok=True)
        self.used: set[str] = set()  # page files of this build
        self.rendered = 0  # tables rendered afresh, and put in from the cache
        self.reused = 0
        self._pending: dict[str, dict[str, str]] = {}  # page -> the tables it had, by key

    def _file(self, page: str) -> Path:
        return self.folder / (hashlib.sha1(page.encode("utf-8")).hexdigest()[:20] + ".json")

    def _load(self, page: str) -> dict[str, str]:
        try:
            found = json.loads(self._file(page).read_bytes())
        except (OSError, ValueError):
            return {}
        ok = isinstance(found, dict) and all(isinstance(v, str) for v in found.values())
        return found if ok else {}

    def before_render(self, page: str, markdown: str) -> str:
        """The page's Markdown with its tables marked: known ones replaced, new ones wrapped."""
        lines = markdown.split("\n")
        blocks = list(_tables(lines))
        if not blocks:
            return markdown
        known = self._load(page)
        self._pending[page] = known
        out: list[str] = []
        at = 0
        for first, end in blocks:
            text = "\n".join(lines[first:end])
            key = hashlib.sha1(f"{LAYOUT}\0{self.toolchain}\0{page}\0{text}".encode()).hexdigest()[:24]
            out.extend(lines[at:first])
            if key in known:
                out.append(f"<!--xt-table:{key}-->")
                self.reused += 1
            else:
                out.extend([f"<!--xt-table-start:{key}-->", "", *lines[first:end], "", "<!--xt-table-end-->"])
                self.rendered += 1
            at = end
        out.extend(lines[at:])
        return "\n".join(out)

    def after_render(self, page: str, html: str) -> str:
        """The page's HTML with the marks gone and the known tables put in; keeps what this page's tables are."""
        known = self._pending.pop(page, None)
        if known is None:
            return html
        now: dict[str, str] = {}

        def fresh(match: re.Match[str]) -> str:
            if match[2].startswith("<table>") and match[2].endswith("</table>"):
                now[match[1]] = match[2]
            return match[2]

        def reused(match: re.Match[str]) -> str:
            now[match[1]] = known[match[1]]
            return known[match[1]]

        html = _KNOWN.sub(reused, _FRESH.sub(fresh, html))
        self.used.add(self._file(page).name)
        if now != known:
            path = self._file(page)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(now, ensure_ascii=False), "utf-8")
            os.replace(tmp, path)
        return html

    def prune(self) -> None:
        """After a build that rendered every page: drop the files of pages that are gone."""
        for path in self.folder.glob("*.json"):
            if path.name not in self.used:
                path.unlink(missing_ok=True)


def plugin(cache: TableCache) -> Any:
    from mkdocs.plugins import BasePlugin, event_priority

    class Tables(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
        @event_priority(-1000)  # after other plugins have changed the Markdown: the text that is rendered
        def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Any) -> str:
            return cache.before_render(page.file.src_uri, markdown)

        @event_priority(1000)  # before any other plugin reads the HTML
        def on_page_content(self, html: str, *, page: Any, config: Any, files: Any) -> str:
            return cache.after_render(page.file.src_uri, html)

    return Tables()
