"""One file of the store: a TinyDB table kept in memory, with each document's JSON cached."""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tinydb import TinyDB
from tinydb.storages import Storage

from xietiao.jsonvalue import Doc, copy_doc

# How each kind of record is split into files. Kinds that grow without bound are
# split by year or month so that a write rewrites one small file, never history.
PARTITIONING: dict[str, str] = {
    "user": "single",
    "counter": "single",
    "setting": "single",
    "unit": "single",  # unit details changed in the web (xietiao.profile.changes)
    "project": "year",
    "issue": "year",
    "material": "year",
    "meeting": "year",
    "item": "year",
    "closure": "year",
    "supervision": "year",
    "snapshot": "year",
    "progress": "month",
    "login": "single",
    "formdef": "single",
}

PartRow = tuple[str, int, Doc | None]  # a record's key in its file, its version, a copy of it (or None)

# Versions are unique across every partition object of the process: a reader that kept what it
# derived from (kind, key, version) can never mistake a reloaded or rolled-back partition for it.
_VERSIONS = itertools.count(1)

RESTORE_HINT = "请从备份恢复（xietiao restore），或将该文件移出数据目录后重试。"


class StoreError(RuntimeError):
    """A problem with the data directory that the operator must fix."""


class CorruptDataFile(StoreError):
    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"数据文件 {path} 已损坏或格式不对：{why}。未改动任何文件。{RESTORE_HINT}")
        self.path = path


class MemoryStorage(Storage):
    """TinyDB storage whose truth is in memory; the Store decides when it reaches disk."""

    def __init__(self, data: dict[str, dict[str, Doc]]) -> None:
        self.data = data

    def read(self) -> dict[str, dict[str, Doc]]:
        return self.data

    def write(self, data: dict[str, dict[str, Doc]]) -> None:
        self.data = data


def _encode(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Partition:
    path: Path
    kind: str
    db: TinyDB
    storage: MemoryStorage
    dirty: bool = False
    # Each document's JSON text, kept until the document changes: encoding the whole
    # partition on every write made CPU, not the disk, the limit under load.
    encoded: dict[str, str] = field(default_factory=dict)
    version: int = field(default_factory=lambda: next(_VERSIONS))
    # The version of each document changed since the file was loaded; the others have the version the
    # partition was loaded with. A reader that kept what it made of one document redoes only changed ones.
    changed: dict[str, int] = field(default_factory=dict)
    loaded: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.loaded = self.version

    def table_data(self) -> dict[str, Doc]:
        return self.storage.data.setdefault(self.kind, {})

    def doc_version(self, key: str) -> int:
        return self.changed.get(key, self.loaded)

    def read(self, known: int | None, had: Mapping[str, int] | None) -> tuple[int, list[PartRow] | None]:
        """The version and, unless it is `known`, each record's key, version and a copy of it; the copy
        left out (None) where `had` has that record's version."""
        if known == self.version:
            return self.version, None
        rows: list[PartRow] = []
        for key, doc in self.table_data().items():
            version = self.doc_version(key)
            rows.append((key, version, None if had and had.get(key) == version else copy_doc(doc)))
        return self.version, rows

    def forget(self, key: str) -> None:
        """One document changed (or was put back): drop its cached JSON, give it and the partition a new version."""
        self.encoded.pop(key, None)
        self.version = self.changed[key] = next(_VERSIONS)

    def encode_now(self, key: str) -> None:
        """Encode one changed document at once, so that a value that cannot be stored
        (a lone surrogate from JSON's \\ud800) fails its own batch, not the next flush."""
        text = _encode(self.table_data()[key])
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"记录中有无法保存的字符（{exc.reason}）") from None
        self.encoded[key] = text

    def serialise(self) -> bytes:
        parts = []
        for key, doc in self.table_data().items():
            text = self.encoded.get(key)
            if text is None:
                text = self.encoded[key] = _encode(doc)
            parts.append(f'"{key}":{text}')
        return ("{" + _encode(self.kind) + ":{" + ",".join(parts) + "}}").encode()


def load_partition(path: Path, kind: str) -> Partition:
    data: dict[str, dict[str, Doc]] = {kind: {}}
    if path.exists():
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CorruptDataFile(path, f"不是有效的 JSON（{exc}）") from None
        if not isinstance(data, dict) or set(data) != {kind} or not isinstance(data[kind], dict):
            raise CorruptDataFile(path, f"顶层应只有表 “{kind}”")
        for key, doc in data[kind].items():
            if not key.isdigit() or not isinstance(doc, dict) or not isinstance(doc.get("number"), str):
                raise CorruptDataFile(path, f"第 {key} 条记录缺少编号")
    storage = MemoryStorage(data)
    db = TinyDB(storage=lambda: storage)
    return Partition(path, kind, db, storage)


# Records of a form added later (forms/*.yml is the low-code part) are split by month.
DEFAULT_PARTITIONING = "month"
NOT_RECORDS = {"journal", "attachments"}


def partition_key(kind: str, created: str) -> str:
    rule = PARTITIONING.get(kind, DEFAULT_PARTITIONING)
    if rule == "single":
        return "all"
    return created[:4] if rule == "year" else created[:7]
