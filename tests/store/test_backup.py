"""Backup while the store is in use by another process; restore into an empty folder and compare."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import textwrap
import time
from pathlib import Path

import pytest

from xietiao.store.backup import BackupError, backup, restore
from xietiao.store.engine import Store


def _fill(store: Store, n: int) -> None:
    for i in range(1, n + 1):
        seq = store.next_number("P-2026")
        store.insert("project", {"number": f"P-2026-{seq:04d}", "data": {"name": f"项目{i}"}}, actor="t", action="登记")


def test_restore_gives_back_exactly_what_was_saved(tmp_path: Path) -> None:
    with Store(tmp_path / "d", create=True) as store:
        _fill(store, 12)
        before = {d["number"]: d for d in store.all("project")}
        archive = backup(tmp_path / "d", tmp_path / "backups")  # taken while this store is open
    counts = restore(archive, tmp_path / "restored")
    assert counts["project"] == 12
    with Store(tmp_path / "restored") as again:
        assert {d["number"]: d for d in again.all("project")} == before
        assert again.get("counter", "P-2026")["value"] == 12  # type: ignore[index]
        assert len(again.journal()) == 12


def test_backup_during_writes_of_a_running_server_is_consistent(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        from xietiao.store.engine import Store
        s = Store({str(tmp_path / "d")!r}, create=True)
        print("ready", flush=True)
        i = 0
        while True:
            i += 1
            with s.batch():
                seq = s.next_number("P-2026")
                s.insert("project", {{"number": f"P-2026-{{seq:05d}}", "data": {{"x": "长" * 300}}}},
                         actor="t", action="登记")
    """)
    writer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        time.sleep(0.3)
        archives = []
        for k in range(3):
            archives.append(backup(tmp_path / "d", tmp_path / f"b{k}"))
            time.sleep(0.2)
    finally:
        writer.kill()
        writer.wait()
    for k, archive in enumerate(archives):
        restore(archive, tmp_path / f"r{k}")
        with Store(tmp_path / f"r{k}") as store:
            numbers = sorted(int(str(d["number"]).split("-")[-1]) for d in store.all("project"))
            counter = store.get("counter", "P-2026")
            # One batch is all in the copy or not at all: the counter equals the last record.
            assert numbers == list(range(1, len(numbers) + 1))
            assert counter is not None and counter["value"] == len(numbers)


def test_restore_refuses_a_non_empty_target_and_a_foreign_archive(tmp_path: Path) -> None:
    with Store(tmp_path / "d", create=True) as store:
        _fill(store, 1)
    archive = backup(tmp_path / "d", tmp_path / "b")
    with pytest.raises(BackupError, match="不是空目录"):
        restore(archive, tmp_path / "d")
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        (tmp_path / "x").write_text("x")
        tar.add(tmp_path / "x", arcname="../../escaped")
    with pytest.raises(BackupError):
        restore(evil, tmp_path / "r")
    assert not (tmp_path.parent / "escaped").exists()


def test_cli_backup_and_restore(tmp_path: Path) -> None:
    with Store(tmp_path / "d", create=True) as store:
        _fill(store, 3)
    exe = [sys.executable, "-m", "cli.main"]
    out = subprocess.run(
        [*exe, "backup", "--data", str(tmp_path / "d"), "--to", str(tmp_path / "b")], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    archive = next((tmp_path / "b").glob("*.tar.gz"))
    out = subprocess.run([*exe, "restore", str(archive), "--data", str(tmp_path / "r")], capture_output=True, text=True)
    assert out.returncode == 0 and "project 3" in out.stdout, out.stderr
