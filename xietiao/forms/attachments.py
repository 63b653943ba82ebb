"""Attachments: file kind sniffed from content, bytes stored durably under their sha256."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
import unicodedata
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from xietiao.forms.sniff import Malformed, sniff
from xietiao.store.durable import fsync_dir

__all__ = ["KINDS", "AttachmentRef", "AttachmentRejected", "AttachmentStore", "Upload", "clean_name", "sniff"]

# The kinds a form may accept, with the MIME type we answer downloads with.
KINDS: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "png": "image/png",
    "jpg": "image/jpeg",
}
KIND_BY_MIME: dict[str, str] = {mime: kind for kind, mime in KINDS.items()}
KIND_LABELS: dict[str, str] = {
    "pdf": "PDF",
    "docx": "Word（docx）",
    "doc": "Word（doc）",
    "xlsx": "Excel（xlsx）",
    "xls": "Excel（xls）",
    "png": "PNG 图片",
    "jpg": "JPG 图片",
}
SHA256 = re.compile(r"[0-9a-f]{64}")

# Direction marks and overrides can make text read differently from what it is ("gpj.exe").
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F])


@dataclass(frozen=True)
class AttachmentRef:
    """What a form value holds: the content hash plus display metadata, never a path."""

    sha256: str
    name: str
    size: int
    mime: str

    def to_json(self) -> dict[str, str | int]:
        return {"sha256": self.sha256, "name": self.name, "size": self.size, "mime": self.mime}


@dataclass(frozen=True)
class Upload:
    """An uploaded file that passed its checks and is not stored yet."""

    data: bytes
    ref: AttachmentRef


class AttachmentRejected(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def clean_name(name: str, kind: str | None = None) -> str:
    """A display name safe to keep as metadata; it is never used as a path."""
    text = unicodedata.normalize("NFC", name).translate(BIDI_CONTROLS)
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    text = re.sub(r"[/\\:*?\"<>|]+", "_", text)
    text = re.sub(r"\s+", " ", text).strip(" .")[:120] or "附件"
    # A download should open with the right program even if the upload was misnamed.
    if kind is not None:
        endings = (".jpg", ".jpeg") if kind == "jpg" else (f".{kind}",)
        if not text.lower().endswith(endings):
            text = f"{text}.{kind}"
    return text


def accepted_text(accept: Collection[str]) -> str:
    return "、".join(KIND_LABELS[k] for k in KINDS if k in accept)


class AttachmentStore:
    """Files kept as root/ab/cdef… named by their sha256, so one content is stored once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._posting = threading.Lock()

    @contextmanager
    def posting(self) -> Iterator[None]:
        """One post at a time between storing its files and saving its record (see write_new)."""
        with self._posting:
            yield

    def _path(self, sha256: str) -> Path:
        if not SHA256.fullmatch(sha256):
            raise ValueError(f"不是有效的 sha256：{sha256!r}")
        return self.root / sha256[:2] / sha256[2:]

    def save(self, data: bytes, name: str, accept: Collection[str], max_bytes: int) -> AttachmentRef:
        """Check and store at once (the demo and scripts); form posts check first and store with write_new."""
        upload = self.check(data, name, accept, max_bytes)
        self.write_new([upload])
        return upload.ref

    def check(self, data: bytes, name: str, accept: Collection[str], max_bytes: int) -> Upload:
        """The file's reference if it may be stored; AttachmentRejected with the reason otherwise."""
        unknown = set(accept) - set(KINDS)
        if unknown:
            raise ValueError(f"未知的附件类型：{sorted(unknown)}")
        if not data:
            raise AttachmentRejected("文件是空的，请重新选择")
        if len(data) > max_bytes:
            raise AttachmentRejected(f"文件太大（{_mb(len(data))}），不能超过 {_mb(max_bytes)}")
        try:
            kind = sniff(data)
        except Malformed as exc:
            raise AttachmentRejected(f"{exc.message}；请重新导出或另存后再上传") from None
        if kind is None or kind not in accept:
            found = f"此文件实际为 {KIND_LABELS[kind]}" if kind else "无法识别此文件的类型"
            raise AttachmentRejected(f"{found}；这里只接受：{accepted_text(accept)}")
        sha256 = hashlib.sha256(data).hexdigest()
        return Upload(data, AttachmentRef(sha256, clean_name(name, kind), len(data), KINDS[kind]))

    def write_new(self, uploads: Collection[Upload]) -> list[Path]:
        """Store the files not stored yet; the paths written, for `remove` if their post is refused.

        Call inside `posting()` together with the save and the removal, so that a refused post never
        deletes a file that another post stored and referred to in the meantime.
        """
        written: list[Path] = []
        for upload in uploads:
            path = self._path(upload.ref.sha256)
            if not path.exists() and path not in written:
                self._write(path, upload.data)
                written.append(path)
        return written

    def remove(self, paths: Collection[Path]) -> None:
        for path in paths:
            path.unlink(missing_ok=True)
        for folder in {p.parent for p in paths}:
            fsync_dir(folder)

    def size(self, sha256: str) -> int:
        """Bytes of a stored file; 0 if it is not stored."""
        try:
            return self._path(sha256).stat().st_size
        except (FileNotFoundError, ValueError):
            return 0

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A unique temp name: two requests may store the same content at once.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        fsync_dir(path.parent)
        fsync_dir(self.root)

    def exists(self, sha256: str) -> bool:
        return bool(SHA256.fullmatch(sha256)) and self._path(sha256).is_file()

    def open(self, sha256: str) -> bytes:
        """The stored bytes; FileNotFoundError if absent, ValueError for a malformed hash."""
        return self._path(sha256).read_bytes()


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
