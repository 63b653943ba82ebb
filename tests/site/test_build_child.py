"""The MkDocs child started ahead (generator/output/child.py) and the work done on pages as they are built
(generator/output/early.py): real publishes, real processes."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path

import brotli
from site_support import add_progress, seed

import generator.output.child as child_module
from generator.build import STAGE_BUILD, SitePublisher, publish
from generator.output.versions import NEXT
from xietiao.store.engine import Store

TODAY = date(2026, 11, 28)
BUILT = datetime(2026, 11, 28, 15, 30)
ROOT = Path(__file__).resolve().parents[2]

# A server's publish, as a process of its own that the test can kill in the middle of the build.
PUBLISH_THEN_BE_KILLED = """
import sys
from datetime import date, datetime
from pathlib import Path
from generator.build import SitePublisher
from xietiao.store.engine import Store
root = Path(sys.argv[1])
with Store(root / "data") as store:
    SitePublisher(keep_ready=True).publish(
        store, root / "site", date(2026, 11, 28), built_at=datetime(2026, 11, 28, 15, 30),
        on_stage=lambda name: print(name, flush=True),
    )
"""


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


def _working_in(folder: Path) -> list[int]:
    """Processes whose working folder is inside `folder` (a build works in its staging folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and Path(os.readlink(entry / "cwd")).is_relative_to(folder):
                found.append(int(entry.name))
        except OSError:
            continue
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


def test_a_build_stops_when_the_server_running_it_is_killed(tmp_path: Path) -> None:
    with Store(tmp_path / "data", create=True) as store:
        seed(store)
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-c", PUBLISH_THEN_BE_KILLED, str(tmp_path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    for line in server.stdout:
        if line.strip() == STAGE_BUILD:
            break
    # Killed once pages are coming out: the worker that compresses them (output/early.py) is running too.
    _until(lambda: any((tmp_path / ".site-versions").rglob("*.html.br")), timeout=60)
    # The build, its helper that builds the other half of the pages (output/share.py), and a worker for each.
    assert len(_working_in(tmp_path)) == 4, "the build's processes work in the staging folder"
    server.kill()
    server.wait()
    # Its build would run on for seconds more, writing a version nobody will switch to (and into a
    # folder being deleted, as the crash check's was): it stops at once instead.
    _until(lambda: not _working_in(tmp_path), timeout=0.5)  # measured: 0.02 s; 1.3 s and more without the fix
    assert _working_in(tmp_path) == []


def _prepared(versions: Path) -> list[Path]:
    return [p for p in versions.iterdir() if p.name.startswith(NEXT)]


def test_the_server_clones_the_live_version_for_the_next_build_once_a_publish_ends(tmp_path: Path) -> None:
    site, versions = tmp_path / "site", tmp_path / ".site-versions"
    with Store(tmp_path / "data", create=True) as store:
        seed(store)
        publisher = SitePublisher(keep_ready=True)
        try:
            first = publisher.publish(store, site, TODAY, built_at=BUILT)
            assert first.ok, first.error
            # Made while nobody waits for it: a clone of the live version, file for file the same files.
            _until(lambda: _prepared(versions) and (_prepared(versions)[0] / "index.html").exists())
            [ahead] = _prepared(versions)
            assert (ahead / "index.html").stat().st_ino == (site / "index.html").stat().st_ino

            add_progress(store, "R-2026-0002", "2026-11-01", "预审材料已补正完毕")
            second = publisher.publish(store, site, TODAY, built_at=datetime(2026, 11, 28, 16))
            assert second.ok and second.mode == "incremental", second.error
            assert Path(os.readlink(site)).name == "20261128-160000" and not ahead.exists()  # it became the version
            assert "预审材料已补正完毕" in (site / "projects" / "P-2026-0001" / "index.html").read_text("utf-8")
            assert (first.site / "index.html").exists()
            _until(lambda: len(_prepared(versions)) == 1 and (_prepared(versions)[0] / "index.html").exists())
            [again] = _prepared(versions)
            assert (again / "index.html").stat().st_ino == (site / "index.html").stat().st_ino  # of the new version
            same = publisher.publish(store, site, TODAY, built_at=datetime(2026, 11, 28, 16, 30))
            assert same.ok and same.mode == "unchanged", same.error
            assert _prepared(versions) == [again]  # nothing changed: the clone made for it waits for the next

            # Another process publishes meanwhile: the clone is of a version no longer live, and is not used.
            other = publish(store, site, TODAY, built_at=datetime(2026, 11, 28, 17), full=True)
            assert other.ok, other.error
            add_progress(store, "R-2026-0003", "2026-11-01", "用地预审已经通过")
            third = publisher.publish(store, site, TODAY, built_at=datetime(2026, 11, 28, 18))
            assert third.ok and third.mode == "incremental", third.error
            assert "用地预审已经通过" in (site / "projects" / "P-2026-0001" / "index.html").read_text("utf-8")
            assert "预审材料已补正完毕" in (site / "projects" / "P-2026-0001" / "index.html").read_text("utf-8")
            _until(lambda: len(_prepared(versions)) == 1)
        finally:
            publisher.close()
    assert _prepared(versions) == []  # the server stopped: its clone went with it


LEAVES_A_PROCESS_BEHIND = """
import os, time
if os.fork() == 0:
    time.sleep(120)  # holds the output pipe, as a build's forked worker would
    os._exit(0)
print("STAGE 构建站点", flush=True)
os._exit(1)  # the build dies without waiting for it
"""


def test_what_a_dead_build_left_behind_does_not_keep_its_output_open() -> None:
    """A build that dies leaves its forked workers holding its output pipe: the parent would read it for ever.
    Its process group is ended once it has exited (output/child.py), so the output ends at once."""
    proc = subprocess.Popen(
        [sys.executable, "-c", LEAVES_A_PROCESS_BEHIND],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None
    threading.Thread(target=child_module._reap, args=(proc,), daemon=True).start()
    start = time.monotonic()
    assert proc.stdout.read() == "STAGE 构建站点\n"
    assert time.monotonic() - start < 30 and proc.wait() == 1
