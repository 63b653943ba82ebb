"""Upload bombs: small files built to make a parser loop, allocate or recurse without end.

`python -m checks` posts each one to the real app as a unit's closure evidence, in a child process
whose address space is capped, and reports the answer, the time and the memory it took. A bomb
must be refused with a 4xx that names the field, or accepted harmlessly, never a 5xx or a crash.
"""

from __future__ import annotations

import io
import json
import resource
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
END, FREE, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
MEMORY_CAP = 1536 * 1024 * 1024  # the child's whole address space, the app and Python included


def _ole_header(shift: int, fat_count: int, first_dir: int, first_difat: int, difat_count: int) -> bytearray:
    header = bytearray(1 << shift if shift == 12 else 512)
    header[0:8] = OLE_MAGIC
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3 if shift == 9 else 4, 0xFFFE, shift, 6)
    struct.pack_into("<IIIIIIII", header, 0x2C, fat_count, first_dir, 0, 4096, END, 0, first_difat, difat_count)
    return header


def _dir_entry(name: str, kind: int, left: int, right: int, child: int) -> bytes:
    entry = bytearray(128)
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    entry[: len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 0x40, len(encoded), kind, 1)
    struct.pack_into("<III", entry, 0x44, left, right, child)
    struct.pack_into("<II", entry, 0x74, END, 0)
    return bytes(entry)


def ole_difat_loop() -> bytes:
    """8 KB: the DIFAT chain points at itself and every FAT slot names one sector (the review's .xls)."""
    header = _ole_header(12, 109 + 1023 * 1000, 0, 0, 1000)
    struct.pack_into("<109I", header, 0x4C, *([0] * 109))
    sector = struct.pack("<1024I", *([0] * 1024))  # 1023 FAT sector numbers, then "next DIFAT: 0"
    return bytes(header) + sector


def ole_fat_repeat() -> bytes:
    """One FAT sector listed 109 times: a naive reader builds a table 109 times its size."""
    header = _ole_header(9, 109, 1, END, 0)
    struct.pack_into("<109I", header, 0x4C, *([0] * 109))
    fat = struct.pack("<128I", FATSECT, END, *([FREE] * 126))
    return bytes(header) + fat + _dir_entry("Root Entry", 5, NOSTREAM, NOSTREAM, NOSTREAM) + bytes(384)


def ole_directory_loop() -> bytes:
    """The directory's sector chain leads back to itself."""
    header = _ole_header(9, 1, 1, END, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([FREE] * 108))
    fat = struct.pack("<128I", FATSECT, 1, *([FREE] * 126))
    directory = _dir_entry("Root Entry", 5, NOSTREAM, NOSTREAM, 1) + _dir_entry("Workbook", 2, NOSTREAM, 1, NOSTREAM)
    return bytes(header) + fat + directory + bytes(256)


def ole_deep_directory(entries: int = 12_000) -> bytes:
    """Thousands of directory entries each the right sibling of the last: a recursive reader overflows."""
    per_sector = 4
    dir_sectors = -(-entries // per_sector)
    total = 1 + dir_sectors
    fat_sectors = -(-total // 127) + 1
    total += fat_sectors - 1
    header = _ole_header(9, fat_sectors, fat_sectors, END, 0)
    struct.pack_into("<109I", header, 0x4C, *range(fat_sectors), *([FREE] * (109 - fat_sectors)))
    chain = [FATSECT] * fat_sectors + [*range(fat_sectors + 1, fat_sectors + dir_sectors), END]
    chain += [FREE] * (fat_sectors * 128 - len(chain))
    fat = struct.pack(f"<{len(chain)}I", *chain)
    rows = [_dir_entry("Root Entry", 5, NOSTREAM, NOSTREAM, 1)]
    rows += [
        _dir_entry(f"S{i}", 2, NOSTREAM, i + 1 if i + 1 < entries else NOSTREAM, NOSTREAM) for i in range(1, entries)
    ]
    directory = b"".join(rows)
    directory += bytes(dir_sectors * 512 - len(directory))
    return bytes(header) + fat + directory


def _docx_parts(archive: zipfile.ZipFile) -> None:
    archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')


def zip_bomb(megabytes: int = 160) -> bytes:
    """A docx-shaped archive whose document unpacks to `megabytes` of zeros (about a thousandth of that packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _docx_parts(archive)
        with archive.open("word/document.xml", "w", force_zip64=False) as member:
            chunk = bytes(1 << 20)
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


def zip_many_entries(count: int = 20_000) -> bytes:
    """Tens of thousands of empty parts: an object per entry before anything is looked at."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        _docx_parts(archive)
        archive.writestr("word/document.xml", "<w/>")
        for i in range(count):
            archive.writestr(f"p/{i}", b"")
    return out.getvalue()


def zip_lying_directory() -> bytes:
    """A small archive whose end record claims 65,000 entries and a directory past its end."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        _docx_parts(archive)
        archive.writestr("word/document.xml", "<w/>")
    data = bytearray(out.getvalue())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HHII", data, end + 8, 65_000, 65_000, 1 << 30, 10)
    return bytes(data)


def pdf_deep(depth: int = 1_000_000) -> bytes:
    """A PDF whose one object nests a million arrays and dictionaries (nothing of ours parses it)."""
    return b"%PDF-1.7\n1 0 obj\n" + b"[<<" * depth + b">>]" * depth + b"\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pdf_truncated() -> bytes:
    """A PDF cut off in the middle: no end marker."""
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Ty"


BOMBS: dict[str, Callable[[], bytes]] = {
    "ole_difat_loop": ole_difat_loop,
    "ole_fat_repeat": ole_fat_repeat,
    "ole_directory_loop": ole_directory_loop,
    "ole_deep_directory": ole_deep_directory,
    "zip_bomb": zip_bomb,
    "zip_many_entries": zip_many_entries,
    "zip_lying_directory": zip_lying_directory,
    "pdf_deep": pdf_deep,
    "pdf_truncated": pdf_truncated,
}
NAMES = {"ole": "证明.xls", "zip": "证明.docx", "pdf": "证明.pdf"}


# -- running them against the app, in a capped child --------------------------------------------


@dataclass
class BombReport:
    rows: list[dict[str, object]] = field(default_factory=list)
    breaches: list[str] = field(default_factory=list)
    peak_mb: float = 0.0  # the child's peak resident memory, the app and every bomb included
    cap_mb: int = 0

    def lines(self) -> list[str]:
        out = []
        for row in self.rows:
            out.append(f"bomb_{row['name']}: {row['status']} status, {row['ms']} ms, {row['grew_mb']} MB peak growth")
        out.append(f"bomb_child_peak_rss: {self.peak_mb:.0f} MB (address space capped at {self.cap_mb} MB)")
        out.append(f"bomb_breaches: {len(self.breaches)} bombs")
        return out


def run_bombs(cap: int = MEMORY_CAP) -> BombReport:
    """Each bomb posted to the real app in a child process whose address space is capped at `cap`."""
    report = BombReport(cap_mb=cap // (1024 * 1024))
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run(
        [sys.executable, "-m", "checks.bombs", str(cap)], cwd=root, capture_output=True, text=True, timeout=600
    )
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            report.rows.append(json.loads(line))
        elif line.startswith("PEAK "):
            report.peak_mb = float(line[5:])
    if proc.returncode != 0 or len(report.rows) != len(BOMBS):
        report.breaches.append(f"子进程退出码 {proc.returncode}：{proc.stderr.strip()[-400:]}")
    for row in report.rows:
        if not isinstance(row["status"], int) or row["status"] >= 500 or not row["named"]:
            report.breaches.append(f"{row['name']}: {row['status']} {row['detail']}")
    return report


def _child(cap: int) -> None:
    """In the child: cap memory, build the app over a seeded store, post every bomb as a unit would."""
    import tempfile

    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from checks.bombs_app import post_bombs

    with tempfile.TemporaryDirectory() as tmp:
        for row in post_bombs(Path(tmp), BOMBS, NAMES):
            print(json.dumps(row, ensure_ascii=False), flush=True)
    print(f"PEAK {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}", flush=True)


if __name__ == "__main__":
    _child(int(sys.argv[1]))
