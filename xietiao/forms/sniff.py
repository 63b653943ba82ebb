"""What uploaded bytes really are: read with bounds on steps and bytes, never trusting what a file says of itself.

Every count a file declares (sectors, chain links, archive entries, sizes) is checked against
what the bytes can hold before anything is allocated for it, and every chain is walked at most
once per sector, so a crafted file costs time and memory in proportion to its length, not to
what it claims. Archives are never decompressed. A file that starts like a kind we accept but
breaks those rules is refused with the reason (`Malformed`).
"""

from __future__ import annotations

import io
import struct
import zipfile

import olefile

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_CHAIN_END = 0xFFFFFFFA  # sector numbers at or above this mark chain ends and free sectors
_HEADER_FAT = 109  # FAT sector numbers held in the header itself
MAX_ZIP_ENTRIES = 5_000  # a Word or Excel file has tens of parts
MAX_UNPACKED = 200 * 1024 * 1024  # what an archive may say it unpacks to
MAX_RATIO = 100  # and how much larger than itself, once it is large
PDF_TAIL = 1024  # readers look for the end marker in the last kilobyte


class Malformed(Exception):
    """The bytes claim a kind we accept but are broken or built to hurt; the message is for the user."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def sniff(data: bytes) -> str | None:
    """The kind of file `data` is ("pdf", "docx", ...), None for none we know; Malformed if broken."""
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-PDF_TAIL:]:
            raise Malformed("PDF 文件不完整（缺少结尾标记），可能在传输或导出时被截断")
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(OLE_MAGIC):
        return _ole_kind(data)
    return None


# -- zip (docx, xlsx) --------------------------------------------------------------------------


def _zip_kind(data: bytes) -> str | None:
    _check_zip_directory(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except Exception:  # hostile bytes: any failure of the reader means a broken file
        raise Malformed("压缩结构损坏，无法读取") from None
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED or (unpacked > 10 * 1024 * 1024 and unpacked > MAX_RATIO * len(data)):
        raise Malformed("文件解压后异常庞大（疑似“压缩炸弹”）")
    names = {i.filename for i in infos}
    # Macro-enabled documents (docm, xlsm) carry a VBA project: refuse them whatever their name.
    if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _check_zip_directory(data: bytes) -> None:
    """The end record's counts, checked before the reader builds an object per entry."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        raise Malformed("压缩结构损坏（找不到目录）")
    entries, size, offset = struct.unpack_from("<HII", data, end + 10)
    if entries == 0xFFFF or offset == 0xFFFFFFFF or size == 0xFFFFFFFF:
        raise Malformed("不接受 ZIP64 格式的文件")
    if entries > MAX_ZIP_ENTRIES:
        raise Malformed(f"文件内含 {entries} 个部件，超过上限 {MAX_ZIP_ENTRIES}")
    if offset + size > end or size < 46 * entries:
        raise Malformed("压缩结构损坏（目录与文件长度不符）")


# -- OLE (doc, xls) ----------------------------------------------------------------------------


def _ole_kind(data: bytes) -> str | None:
    """Old Office files share one container; the stream names tell Word from Excel."""
    _check_ole_allocation(data)
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(path) for path in ole.listdir(streams=True, storages=False)}
    except Exception:  # hostile bytes: any failure of the reader (a too deep directory too) means a broken file
        raise Malformed("Office 文件结构损坏，无法读取") from None
    if "WordDocument" in streams:
        return "doc"
    if "Workbook" in streams or "Book" in streams:
        return "xls"
    return None


def _check_ole_allocation(data: bytes) -> None:
    """The header's counts and the FAT's own sectors, walked once each, before olefile reads anything.

    olefile trusts the header for how many FAT and DIFAT sectors to read, and joins them as it
    goes: a small file naming one sector many times makes it build a table far larger than itself.
    """
    if len(data) < 512:
        raise Malformed("Office 文件不完整")
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        raise Malformed("Office 文件头损坏（扇区大小）")
    size = 1 << shift
    sectors = (len(data) - size) // size if len(data) > size else 0
    fat_count, first_dir = struct.unpack_from("<II", data, 0x2C)
    first_difat, difat_count = struct.unpack_from("<II", data, 0x44)
    if fat_count > sectors or difat_count > sectors or first_dir >= sectors:
        raise Malformed("Office 文件头损坏（扇区数超出文件长度）")
    fat = [n for n in struct.unpack_from(f"<{_HEADER_FAT}I", data, 0x4C) if n < _CHAIN_END]
    seen: set[int] = set()
    current = first_difat
    while current < _CHAIN_END:
        if current >= sectors or current in seen or len(seen) >= difat_count:
            raise Malformed("Office 文件的扇区链出现循环或越界")
        seen.add(current)
        start = size * (current + 1)
        links = struct.unpack_from(f"<{size // 4}I", data, start)
        fat += [n for n in links[:-1] if n < _CHAIN_END]
        current = links[-1]
    # One FAT sector maps size/4 sectors: a file needs no more than that to map itself (olefile
    # copies its table once per FAT sector, so their number must stay small).
    needed = -(-sectors // (size // 4)) + 1
    if len(fat) != len(set(fat)) or any(n >= sectors for n in fat) or len(fat) > needed:
        raise Malformed("Office 文件的分配表重复或越界")
