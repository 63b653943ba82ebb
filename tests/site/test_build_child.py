"""The MkDocs child started ahead (generator/output/child.py) and the work done on pages as they are built
(generator/output/early.py): real publishes, real processes."""

from __future__ import annotations

import gzip
import os
import signal
import time
from datetime import date, datetime
from pathlib import Path

import brotli
from site_support import seed

from generator.build import SitePublisher, publish
from xietiao.store.engine import Store

TODAY = date(2026, 11, 28)
BUILT = datetime(2026, 11, 28, 15, 30)


def _waiting_children() -> list[int]:
    """Our own child processes that are MkDocs builds."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if ppid == os.getpid() and b"generator.sitebuild" in command:
            found.append(int(entry.name))
    return found


def _until(check: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not check():  # type: ignore[operator]
        time.sleep(0.05)


def test_the_server_keeps_one_child_waiting_and_replaces_one_that_died(tmp_path: Path) -> None:
    with Store(tmp_path / "data", create=True) as store:
        seed(store)
        publisher = SitePublisher(keep_ready=True)
        try:
            first = publisher.publish(store, tmp_path / "site", TODAY, built_at=BUILT)
            assert first.ok, first.error
            waiting = _waiting_children()
            assert len(waiting) == 1  # the next publish's child, imports done or under way
            os.kill(waiting[0], signal.SIGKILL)
            _until(lambda: not Path(f"/proc/{waiting[0]}/cmdline").read_bytes())
            again = publisher.publish(store, tmp_path / "site", TODAY, built_at=datetime(2026, 11, 28, 16), full=True)
            assert again.ok, again.error  # a dead child is not handed the job: another one is started
            assert again.mode == "full" and again.pages == first.pages
            now = _waiting_children()
            assert len(now) == 1 and now != waiting
        finally:
            publisher.close()
    _until(lambda: not _waiting_children())
    assert _waiting_children() == []


def test_a_one_off_publish_leaves_no_process_behind(tmp_path: Path) -> None:
    with Store(tmp_path / "data", create=True) as store:
        seed(store)
        result = publish(store, tmp_path / "site", TODAY, built_at=BUILT)
    assert result.ok, result.error
    _until(lambda: not _waiting_children())
    assert _waiting_children() == []


def test_pages_compressed_while_mkdocs_built_them_match_the_pages_written(tmp_path: Path) -> None:
    with Store(tmp_path / "data", create=True) as store:
        seed(store)
        result = publish(store, tmp_path / "site", TODAY, built_at=BUILT)
    assert result.ok and result.mode == "full", result.error
    pages = sorted((tmp_path / "site").resolve().rglob("*.html"))
    assert len(pages) >= 10
    for path in pages:
        raw = path.read_bytes()
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == raw, path
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == raw, path
    leftovers = [p for p in (tmp_path / "site").resolve().rglob(".*") if p.name.endswith((".tmp", ".link"))]
    assert leftovers == []
