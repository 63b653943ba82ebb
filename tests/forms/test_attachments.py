"""Attachments: the kind comes from the bytes, storage is by content hash and atomic."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from xietiao.forms.attachments import KINDS, AttachmentRejected, AttachmentStore, clean_name, sniff
from xietiao.forms.sniff import Malformed

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(13)
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(100)
ALL = set(KINDS)


def make_docx() -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("项目推进情况汇报")
    document.save(out)
    return out.getvalue()


def make_xlsx() -> bytes:
    out = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["项目", "总投资（万元）"])  # type: ignore[union-attr]
    book.save(out)
    return out.getvalue()


def make_zip(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return out.getvalue()


def make_ole(*streams: str) -> bytes:
    """A minimal compound file (the container of .doc and .xls) holding the named streams."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 0x2C, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))
    directory = bytearray(512)
    none = 0xFFFFFFFF
    for i, name in enumerate(("Root Entry", *streams)):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        directory[i * 128 : i * 128 + len(encoded)] = encoded
        struct.pack_into("<HBB", directory, i * 128 + 0x40, len(encoded), 5 if i == 0 else 2, 1)
        # The root's child is the first stream; each stream's right sibling is the next one.
        child = 1 if i == 0 and streams else none
        right = i + 1 if 0 < i < len(streams) else none
        struct.pack_into("<III", directory, i * 128 + 0x44, none, right, child)
        struct.pack_into("<II", directory, i * 128 + 0x74, end, 0)
    return bytes(header) + fat + bytes(directory)


# ---- sniffing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (JPG, "jpg"),
        (make_ole("WordDocument", "1Table"), "doc"),
        (make_ole("Workbook"), "xls"),
        (make_ole("Book"), "xls"),
    ],
)
def test_sniff_by_content(data: bytes, kind: str) -> None:
    assert sniff(data) == kind


def test_sniff_real_office_files() -> None:
    assert sniff(make_docx()) == "docx"
    assert sniff(make_xlsx()) == "xlsx"


@pytest.mark.parametrize(
    "data",
    [
        EXE,
        b"",
        b"hello",
        make_zip(["readme.txt"]),  # a plain zip
        make_zip(["word/document.xml"]),  # no content types
        make_zip(["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"]),  # macros
        make_ole("PowerPoint Document"),  # OLE, but not ours
        b" %PDF-1.4",
    ],
)
def test_sniff_refuses(data: bytes) -> None:
    assert sniff(data) is None


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04broken",
        bytes.fromhex("D0CF11E0A1B11AE1") + bytes(10),  # truncated OLE
        b"%PDF-1.4\n1 0 obj << /Type",  # cut off
    ],
)
def test_broken_files_are_refused_with_a_reason(data: bytes) -> None:
    with pytest.raises(Malformed) as caught:
        sniff(data)
    assert caught.value.message
    with pytest.raises(AttachmentRejected, match="重新导出"):
        AttachmentStore(Path("/nonexistent")).check(data, "x", set(KINDS), 10**6)


def test_a_crafted_ole_loop_ends() -> None:
    data = bytearray(make_ole("Workbook"))
    struct.pack_into("<I", data, 512 + 4, 1)  # directory sector chains to itself
    try:
        assert sniff(bytes(data)) == "xls"
    except Malformed:
        pass  # refusing it is as good: the point is that it ends


# ---- names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "clean"),
    [
        ("项目汇报.pdf", "pdf", "项目汇报.pdf"),
        ("../../etc/passwd", "pdf", "_.._etc_passwd.pdf"),
        ("C:\\材料\\图纸.PDF", "pdf", "C_材料_图纸.PDF"),
        ("汇报\u202egpj.exe", "pdf", "汇报gpj.exe.pdf"),
        ("表\x00格\n.xlsx", "xlsx", "表 格 .xlsx"),
        ("照片.jpeg", "jpg", "照片.jpeg"),
        ("   ", "png", "附件.png"),
        ("e\u0301", None, "é"),
    ],
)
def test_clean_name(name: str, kind: str | None, clean: str) -> None:
    assert clean_name(name, kind) == clean


# ---- the store ------------------------------------------------------------------------


def test_save_and_open(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path / "files")
    ref = store.save(PDF, "批复.pdf", {"pdf"}, 1024)
    digest = hashlib.sha256(PDF).hexdigest()
    assert (ref.sha256, ref.name, ref.size, ref.mime) == (digest, "批复.pdf", len(PDF), "application/pdf")
    assert (tmp_path / "files" / digest[:2] / digest[2:]).read_bytes() == PDF
    assert store.exists(digest) and store.open(digest) == PDF
    assert ref.to_json() == {"sha256": digest, "name": "批复.pdf", "size": len(PDF), "mime": "application/pdf"}


def test_same_content_is_stored_once_and_no_temp_files_remain(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path)
    first = store.save(make_docx(), "一.docx", ALL, 10**6)
    store.save(make_xlsx(), "表.xlsx", ALL, 10**6)
    again = store.save((tmp_path / first.sha256[:2] / first.sha256[2:]).read_bytes(), "二.docx", ALL, 10**6)
    assert again.sha256 == first.sha256 and again.name == "二.docx"
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 2 and not any(p.name.startswith(".") for p in files)


def test_the_name_is_never_a_path(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path / "files")
    ref = store.save(PNG, "../../escape.png", {"png"}, 1024)
    assert "/" not in ref.name
    assert not (tmp_path / "escape.png").exists()
    assert [p.parent.parent for p in (tmp_path / "files").rglob("*") if p.is_file()] == [tmp_path / "files"]


@pytest.mark.parametrize(
    ("data", "name", "accept", "words"),
    [
        (b"", "空.pdf", {"pdf"}, "空"),
        (PDF * 100, "大.pdf", {"pdf"}, "太大"),
        (EXE, "报告.pdf", {"pdf"}, "无法识别"),  # a renamed program
        (make_zip(["a.txt"]), "表格.xlsx", {"xlsx"}, "无法识别"),  # a zip called xlsx
        (make_xlsx(), "报告.pdf", {"pdf", "docx"}, "Excel（xlsx）"),  # real, but not accepted here
    ],
)
def test_rejections(tmp_path: Path, data: bytes, name: str, accept: set[str], words: str) -> None:
    store = AttachmentStore(tmp_path)
    with pytest.raises(AttachmentRejected) as caught:
        store.save(data, name, accept, 1024 if data.startswith(b"%PDF") else 10**6)
    assert words in caught.value.message
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_rejection_lists_what_is_accepted(tmp_path: Path) -> None:
    with pytest.raises(AttachmentRejected) as caught:
        AttachmentStore(tmp_path).save(PNG, "图.png", {"pdf", "docx"}, 10**6)
    assert caught.value.message == "此文件实际为 PNG 图片；这里只接受：PDF、Word（docx）"


def test_bad_hashes_and_bad_kinds(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path)
    assert not store.exists("../" + "a" * 61) and not store.exists("A" * 64) and not store.exists("a" * 64)
    with pytest.raises(ValueError):
        store.open("../../etc/passwd")
    with pytest.raises(FileNotFoundError):
        store.open("a" * 64)
    with pytest.raises(ValueError):
        store.save(PDF, "x.pdf", {"exe"}, 1024)
