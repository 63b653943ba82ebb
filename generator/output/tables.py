"""Table rows rendered once: each page's Markdown table rows kept as the HTML MkDocs made of them.

Most of a big page's Markdown is tables (the ledger: 600 KB, 15,000 cells at five years), and
Python-Markdown's inline pass over their cells is most of its time: about a second for the ledger,
which a closure changes. Between two publishes nearly all rows of a page are the same text (a
closure moves one row from one table to another); a row seen before on the same page, under the
same header, is put in as the HTML it became then, and only new rows are rendered.

How it stays exact: each table Markdown is given holds its header and its new rows only, between two
HTML comments that Markdown passes through as they are. Python-Markdown renders each row of a table
on its own (its cells against the header's columns), so the rendered table splits into the header's
HTML and each row's; the whole table is put together again from those and the kept rows, in the
page's order. A table whose rows are all known is one comment, replaced the same way. The page
MkDocs writes is byte for byte what it would be without this cache (a test compares every table of
the demo's pages).

Only tables as the generator writes them are taken (blocks of lines "| ... |" with a "| --- |" line
second, blank lines around); user text cannot make one, nor a comment (it is escaped).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SEPARATOR = re.compile(r"\|( --- \|)+")
# Markdown writes a block of raw HTML followed by a blank line: the marks go with one line break.
_FRESH = re.compile(r"<!--xt-table-start:(\d+)-->\n\n(.*?)\n<!--xt-table-end-->\n?", re.DOTALL)
_KNOWN = re.compile(r"<!--xt-table:(\d+)-->\n?")
_BODY, _ROW_END, _TAIL = "<tbody>\n", "</tr>\n", "</tbody>\n</table>"
LAYOUT = "2"  # bump when what is kept changes
OFF = "off"  # a file that turns the cache off, left by a build that found a mismatch


class TableMismatch(RuntimeError):
    """Markdown made something else of a table than this module expects: the build stops, nothing is kept."""


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


@dataclass
class _Table:
    head: str  # the key of its header's HTML (everything up to the first row)
    rows: list[str]  # the key of each row's HTML, in order
    fresh: list[int]  # the rows given to Markdown, by position


def _split(html: str, rows: int) -> tuple[str, list[str]]:
    """A rendered table's HTML as its header's and each row's."""
    at = html.find(_BODY)
    if not html.startswith("<table>") or at < 0 or not html.endswith(_TAIL):
        raise TableMismatch("表格的 HTML 结构与预期不同")
    head, body = html[: at + len(_BODY)], html[at + len(_BODY) : -len(_TAIL)]
    parts = [part + _ROW_END for part in body.split(_ROW_END)[:-1]]
    if len(parts) != rows or "".join(parts) != body or not all(p.startswith("<tr>\n") for p in parts):
        raise TableMismatch("表格的行数与预期不同")
    return head, parts


class TableCache:
    """The kept rows of every page, one file per page in `folder`."""

    def __init__(self, folder: Path, toolchain: str) -> None:
        self.folder = folder
        self.toolchain = toolchain
        folder.mkdir(parents=True, exist_ok=True)
        self.enabled = not (folder / OFF).exists()
        self.used: set[str] = set()  # page files of this build
        self.rendered = 0  # rows given to Markdown, and rows put in from the cache
        self.reused = 0
        self._pending: dict[str, tuple[dict[str, str], list[_Table]]] = {}  # page -> (its kept HTML, its tables)

    def _file(self, page: str) -> Path:
        return self.folder / (hashlib.sha1(page.encode("utf-8")).hexdigest()[:20] + ".json")

    def _load(self, page: str) -> dict[str, str]:
        try:
            found = json.loads(self._file(page).read_bytes())
        except (OSError, ValueError):
            return {}
        ok = isinstance(found, dict) and all(isinstance(v, str) for v in found.values())
        return found if ok else {}

    def _key(self, page: str, *parts: str) -> str:
        text = "\0".join((LAYOUT, self.toolchain, page, *parts))
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:24]

    def before_render(self, page: str, markdown: str) -> str:
        """The page's Markdown with its tables marked, each holding only its header and its new rows."""
        lines = markdown.split("\n")
        blocks = list(_tables(lines)) if self.enabled else []
        if not blocks:
            return markdown
        known = self._load(page)
        tables: list[_Table] = []
        out: list[str] = []
        at = 0
        for number, (first, end) in enumerate(blocks):
            header = "\n".join(lines[first : first + 2])
            table = _Table(
                self._key(page, header), [self._key(page, header, row) for row in lines[first + 2 : end]], []
            )
            table.fresh = [i for i, key in enumerate(table.rows) if key not in known]
            if table.head not in known and not table.fresh:
                table.fresh = [0]  # a header is rendered with a row under it
            out.extend(lines[at:first])
            if table.fresh:
                rows = [lines[first + 2 + i] for i in table.fresh]
                out.extend([f"<!--xt-table-start:{number}-->", "", header, *rows, "", "<!--xt-table-end-->"])
            else:
                out.append(f"<!--xt-table:{number}-->")
            self.rendered += len(table.fresh)
            self.reused += len(table.rows) - len(table.fresh)
            tables.append(table)
            at = end
        out.extend(lines[at:])
        self._pending[page] = (known, tables)
        return "\n".join(out)

    def after_render(self, page: str, html: str) -> str:
        """The page's HTML with every table whole again; keeps the HTML of this page's headers and rows."""
        pending = self._pending.pop(page, None)
        if pending is None:
            return html
        known, tables = pending
        now: dict[str, str] = {}

        def whole(table: _Table, rendered: str | None) -> str:
            if rendered is not None:
                head, rows = _split(rendered, len(table.fresh))
                known[table.head] = head
                known.update(zip((table.rows[i] for i in table.fresh), rows, strict=True))
            now[table.head] = known[table.head]
            now.update((key, known[key]) for key in table.rows)
            return known[table.head] + "".join(known[key] for key in table.rows) + _TAIL

        html, fresh = _FRESH.subn(lambda m: whole(tables[int(m[1])], m[2]), html)
        html, kept = _KNOWN.subn(lambda m: whole(tables[int(m[1])], None), html)
        if fresh + kept != len(tables):
            raise TableMismatch("页面中的表格标记与表格数不符")
        path = self._file(page)
        self.used.add(path.name)
        if any(t.fresh for t in tables) or len(now) != len(known):  # else the file holds `now` already
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(now, ensure_ascii=False), "utf-8")
            os.replace(tmp, path)
        return html

    def switch_off(self) -> None:
        """After a mismatch: later builds render every table in full (delete the file to try again)."""
        (self.folder / OFF).write_text("Markdown 的表格输出与 generator/output/tables.py 的预期不同\n", "utf-8")

    def prune(self) -> None:
        """After a build that rendered every page: drop the files of pages that are gone."""
        for path in self.folder.glob("*.json"):
            if path.name not in self.used:
                path.unlink(missing_ok=True)


def plugin(cache: TableCache) -> Any:
    from mkdocs.exceptions import PluginError
    from mkdocs.plugins import BasePlugin, event_priority

    class Tables(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
        @event_priority(-1000)  # after other plugins have changed the Markdown: the text that is rendered
        def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Any) -> str:
            return cache.before_render(page.file.src_uri, markdown)

        @event_priority(1000)  # before any other plugin reads the HTML
        def on_page_content(self, html: str, *, page: Any, config: Any, files: Any) -> str:
            try:
                return cache.after_render(page.file.src_uri, html)
            except TableMismatch as exc:
                cache.switch_off()  # this build fails (the site stays as it was); the next renders in full
                raise PluginError(f"{page.file.src_uri}：{exc}，已停用表格缓存，请重新发布") from exc

    return Tables()
