"""Work on each page while MkDocs renders the next one: its compressed copies and its reading for the search.

A full build at five years of data renders 1,400 pages on one core for most of a minute; gzip and
Brotli of those pages and the search stage's reading of them (generator/search) took another 15 s
after it. Done in a second process as each page comes out of MkDocs, they use the other core
instead. What this leaves behind is exactly what the later stages would have made, and they use it:
the copies beside the page (output/compress.py skips pages listed as done) and the search's page
cache (stage.py finds the entries there).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from generator.output.child import watch_parent
from generator.output.compress import compress_data, compressible

_cache: Any = None  # the search's page cache, opened once per worker process


def _page_done(site: str, cache: str, rel: str, data: bytes) -> tuple[str, str]:
    """In the worker: the page's copies, and its key in the search's page cache ("" when it is not searched)."""
    global _cache
    from generator.search.stage import CACHE_DIR, read_into_cache

    if _cache is None:
        from generator.search.pagecache import PageCache

        _cache = PageCache(Path(cache) / CACHE_DIR)
    path = os.path.join(site, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    compress_data(path, data)
    return rel, read_into_cache(_cache, rel, data.decode("utf-8"))[0]


class EarlyWork:
    """Pages handed over as MkDocs finishes them; `results` waits for all and says what was done."""

    def __init__(self, site: Path, cache: Path, *, watch: bool = False) -> None:
        """`watch`: the worker exits when the server dies, as the build does (output/child.py's watch_parent)."""
        self.site, self.cache = str(site), str(cache)
        # fork: the worker starts with MkDocs' modules imported already. It holds both ends of its own
        # job queue, so it never sees that queue end if the build dies: hence the watch.
        self.pool = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("fork"), initializer=watch_parent if watch else None
        )
        self.futures: list[Future[tuple[str, str]]] = []

    def page(self, rel: str, data: bytes) -> None:
        if compressible(rel):
            self.futures.append(self.pool.submit(_page_done, self.site, self.cache, rel, data))

    def cancel(self) -> None:
        """The build failed: drop what has not started, wait for what has."""
        self.pool.shutdown(cancel_futures=True)

    def results(self) -> dict[str, str]:
        """Every page handed over -> its search key ("" when not searched)."""
        try:
            return dict(f.result() for f in self.futures)
        finally:
            self.pool.shutdown()


def plugin(work: EarlyWork) -> Any:
    from mkdocs.plugins import BasePlugin, event_priority

    class Early(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
        @event_priority(-1000)  # after every other plugin: the page as MkDocs writes it
        def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
            if output.strip():  # MkDocs writes no file for an empty page
                work.page(page.file.dest_uri, output.encode("utf-8", errors="xmlcharrefreplace"))
            return output

    return Early()
