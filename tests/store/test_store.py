"""The durable store: atomic writes, the process lock, corrupt files, rollback, partitions."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from xietiao.store.durable import DataDirLocked
from xietiao.store.engine import CorruptDataFile, Store, StoreError, WriteFailed


def _project(n: int, created: str = "2026-03-01T10:00:00+08:00") -> dict[str, object]:
    return {"number": f"P-2026-{n:04d}", "data": {"name": f"项目{n}"}, "created": created}


def test_write_is_on_disk_when_insert_returns(tmp_path: Path) -> None:
    with Store(tmp_path / "d", create=True) as store:
        store.insert("project", _project(1), actor="t", action="登记")
        on_disk = json.loads((tmp_path / "d" / "project" / "2026.json").read_text("utf-8"))
    assert [d["number"] for d in on_disk["project"].values()] == ["P-2026-0001"]


def test_failure_between_write_and_replace_keeps_old_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "d", create=True)
    store.insert("project", _project(1), actor="t", action="登记")
    before = (tmp_path / "d" / "project" / "2026.json").read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(WriteFailed):
        store.insert("project", _project(2), actor="t", action="登记")
    monkeypatch.undo()
    # The file on disk is the old one, and memory went back to it too.
    assert (tmp_path / "d" / "project" / "2026.json").read_bytes() == before
    assert store.get("project", "P-2026-0002") is None
    store.insert("project", _project(3), actor="t", action="登记")
    store.close()
    with Store(tmp_path / "d") as again:
        assert [d["number"] for d in again.all("project")] == ["P-2026-0001", "P-2026-0003"]


def test_leftover_temp_file_from_a_crash_is_ignored(tmp_path: Path) -> None:
    with Store(tmp_path / "d", create=True) as store:
        store.insert("project", _project(1), actor="t", action="登记")
    (tmp_path / "d" / "project" / ".2026.json.999.tmp").write_text('{"project": {"1": {"numb')
    with Store(tmp_path / "d") as store:
        assert store.count("project") == 1


def test_second_process_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "d", create=True):
        code = f"from xietiao.store.engine import Store; Store({str(tmp_path / 'd')!r})"
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0
    assert "DataDirLocked" in result.stderr and "已被另一个进程" in result.stderr


def test_lock_is_released_when_the_owner_dies(tmp_path: Path) -> None:
    Store(tmp_path / "d", create=True).close()
    code = (
        f"from xietiao.store.engine import Store; import time; s = Store({str(tmp_path / 'd')!r}); "
        "print('ok', flush=True); time.sleep(60)"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "ok"
    with pytest.raises(DataDirLocked):
        Store(tmp_path / "d")
    child.send_signal(signal.SIGKILL)
    child.wait()
    Store(tmp_path / "d").close()


@pytest.mark.parametrize(
    "content, why",
    [
        (b'{"project": {"1": {"number": "P-2026-0001"', "不是有效的 JSON"),
        (b'{"other": {}}', "顶层应只有表"),
        (b"\xff\xfe garbage", "不是有效的 JSON"),
        (b'{"project": {"1": {"name": "no number"}}}', "缺少编号"),
    ],
)
def test_corrupt_file_names_the_file_and_touches_nothing(tmp_path: Path, content: bytes, why: str) -> None:
    folder = tmp_path / "d" / "project"
    folder.mkdir(parents=True)
    (folder / "2026.json").write_bytes(content)
    with pytest.raises(CorruptDataFile) as caught:
        Store(tmp_path / "d")
    message = str(caught.value)
    assert "2026.json" in message and why in message and "xietiao restore" in message
    assert (folder / "2026.json").read_bytes() == content
    # The lock was released: once the file is moved away the store opens.
    (folder / "2026.json").rename(tmp_path / "moved.json")
    Store(tmp_path / "d").close()


def test_missing_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="不存在"):
        Store(tmp_path / "nope")


def test_batch_rolls_back_every_write_on_error(tmp_path: Path) -> None:
    with Store(tmp_path / "d", create=True) as store:
        store.insert("project", _project(1), actor="t", action="登记")
        with pytest.raises(RuntimeError), store.batch():
            store.update("project", "P-2026-0001", lambda d: d.update(data={"name": "改"}), actor="t", action="修改")
            store.insert("project", _project(2), actor="t", action="登记")
            raise RuntimeError("bug in the middle")
        assert store.get("project", "P-2026-0001")["data"] == {"name": "项目1"}  # type: ignore[index]
        assert store.get("project", "P-2026-0002") is None
        assert [r["action"] for r in store.journal()] == ["登记"]


def test_growth_is_split_into_partitions(tmp_path: Path) -> None:
    with Store(tmp_path / "d", create=True) as store, store.batch():
        store.insert("project", _project(1, "2025-05-01T09:00:00+08:00"), actor="t", action="登记")
        store.insert("project", _project(2), actor="t", action="登记")
        store.insert(
            "progress", {"number": "R-2026-0001", "created": "2026-10-03T09:00:00+08:00"}, actor="t", action="报送"
        )
    names = sorted(str(p.relative_to(tmp_path / "d")) for p in (tmp_path / "d").rglob("*.json"))
    assert names == ["progress/2026-10.json", "project/2025.json", "project/2026.json"]


def test_numbers_stay_unique_under_threads(tmp_path: Path) -> None:
    with Store(tmp_path / "d", create=True) as store:
        got: list[int] = []
        lock = threading.Lock()

        def worker() -> None:
            for _ in range(20):
                n = store.next_number("Q-2026")
                with lock:
                    got.append(n)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(got) == list(range(1, 161))
    with Store(tmp_path / "d") as again:
        assert again.get("counter", "Q-2026")["value"] == 160  # type: ignore[index]


def test_killed_writer_leaves_loadable_files(tmp_path: Path) -> None:
    """SIGKILL a process in the middle of a stream of writes; every file still loads."""
    script = textwrap.dedent(f"""
        from xietiao.store.engine import Store
        s = Store({str(tmp_path / "d")!r}, create=True)
        i = 0
        while True:
            i += 1
            s.insert("project", {{"number": f"P-2026-{{i:05d}}", "data": {{"x": "长" * 500}}}},
                     actor="t", action="登记")
            print(i, flush=True)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    acknowledged = 0
    for line in child.stdout:
        acknowledged = int(line)
        if acknowledged >= 60:
            break
    child.send_signal(signal.SIGKILL)
    child.wait()
    with Store(tmp_path / "d") as store:
        stored = store.count("project")
    assert stored >= acknowledged


def _two_file_batch(store: Store, n: int) -> None:
    """One batch writing two files: the record and its numbering counter."""
    with store.batch():
        value = store.next_number("P-2026")
        store.insert("project", _project(value), actor="t", action="登记")
    assert value == n


def test_power_cut_between_the_files_of_a_batch_is_finished_at_restart(tmp_path: Path) -> None:
    data = tmp_path / "d"
    with Store(data, create=True) as store:
        _two_file_batch(store, 1)
    # A child writes the next batch and loses power right after the first file is in place.
    script = textwrap.dedent(f"""
        import os
        from xietiao.store.engine import Store
        real, seen = os.replace, []
        def replace_then_die(src, dst):
            real(src, dst)
            if not str(dst).endswith(".redo"):
                os._exit(9)
        s = Store({str(data)!r})
        os.replace = replace_then_die
        with s.batch():
            v = s.next_number("P-2026")
            s.insert("project", {{"number": f"P-2026-{{v:04d}}", "data": {{}}, "created": "2026-03-01T10:00:00+08:00"}},
                     actor="t", action="登记")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 9, done.stderr
    assert (data / ".batch.redo").exists()
    with Store(data) as store:
        # Both halves of the cut batch are there: the record and the counter that numbered it.
        assert [d["number"] for d in store.all("project")] == ["P-2026-0001", "P-2026-0002"]
        assert store.get("counter", "P-2026")["value"] == 2  # type: ignore[index]
        # ... and its line in the journal, which the crash came before.
        assert [r["action"] for r in store.journal("P-2026-0002")] == ["登记"]
        _two_file_batch(store, 3)
    assert not (data / ".batch.redo").exists()


def test_a_replay_does_not_repeat_journal_lines_already_written(tmp_path: Path) -> None:
    from xietiao.store.redo import replay_redo, write_redo

    root = tmp_path / "d"
    journal = root / "journal" / "2026-11.jsonl"
    journal.parent.mkdir(parents=True)
    line = b'{"action": "x"}\n'
    journal.write_bytes(b'{"action": "earlier"}\n')
    target = root / "project" / "2026.json"
    write_redo(root, [(target, b'{"project": {}}')], [(journal, line)])
    with journal.open("ab") as fh:
        fh.write(line)  # the crash came after the append
    assert replay_redo(root) == 2
    assert journal.read_bytes().count(line) == 1 and target.read_bytes() == b'{"project": {}}'
    write_redo(root, [], [(journal, b'{"action": "y"}\n')])  # the crash came before it
    replay_redo(root)
    assert journal.read_bytes().endswith(b'{"action": "y"}\n')


@pytest.mark.parametrize("cut", [1, 20, 31, 45])
def test_a_replay_after_a_crash_inside_the_append_keeps_every_line_once(tmp_path: Path, cut: int) -> None:
    from xietiao.store.redo import replay_redo, write_redo

    root = tmp_path / "d"
    journal = root / "journal" / "2026-11.jsonl"
    journal.parent.mkdir(parents=True)
    journal.write_bytes(b'{"action": "earlier"}\n')
    lines = b'{"action": "first"}\n{"action": "second"}\n{"action": "third"}\n'
    write_redo(root, [(root / "project" / "2026.json", b"{}")], [(journal, lines)])
    with journal.open("ab") as fh:
        fh.write(lines[:cut])  # power cut part-way through the append
    replay_redo(root)
    assert journal.read_bytes() == b'{"action": "earlier"}\n' + lines


def test_an_old_redo_file_without_lengths_cuts_the_fragment_first(tmp_path: Path) -> None:
    from xietiao.store.redo import REDO_NAME, replay_redo

    root = tmp_path / "d"
    journal = root / "journal" / "2026-11.jsonl"
    journal.parent.mkdir(parents=True)
    lines = b'{"action": "first"}\n{"action": "second"}\n'
    journal.write_bytes(b'{"action": "earlier"}\n' + lines[:7])
    header = f'[["journal/2026-11.jsonl", {len(lines)}, "a"]]'.encode()
    (root / REDO_NAME).write_bytes(b"XIETIAO-REDO 1\n" + header + b"\n" + lines)
    replay_redo(root)
    assert journal.read_bytes() == b'{"action": "earlier"}\n' + lines


def test_a_failure_after_a_batch_is_committed_stops_writes_until_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "d"
    store = Store(data, create=True)
    _two_file_batch(store, 1)
    real, calls = os.replace, []

    def second_fails(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 3:  # the redo file, the first file, then the second fails
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(os, "replace", second_fails)
    with pytest.raises(WriteFailed, match="重启服务"):
        _two_file_batch(store, 2)
    monkeypatch.undo()
    with pytest.raises(WriteFailed, match="重启服务"):
        store.insert("project", _project(9), actor="t", action="登记")
    store.close()
    with Store(data) as again:
        assert [d["number"] for d in again.all("project")] == ["P-2026-0001", "P-2026-0002"]
        assert again.get("counter", "P-2026")["value"] == 2  # type: ignore[index]


def test_a_value_that_cannot_be_stored_fails_only_its_own_write(tmp_path: Path) -> None:
    with Store(tmp_path / "d", create=True) as store:
        with pytest.raises(ValueError, match="无法保存的字符"):
            store.insert("project", {"number": "P-2026-0001", "data": {"name": "bad \ud800"}}, actor="t", action="登记")
        assert store.get("project", "P-2026-0001") is None
        store.insert("project", _project(2), actor="t", action="登记")
        with pytest.raises(ValueError):
            store.update("project", "P-2026-0002", lambda d: d.update(name="\udfff"), actor="t", action="改")
        assert store.get("project", "P-2026-0002")["data"] == {"name": "项目2"}  # type: ignore[index]
    with Store(tmp_path / "d") as again:
        assert [d["number"] for d in again.all("project")] == ["P-2026-0002"]


def test_a_damaged_redo_file_is_named_and_nothing_is_touched(tmp_path: Path) -> None:
    with Store(tmp_path / "d", create=True) as store:
        store.insert("project", _project(1), actor="t", action="登记")
    before = (tmp_path / "d" / "project" / "2026.json").read_bytes()
    (tmp_path / "d" / ".batch.redo").write_bytes(b'XIETIAO-REDO 1\n[["project/2026.json", 999]]\n{}')
    with pytest.raises(CorruptDataFile, match=r"\.batch\.redo"):
        Store(tmp_path / "d")
    assert (tmp_path / "d" / "project" / "2026.json").read_bytes() == before
