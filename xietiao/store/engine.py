"""The durable store: TinyDB partitions kept in memory, persisted atomically with group commit."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from xietiao.config import DISTRICT_TZ
from xietiao.jsonvalue import Doc, JSONValue, copy_doc
from xietiao.store.durable import DirLock, append_durably, atomic_write, flush_guard
from xietiao.store.partition import (
    NOT_RECORDS,
    PARTITIONING,
    RESTORE_HINT,
    CorruptDataFile,
    Partition,
    PartRow,
    StoreError,
    load_partition,
    partition_key,
)
from xietiao.store.redo import clear_redo, redo_path, replay_redo, write_redo

__all__ = [
    "PARTITIONING",
    "RESTORE_HINT",
    "ChangeListener",
    "CorruptDataFile",
    "Store",
    "StoreError",
    "WriteFailed",
    "now_iso",
]

_log = logging.getLogger("xietiao.store")


class WriteFailed(StoreError):
    """The change could not be made durable; it was not saved."""


# Told the kinds of record that one committed batch changed, after the batch is durable.
ChangeListener = Callable[[frozenset[str]], None]


class Store:
    """One process's view of a data directory. Every method is thread-safe."""

    def __init__(self, root: Path, *, create: bool = False) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            if not create:
                raise StoreError(f"数据目录 {self.root} 不存在；请先运行 xietiao init 或 xietiao demo。")
            self.root.mkdir(parents=True)
        self._dirlock = DirLock(self.root)
        self._dirlock.acquire()
        self._lock = threading.RLock()
        self._flush_lock = threading.Lock()
        self._parts: dict[tuple[str, str], Partition] = {}
        self._index: dict[tuple[str, str], tuple[str, int]] = {}
        self._undo: list[tuple[Partition, str, Doc | None]] | None = None
        self._journal: list[Doc] = []
        self._depth = 0
        self._gen = 0
        self._durable = 0
        self._failed_upto = 0
        self._broken = ""  # set when a committed batch could not be put in place: restart to finish it
        self._listeners: list[Callable[[list[Doc]], None]] = []  # journal rows of each flush (`listen`)
        self._kind_listeners: list[ChangeListener] = []  # kinds of each committed batch (`subscribe`)
        try:
            with flush_guard(self.root, exclusive=False):  # not while a backup copies the folder
                replay_redo(self.root)  # a batch cut off by a crash is finished before anything is read
            self._load_all()
        except BaseException:
            self._dirlock.release()
            raise

    def _load_all(self) -> None:
        kinds = [
            f.name
            for f in sorted(self.root.iterdir())
            if f.is_dir() and f.name not in NOT_RECORDS and not f.name.startswith(".")
        ]
        for kind in kinds:
            folder = self.root / kind
            for path in sorted(folder.glob("*.json")):
                part = load_partition(path, kind)
                self._parts[(kind, path.stem)] = part
                for key, doc in part.table_data().items():
                    self._index[(kind, str(doc["number"]))] = (path.stem, int(key))

    def close(self) -> None:
        self._dirlock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ----------------------------------------------------------

    def get(self, kind: str, number: str) -> Doc | None:
        with self._lock:
            where = self._index.get((kind, number))
            if where is None:
                return None
            doc = self._parts[(kind, where[0])].table_data()[str(where[1])]
            return copy_doc(doc)

    def all(self, kind: str, where: Callable[[Doc], bool] | None = None) -> list[Doc]:
        with self._lock:
            out: list[Doc] = []
            for (k, _), part in sorted(self._parts.items()):
                if k != kind:
                    continue
                for doc in part.table_data().values():
                    if where is None or where(doc):
                        out.append(copy_doc(doc))
            return out

    def read_parts(
        self, kind: str, known: Mapping[str, int], known_docs: Mapping[str, Mapping[str, int]] | None = None
    ) -> dict[str, tuple[int, list[PartRow] | None]]:
        """Each file of `kind`: Partition.read, given what the reader knows of it (it redoes only changes)."""
        with self._lock:
            had = known_docs or {}
            parts = sorted((name, part) for (k, name), part in self._parts.items() if k == kind)
            return {name: part.read(known.get(name), had.get(name)) for name, part in parts}

    def count(self, kind: str | None = None) -> int:
        with self._lock:
            return sum(1 for k, _ in self._index if kind is None or k == kind)

    def journal(self, number: str | None = None, month: str | None = None) -> list[Doc]:
        folder = self.root / "journal"
        files = [folder / f"{month}.jsonl"] if month else sorted(folder.glob("*.jsonl"))
        rows: list[Doc] = []
        for path in files:
            if not path.exists():
                continue
            for line in path.read_text("utf-8").splitlines():
                if not line.strip():
                    continue  # a torn last line after a crash is not an entry
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if number is None or row.get("number") == number:
                    rows.append(row)
        return rows

    # -- writing ----------------------------------------------------------

    def subscribe(self, listener: ChangeListener) -> None:
        """Call `listener` with the kinds of record each committed batch changed, once it is on disk.

        It runs in the writer's thread after the write is durable: it must be quick (hand the work to
        another thread), and whatever it raises is logged, never passed to the writer, whose change is saved.
        """
        with self._lock:
            self._kind_listeners.append(listener)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group writes: all of them are durable when the block ends, or none is kept."""
        with self._lock:
            outer = self._depth == 0
            if outer and self._broken:
                raise WriteFailed(self._broken)
            if outer:
                self._undo = []
                self._journal_mark = len(self._journal)
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outer:
                    self._roll_back()
                raise
            self._depth -= 1
            if not outer:
                return
            kinds = frozenset(part.kind for part, _, _ in self._undo or [])
            self._undo = None
            self._gen += 1
            gen = self._gen
            listeners = list(self._kind_listeners) if kinds else []
        self._sync_to(gen)
        for listener in listeners:
            try:
                listener(kinds)
            except Exception:  # a listener's bug must not turn a saved change into an error
                _log.exception("通知数据变更时出错（数据已保存）")

    def insert(self, kind: str, doc: Doc, *, actor: str, action: str) -> Doc:
        """Add a new record; its `number` must be new."""
        with self.batch():
            number = doc["number"]
            assert isinstance(number, str), "a record needs a string number"
            if (kind, number) in self._index:
                raise ValueError(f"{kind} {number} already exists")
            created = doc.setdefault("created", now_iso())
            assert isinstance(created, str)
            part = self._partition(kind, partition_key(kind, created))
            doc_id = part.db.table(kind).insert(copy_doc(doc))
            self._index[(kind, number)] = (part.path.stem, doc_id)
            self._touched(part, str(doc_id), None)
            part.encode_now(str(doc_id))
            self._note(actor, action, kind, number)
            return copy_doc(doc)

    def update(self, kind: str, number: str, change: Callable[[Doc], None], *, actor: str, action: str) -> Doc:
        """Apply `change` to a copy of the record and store the result."""
        with self.batch():
            where = self._index.get((kind, number))
            if where is None:
                raise KeyError(f"{kind} {number}")
            part = self._parts[(kind, where[0])]
            old = copy_doc(part.table_data()[str(where[1])])
            new = copy_doc(old)
            change(new)
            new["number"] = number
            new["updated"] = now_iso()

            def replace(doc: MutableMapping[str, JSONValue]) -> None:
                doc.clear()
                doc.update(new)

            part.db.table(kind).update(replace, doc_ids=[where[1]])
            self._touched(part, str(where[1]), old)
            part.encode_now(str(where[1]))
            self._note(actor, action, kind, number)
            return copy_doc(new)

    def next_number(self, series: str) -> int:
        """The next value of a numbering series (e.g. "P-2026"); durable with the batch."""
        with self.batch():
            current = self.get("counter", series)
            if current is None:
                self.insert("counter", {"number": series, "value": 1, "created": "0000"}, actor="system", action="编号")
                return 1
            last = current["value"]
            assert isinstance(last, int), f"编号计数器 {series} 已损坏"
            value = last + 1
            self.update("counter", series, lambda d: d.update(value=value), actor="system", action="编号")
            return value

    def note(self, actor: str, action: str, kind: str, number: str, detail: str = "") -> None:
        """Journal an event that changed no record (e.g. a login refused)."""
        with self.batch():
            self._note(actor, action, kind, number, detail)

    def listen(self, listener: Callable[[list[Doc]], None]) -> Callable[[], None]:
        """Call `listener` with the journal rows of each flush once they are durable; returns the way to stop.

        It runs on the writer's thread after the write is acknowledged-safe, so it must be quick
        (hand the rows on, e.g. to the reminder scheduler); whatever it raises is ignored.
        """
        with self._lock:
            self._listeners.append(listener)

        def stop() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return stop

    def _tell(self, rows: list[Doc]) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener([copy_doc(r) for r in rows])
            except Exception:  # the write is durable: nothing a listener does may turn it into an error
                pass

    # -- internals --------------------------------------------------------

    def _partition(self, kind: str, key: str) -> Partition:
        part = self._parts.get((kind, key))
        if part is None:
            part = load_partition(self.root / kind / f"{key}.json", kind)
            self._parts[(kind, key)] = part
        return part

    def _touched(self, part: Partition, key: str, old: Doc | None) -> None:
        part.dirty = True
        part.forget(key)
        if self._undo is not None:
            self._undo.append((part, key, old))

    def _note(self, actor: str, action: str, kind: str, number: str, detail: str = "") -> None:
        if kind == "counter":
            return
        self._journal.append(
            {"at": now_iso(), "actor": actor, "action": action, "kind": kind, "number": number, "detail": detail}
        )

    def _roll_back(self) -> None:
        for part, key, old in reversed(self._undo or []):
            part.forget(key)
            data = part.table_data()
            if old is None:
                doc = data.pop(key, None)
                if doc is not None:
                    self._index.pop((part.kind, doc["number"]), None)  # type: ignore[arg-type]
            else:
                data[key] = old
        for part, _, _ in self._undo or []:
            part.db.table(part.kind).clear_cache()
        del self._journal[self._journal_mark :]
        self._undo = None

    def _sync_to(self, gen: int) -> None:
        with self._flush_lock:
            if self._durable >= gen:
                return
            if self._broken:
                # A committed batch is only in the redo file: writing anything more could be undone by
                # its replay, or could replace the redo file itself.
                raise WriteFailed(self._broken)
            if gen <= self._failed_upto:
                raise WriteFailed("保存失败：写入磁盘出错，本次修改未保存，请重试。")
            with self._lock:
                target = self._gen
                dirty = [p for p in self._parts.values() if p.dirty]
                # Each changed document was encoded when it changed (Partition.encode_now): this cannot fail.
                payloads = [(p.path, p.serialise()) for p in dirty]
                for p in dirty:
                    p.dirty = False
                journal, self._journal = self._journal, []
            appends = self._journal_appends(journal)
            several = len(payloads) + len(appends) > 1
            committed = False
            try:
                with flush_guard(self.root, exclusive=False):
                    if several:
                        # Files are replaced one by one and the journal appended after them; the redo
                        # file makes the group all-or-nothing, the journal lines included.
                        write_redo(self.root, payloads, appends)
                        committed = True
                    for path, data in payloads:
                        atomic_write(path, data)
                    for path, data in appends:
                        append_durably(path, data)
                    if several:
                        clear_redo(self.root)
            except OSError as exc:
                if committed or redo_path(self.root).exists():  # the redo file may have landed anyway
                    # Some files may already be new and others old; the redo file on disk holds
                    # them all. Writing on would build on a split batch: stop until a restart.
                    self._broken = (
                        f"写入磁盘出错（{exc}）。为保证数据完整，服务已停止接受修改；请检查磁盘空间后"
                        "重启服务，重启时会补完最后一次保存，之后请核对该次保存的内容。"
                    )
                    with self._lock:
                        self._failed_upto = self._gen  # writers waiting on this flush fail too
                    raise WriteFailed(self._broken) from exc
                self._forget_unsaved(dirty)
                raise WriteFailed(f"保存失败：写入磁盘出错（{exc}），本次修改未保存。") from exc
            self._durable = target
        if journal and self._listeners:
            self._tell(journal)

    def _journal_appends(self, rows: list[Doc]) -> list[tuple[Path, bytes]]:
        by_month: dict[str, list[str]] = {}
        for row in rows:
            by_month.setdefault(str(row["at"])[:7], []).append(json.dumps(row, ensure_ascii=False))
        return [
            (self.root / "journal" / f"{month}.jsonl", ("\n".join(lines) + "\n").encode())
            for month, lines in by_month.items()
        ]

    def _forget_unsaved(self, dirty: list[Partition]) -> None:
        # Memory ran ahead of disk: go back to what is on disk, and fail every
        # writer that was waiting, since their changes are gone with it.
        with self._lock:
            self._failed_upto = self._gen
            for part in list(self._parts.values()):
                if part in dirty or part.dirty:
                    fresh = load_partition(part.path, part.kind)
                    self._parts[(part.kind, part.path.stem)] = fresh
            self._index = {}
            for (kind, key), part in self._parts.items():
                for doc_id, doc in part.table_data().items():
                    self._index[(kind, doc["number"])] = (key, int(doc_id))  # type: ignore[index]
            self._journal = []


def now_iso() -> str:
    return datetime.now(DISTRICT_TZ).isoformat(timespec="seconds")
