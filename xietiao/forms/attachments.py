"""Attachments: file kind sniffed from content, bytes stored durably under their sha256."""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import tempfile
import unicodedata
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from xietiao.store.durable import fsync_dir

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

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_OLE_END = 0xFFFFFFFA  # sector numbers at or above this mark chain ends and free sectors
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


class AttachmentRejected(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def sniff(data: bytes) -> str | None:
    """The kind of file `data` really is, or None when it is none we accept."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if data.startswith(_OLE_MAGIC):
        return _sniff_ole(data)
    return None


def _sniff_zip(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    # Macro-enabled documents (docm, xlsm) carry a VBA project: refuse them whatever their name.
    if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _sniff_ole(data: bytes) -> str | None:
    """Old Office files share one container; the stream names tell Word from Excel."""
    streams = _ole_stream_names(data)
    if "WordDocument" in streams:
        return "doc"
    if "Workbook" in streams or "Book" in streams:
        return "xls"
    return None


def _ole_stream_names(data: bytes) -> set[str]:
    if len(data) < 512:
        return set()
    size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    if size not in (512, 4096):
        return set()

    def sector(number: int) -> bytes:
        return data[(number + 1) * size : (number + 2) * size]

    fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
    more, guard = struct.unpack_from("<I", data, 0x44)[0], 0
    while more < _OLE_END and guard < 1000:  # the guard stops a crafted loop
        block = sector(more)
        if len(block) < size:
            break
        entries = struct.unpack(f"<{size // 4}I", block)
        fat_sectors += entries[:-1]
        more, guard = entries[-1], guard + 1
    fat: list[int] = []
    for number in fat_sectors:
        block = sector(number) if number < _OLE_END else b""
        if len(block) == size:
            fat += struct.unpack(f"<{size // 4}I", block)
    names: set[str] = set()
    current, seen = struct.unpack_from("<I", data, 0x30)[0], set()
    while current < len(fat) and current not in seen:
        seen.add(current)
        block = sector(current)
        for offset in range(0, len(block) - 127, 128):
            length = struct.unpack_from("<H", block, offset + 0x40)[0]
            if 2 <= length <= 64:
                names.add(block[offset : offset + length - 2].decode("utf-16-le", "ignore"))
        current = fat[current]
    return names


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

    def _path(self, sha256: str) -> Path:
        if not SHA256.fullmatch(sha256):
            raise ValueError(f"不是有效的 sha256：{sha256!r}")
        return self.root / sha256[:2] / sha256[2:]

    def save(self, data: bytes, name: str, accept: Collection[str], max_bytes: int) -> AttachmentRef:
        unknown = set(accept) - set(KINDS)
        if unknown:
            raise ValueError(f"未知的附件类型：{sorted(unknown)}")
        if not data:
            raise AttachmentRejected("文件是空的，请重新选择")
        if len(data) > max_bytes:
            raise AttachmentRejected(f"文件太大（{_mb(len(data))}），不能超过 {_mb(max_bytes)}")
        kind = sniff(data)
        if kind is None or kind not in accept:
            found = f"此文件实际为 {KIND_LABELS[kind]}" if kind else "无法识别此文件的类型"
            raise AttachmentRejected(f"{found}；这里只接受：{accepted_text(accept)}")
        sha256 = hashlib.sha256(data).hexdigest()
        path = self._path(sha256)
        if not path.exists():
            self._write(path, data)
        return AttachmentRef(sha256, clean_name(name, kind), len(data), KINDS[kind])

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
