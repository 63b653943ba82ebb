"""Search measured in Chromium over loopback: time to the first result, bytes, and what queries find.

Three engines, each behind its own path of one local server that compresses as the product's does:
- "site": the site's own search (content/javascripts/search.js), typed into the header's box;
- "lunr": Material's search worker with the jieba-segmented index (the engine before issue 16);
- "pagefind": Pagefind's index of the same pages, through its JavaScript API (it has no box here).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from .load import serve_in_thread

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NET_10_MBIT = {"offline": False, "latency": 5, "downloadThroughput": 10e6 / 8, "uploadThroughput": 10e6 / 8}
CPU_SLOWDOWN = 4

# Times the first input event and the first result item, inside the page.
TIMER = """
window.__xt = {t0: 0, t1: 0};
document.addEventListener('input', () => { if (!window.__xt.t0) window.__xt.t0 = performance.now(); }, true);
document.addEventListener('DOMContentLoaded', () => {
  new MutationObserver(() => {
    if (!window.__xt.t1 && document.querySelector('.md-search-result__item')) window.__xt.t1 = performance.now();
  }).observe(document.body, {childList: true, subtree: true});
});
"""

LUNR_QUERIES = """
async (queries) => {
  const cfg = JSON.parse(document.getElementById('__config').textContent);
  const base = new URL(cfg.base.replace(/\\/?$/, '/'), location.href);
  const index = await (await fetch(new URL('search/search_index.json', base))).json();
  const worker = new Worker(new URL(cfg.search, location.href));
  const ask = (message) => new Promise((resolve) => {
    worker.onmessage = (ev) => resolve(ev.data); worker.postMessage(message);
  });
  index.options = {suggest: false};  // what the theme adds before handing the index over
  await ask({type: 0, data: index});
  const out = [];
  for (const q of queries) {
    const answer = await ask({type: 2, data: q});
    out.push(answer.data.items.map((group) => group[0].location.split('#')[0]));
  }
  worker.terminate();
  return out;
}
"""

SITE_QUERIES = """
async (queries) => {
  const out = [];
  for (const q of queries) out.push((await window.xietiaoSearch(q)).filter(r => r.exact).map(r => r.url));
  return out;
}
"""

PAGEFIND_QUERIES = """
async ([bundle, queries, limit]) => {
  const pf = await import(bundle);
  await pf.init();
  const out = [];
  for (const q of queries) {
    const found = await pf.search(q);
    const data = await Promise.all(found.results.slice(0, limit).map(r => r.data()));
    out.push(data.map(d => d.url));
  }
  return out;
}
"""

PAGEFIND_FIRST = """
async ([bundle, q]) => {
  const t0 = performance.now();
  const pf = await import(bundle);
  const found = await pf.search(q);
  if (found.results.length) await found.results[0].data();
  return (performance.now() - t0) / 1000;
}
"""


@dataclass(frozen=True)
class Cold:
    seconds: float  # median time from the first keystroke to the first result
    kilobytes: float  # median bytes on the wire for the search, compressed


@contextmanager
def serve(mounts: dict[str, Path]) -> Iterator[str]:
    """The folders under their paths on a loopback port, compressed like the product's site."""
    routes = [
        Mount(f"/{name}", GZipMiddleware(StaticFiles(directory=str(d), html=True), compresslevel=6))
        for name, d in mounts.items()
    ]
    with serve_in_thread(Starlette(routes=routes), log_level="error") as base:
        yield base


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


class _Wire:
    """Bytes received for requests whose address contains one of the markers (CDP's encoded length)."""

    def __init__(self, cdp: Any, markers: tuple[str, ...]) -> None:
        self.urls: dict[str, str] = {}
        self.bytes = 0
        self.outside: list[str] = []
        self.markers = markers
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._done)

    def _sent(self, ev: dict[str, Any]) -> None:
        url = ev["request"]["url"]
        self.urls[ev["requestId"]] = url
        if not url.startswith(("http://127.0.0.1", "data:", "blob:")):
            self.outside.append(url)

    def _done(self, ev: dict[str, Any]) -> None:
        if any(m in self.urls.get(ev["requestId"], "") for m in self.markers):
            self.bytes += int(ev["encodedDataLength"])


def _page(browser: Any, throttled: bool, markers: tuple[str, ...]) -> tuple[Any, Any, _Wire]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    wire = _Wire(cdp, markers)
    if throttled:
        cdp.send("Network.emulateNetworkConditions", NET_10_MBIT)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    page.set_default_timeout(120_000)
    return context, page, wire


def cold_box(browser: Any, url: str, queries: list[str], throttled: bool, markers: tuple[str, ...]) -> Cold:
    """Fresh browser cache for each query: load the page, type into the header's box, wait for a result."""
    times, sizes = [], []
    for query in queries:
        context, page, wire = _page(browser, throttled, markers)
        try:
            page.add_init_script(TIMER)
            page.goto(url, wait_until="load")
            box = page.locator("input.md-search__input")
            box.click()
            box.fill(query)
            box.press("End")
            page.wait_for_function("() => window.__xt.t1 > 0")
            times.append(page.evaluate("() => (window.__xt.t1 - window.__xt.t0) / 1000"))
            page.wait_for_timeout(300)  # excerpts still arriving belong to the first query too
            sizes.append(wire.bytes / 1024)
            if wire.outside:
                raise RuntimeError(f"requests left the machine: {wire.outside[:3]}")
        finally:
            context.close()
    return Cold(statistics.median(times), statistics.median(sizes))


def cold_pagefind(browser: Any, url: str, bundle: str, queries: list[str], throttled: bool) -> Cold:
    times, sizes = [], []
    for query in queries:
        context, page, wire = _page(browser, throttled, ("/pagefind/",))
        try:
            page.goto(url, wait_until="load")
            times.append(page.evaluate(PAGEFIND_FIRST, [bundle, query]))
            sizes.append(wire.bytes / 1024)
        finally:
            context.close()
    return Cold(statistics.median(times), statistics.median(sizes))


def answers(browser: Any, url: str, engine: str, queries: list[str], bundle: str = "") -> list[list[str]]:
    """For each query the page addresses the engine returns, best first (relative to the site root)."""
    context, page, _ = _page(browser, False, ())
    try:
        page.goto(url, wait_until="load")
        if engine == "site":
            found = page.evaluate(SITE_QUERIES, queries)
        elif engine == "lunr":
            found = page.evaluate(LUNR_QUERIES, queries)
        else:
            found = page.evaluate(PAGEFIND_QUERIES, [bundle, queries, 200])
    finally:
        context.close()
    return [[_relative(u) for u in urls] for urls in found]


def _relative(url: str) -> str:
    """'/pagefind-site/meetings/2026-21/' or 'meetings/2026-21/' -> 'meetings/2026-21/'."""
    for kind in ("meetings/", "projects/", "about/"):
        if kind in url:
            return url[url.index(kind) :]
    return url
