"""Backup and restore of a data directory, consistent even while the server is running."""

from __future__ import annotations

import tarfile
import tempfile
from pathlib import Path

from xietiao.config import district_now
from xietiao.store.durable import flush_guard, fsync_dir
from xietiao.store.engine import Store, StoreError

SKIP = {".lock", ".flush.lock"}


class BackupError(StoreError):
    """A backup or restore that cannot be done; the message says why and what to do."""


def _members(data: Path) -> list[Path]:
    return sorted(p for p in data.rglob("*") if p.is_file() and p.name not in SKIP and not p.name.endswith(".tmp"))


def backup(data: Path, to_folder: Path) -> Path:
    """Write `xietiao-backup-<time>.tar.gz` holding every data file as of one instant."""
    if not (data / ".lock").exists() and not any(data.glob("*/*.json")):
        raise BackupError(f"{data} 不是 xietiao 数据目录，无可备份的内容。")
    to_folder.mkdir(parents=True, exist_ok=True)
    name = f"xietiao-backup-{district_now().strftime('%Y%m%d-%H%M%S')}.tar.gz"
    target = to_folder / name
    fd, tmp_name = tempfile.mkstemp(dir=to_folder, prefix=".backup-", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        # Exclusive: no batch is halfway to disk while we read the files.
        with open(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar, flush_guard(data, exclusive=True):
            for path in _members(data):
                tar.add(path, arcname=str(path.relative_to(data)))
        tmp.replace(target)
        fsync_dir(to_folder)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def restore(archive: Path, data: Path) -> dict[str, int]:
    """Unpack `archive` into an empty `data` folder and check that every file loads."""
    if data.exists() and any(data.iterdir()):
        raise BackupError(f"恢复目标 {data} 不是空目录；请指定一个新目录，确认无误后再替换原数据目录。")
    if not archive.is_file():
        raise BackupError(f"找不到备份文件 {archive}。")
    data.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(data, filter="data")  # refuses absolute paths, .. and links
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"备份文件 {archive} 无法读取：{exc}") from None
    with Store(data) as store:  # loads every file: a bad archive fails here, loudly
        kinds = {kind: store.count(kind) for kind in ("project", "issue", "item", "meeting", "progress", "user")}
    return kinds
