"""Publishing as the server does it: on every change, coalesced, daily after midnight; and the site's caching."""

from __future__ import annotations

import gzip
import threading
from datetime import datetime, timedelta
from pathlib import Path

import brotli
import httpx
import pytest
from conftest import TODAY, fixed_now
from live_support import UNIT_ITEMS, client, file_report, live_site, page_text, seed_live, wait_for

from cli.assemble import site_builder
from generator.build import publish
from generator.output.stamp import published_day
from server.publisher import Publisher
from server.schedule import CATCH_UP_REASON, DAILY_REASON, DailyPublish, next_daily
from xietiao.config import DISTRICT_TZ
from xietiao.instance.layout import SiteSources
from xietiao.store.engine import Store


def test_the_store_tells_listeners_which_kinds_each_committed_batch_changed(store: Store) -> None:
    heard: list[frozenset[str]] = []
    store.subscribe(heard.append)

    def broken(kinds: frozenset[str]) -> None:
        raise RuntimeError("a listener's bug")

    store.subscribe(broken)  # must not turn a saved change into an error
    with store.batch():
        store.insert("supervision", {"number": "S-1", "created": "2026-11-01"}, actor="t", action="督办")
        store.insert("meeting", {"number": "2026-30", "created": "2026-11-01"}, actor="t", action="例会")
    assert heard == [frozenset({"supervision", "meeting"})]
    store.note("t", "登录失败", "user", "nobody")  # journals only: no record changed
    with pytest.raises(ValueError), store.batch():
        store.insert("supervision", {"number": "S-2", "created": "2026-11-01"}, actor="t", action="督办")
        raise ValueError("rolled back")
    assert heard == [frozenset({"supervision", "meeting"})]
    assert store.get("supervision", "S-1") is not None  # saved despite the broken listener


def test_fifty_reports_filed_at_once_make_at_most_three_publishes(store: Store, tmp_path: Path) -> None:
    with live_site(store, tmp_path) as (base, app):
        publisher = app.state.xietiao.publisher  # type: ignore[attr-defined]
        publisher.wait(60)
        runs = publisher.status.runs
        czj = client(base, "czj")
        texts = {item: f"第{item[-2:]}批资金已拨付到位并完成核查" for item in UNIT_ITEMS}
        errors: list[BaseException] = []

        def one(item: str) -> None:
            try:
                file_report(czj, item, texts[item])
            except BaseException as exc:  # collected: an assertion in a thread would be lost
                errors.append(exc)

        threads = [threading.Thread(target=one, args=(item,)) for item in UNIT_ITEMS]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == [] and store.count("progress") == 51
        status = publisher.wait(300)
        assert status.ok, status.error
        assert 1 <= status.runs - runs <= 3
        project = page_text(base, "projects/P-2026-0001/")
        assert [item for item, text in texts.items() if text not in project] == []


def test_site_files_are_revalidated_compressed_or_cached_for_good(store: Store, tmp_path: Path) -> None:
    with live_site(store, tmp_path) as (base, _app):
        page = httpx.get(f"{base}/projects/P-2026-0001/", headers={"Accept-Encoding": "br"})
        assert page.status_code == 200 and page.headers["content-encoding"] == "br"
        assert page.headers["cache-control"] == "no-cache" and page.headers["vary"] == "Accept-Encoding"
        etag = page.headers["etag"]
        assert "城东智慧产业园一期" in page.text  # httpx decodes it: real Brotli
        again = httpx.get(f"{base}/projects/P-2026-0001/", headers={"Accept-Encoding": "br", "If-None-Match": etag})
        assert again.status_code == 304 and again.headers["etag"] == etag and again.content == b""
        since = httpx.get(
            f"{base}/projects/P-2026-0001/",
            headers={"Accept-Encoding": "identity", "If-Modified-Since": page.headers["last-modified"]},
        )
        assert since.status_code == 304
        zipped = httpx.get(f"{base}/search/index.json", headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip" and zipped.headers["cache-control"] == "no-cache"
        assert zipped.json()["pages"]
        first_shard = zipped.json()["segments"][0][1][0]
        shard = httpx.get(f"{base}/search/s/{first_shard}.json", headers={"Accept-Encoding": "br"})
        assert shard.headers["content-encoding"] == "br"  # named by its content: never changes, kept a year
        assert shard.headers["cache-control"] == "public, max-age=31536000, immutable"
        plain = httpx.get(f"{base}/stamp.json", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.json()["reason"] == "首次发布"
        assert plain.headers["cache-control"] == "no-cache" and plain.headers["etag"] != etag
        bundle = next(p for p in (tmp_path / "site" / "assets" / "javascripts").glob("bundle.*.min.js"))
        theme = httpx.get(f"{base}/assets/javascripts/{bundle.name}", headers={"Accept-Encoding": "gzip, br"})
        assert theme.headers["cache-control"] == "public, max-age=31536000, immutable"
        raw = bundle.read_bytes()
        assert brotli.decompress((bundle.parent / (bundle.name + ".br")).read_bytes()) == raw
        assert gzip.decompress((bundle.parent / (bundle.name + ".gz")).read_bytes()) == raw


def test_the_daily_publish_runs_after_midnight_and_catches_up_at_start(store: Store, tmp_path: Path) -> None:
    seed_live(store)
    site = tmp_path / "site"
    assert publish(store, site, TODAY, built_at=fixed_now() - timedelta(days=1), reason="昨天").ok
    # A clock that reaches 00:05 a moment from now: the test waits a second, not a day.
    due = next_daily(datetime(2026, 11, 28, 10, 0, tzinfo=DISTRICT_TZ))
    offset = due - datetime.now(DISTRICT_TZ) - timedelta(seconds=1.5)

    def now() -> datetime:
        return datetime.now(DISTRICT_TZ) + offset

    publisher = Publisher(store, site, lambda: now().date(), now, site_builder(SiteSources()))
    daily = DailyPublish(publisher, now, lambda: published_day(site))
    daily.start()
    try:
        # At start the site is a day old: published at once; then 00:05 comes.
        wait_for(lambda: publisher.status.next_daily == "2026-11-30 00:05", 60)
        publisher.wait(300)
    finally:
        daily.stop()
    runs = list(reversed(publisher.history))  # oldest first
    assert all(run.ok for run in runs), runs
    assert runs[0].reason.startswith(CATCH_UP_REASON)
    assert any(DAILY_REASON in run.reason for run in runs) and len(runs) <= 2
    assert published_day(site) == due.date()  # the colours of the new day are on the site
