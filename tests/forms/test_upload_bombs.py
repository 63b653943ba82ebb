"""Uploaded bytes built to hurt the parsers, refused posts that must leave no file, and the unit quota."""

from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path

import pytest
from conftest import login

from xietiao.forms.sniff import Malformed, sniff

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `checks` is not an installed package
    sys.path.insert(0, str(ROOT))

from checks.bombs import BOMBS, NAMES, ole_difat_loop  # noqa: E402

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_each_bomb_ends_within_its_own_size(name: str) -> None:
    data = BOMBS[name]()
    tracemalloc.start()
    try:
        try:
            kind = sniff(data)
        except Malformed as exc:
            kind = f"refused: {exc.message}"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # What a file may cost is a few times its own length, never what it claims to hold.
    assert peak < 16 * 1024 * 1024 + 4 * len(data), (name, peak, kind)
    assert kind in ("pdf", "xls") or kind.startswith("refused: "), kind


def _files(store) -> list[Path]:  # type: ignore[no-untyped-def]
    folder = store.root / "attachments"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _post(client, files: dict[str, tuple[str, bytes, str]], **fields: str):  # type: ignore[no-untyped-def]
    data = {"csrf": client.csrf, "action": "draft", **fields}
    return client.post("/app/forms/material/new", data=data, files=files, follow_redirects=False)


def test_the_reviews_ole_bomb_is_refused_naming_the_field(app, store) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")
    r = _post(dc, {"attachments": (NAMES["ole"], ole_difat_loop(), "application/vnd.ms-excel")})
    assert r.status_code == 400
    assert "“附件”：Office 文件" in r.text
    assert _files(store) == []


def test_refused_posts_leave_no_files(app, store) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")
    big = PDF[:-6] + b"%" + bytes(3 * 1024 * 1024) + b"\n%%EOF\n"
    # A good file in a post refused for another field: nothing is stored, and the form says to pick it again.
    for n in range(3):
        r = _post(dc, {"attachments": (f"汇报{n}.pdf", big + bytes([n]), "application/pdf")}, project="P-0000-0000")
        assert r.status_code == 400
        assert "重新选择该文件" in r.text
    # A good file beside a refused one: neither is stored.
    files = [("attachments", ("好.pdf", PDF, "application/pdf")), ("attachments", ("坏.pdf", b"MZ", "application/pdf"))]
    r = dc.post(
        "/app/forms/material/new", data={"csrf": dc.csrf, "action": "draft"}, files=files, follow_redirects=False
    )
    assert r.status_code == 400
    assert _files(store) == []
    # The same file in a good post is stored once, and the record refers to it.
    r = _post(dc, {"attachments": ("汇报.pdf", PDF, "application/pdf")})
    assert r.status_code == 303
    assert len(_files(store)) == 1


def test_each_unit_has_an_attachment_quota(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from conftest import TODAY, fixed_now

    from cli.assemble import assemble_app

    app = assemble_app(store, site_dir=tmp_path / "site", today=lambda: TODAY, now=fixed_now, unit_quota_mb=1)
    dc, xc = login(app, "dc"), login(app, "xc")
    part = 400 * 1024

    def pdf(n: int) -> bytes:
        return PDF[:-6] + b"%" + bytes([n]) * part + b"\n%%EOF\n"

    assert _post(dc, {"attachments": ("一.pdf", pdf(1), "application/pdf")}).status_code == 303
    assert _post(dc, {"attachments": ("二.pdf", pdf(2), "application/pdf")}).status_code == 303
    refused = _post(dc, {"attachments": ("三.pdf", pdf(3), "application/pdf")})
    assert refused.status_code == 400
    assert "“附件”：本单位附件已占用" in refused.text and "1.0 MB 的上限" in refused.text
    assert len(_files(store)) == 2
    # A file the unit already holds costs nothing more; another unit has its own quota.
    assert _post(dc, {"attachments": ("一again.pdf", pdf(1), "application/pdf")}).status_code == 303
    assert _post(xc, {"attachments": ("三.pdf", pdf(3), "application/pdf")}).status_code == 303
