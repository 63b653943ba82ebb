"""The import pages over HTTP: upload, the preview's mapping and per-row report, a changed mapping, the import."""

from __future__ import annotations

import io
import re

import openpyxl
from conftest import login
from test_ledger_import import old_ledger

from xietiao.store.engine import Store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def _selects(html: str) -> dict[str, str]:
    """Each column select's chosen field, as the page shows it."""
    out = {}
    for m in re.finditer(r'<select name="(col\d+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', m.group(2))
        out[m.group(1)] = chosen.group(1) if chosen else ""
    return out


def _with_markup() -> bytes:
    """The old ledger with markup typed into a bad row's cells: shown as text, never as HTML."""
    wb = openpyxl.load_workbook(io.BytesIO(old_ledger()))
    wb.active["C8"] = "<script>alert('x')</script>园区"
    wb.active["E8"] = "<b>区不存在局</b>"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_upload_preview_change_the_mapping_and_import_without_the_bad_rows(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    fgj = login(app, "fgj")
    r = fgj.post("/app/ledger/import", data={"csrf": fgj.csrf}, files={"file": ("旧台账.xlsx", _with_markup(), XLSX)})
    assert r.status_code == 200, r.text
    page = r.text
    assert "责任单位/牵头单位" in page and 'id="row-problems"' in page
    assert "“尽快”不是日期" in page and "缺少议定事项" in page
    assert "&lt;b&gt;区不存在局&lt;/b&gt;" in page and "<b>区不存在局" not in page
    assert "<script>alert" not in page
    # User text in cells is shown as text: the formula-looking cell and any markup stay inert.
    assert "=完成交通导改方案" in page
    chosen = _selects(page)
    assert chosen["col4"] == "lead_unit" and chosen["col7"] == "planned"
    form = chosen | {
        "csrf": fgj.csrf,
        "token": _hidden(page, "token"),
        "sheet": "0",
        "sheet_was": _hidden(page, "sheet_was"),
        "header_was": _hidden(page, "header_was"),
        "header_first": "3",
        "header_last": "4",
    }
    # The bureau maps 责任人 to nothing: re-checked, still importable.
    r = fgj.post("/app/ledger/import/preview", data={**form, "col6": "", "action": "check"})
    assert r.status_code == 200 and _selects(r.text)["col6"] == ""
    # Without choosing to skip the bad rows nothing is imported.
    r = fgj.post("/app/ledger/import/preview", data={**form, "action": "import"})
    assert r.status_code == 409 and store.count("item") == 0
    r = fgj.post("/app/ledger/import/preview", data={**form, "col6": "", "action": "import_skipping"})
    assert r.status_code == 200 and 'id="import-done"' in r.text
    assert store.count("item") == 4
    assert all(d["person"]["name"] == "" for d in store.all("item"))  # type: ignore[index,call-overload]
    # The token is spent: a second post of the same form imports nothing more.
    r = fgj.post("/app/ledger/import/preview", data={**form, "action": "import_skipping"})
    assert r.status_code == 400 and store.count("item") == 4


def test_a_file_that_is_not_a_workbook_or_too_big_is_refused_with_a_reason(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    fgj = login(app, "fgj")
    r = fgj.post("/app/ledger/import", data={"csrf": fgj.csrf}, files={"file": ("a.xls", b"\xd0\xcf\x11\xe0old", XLSX)})
    assert r.status_code == 400 and "另存为" in r.text
    big = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.save(big)
    r = fgj.post(
        "/app/ledger/import",
        data={"csrf": fgj.csrf},
        files={"file": ("a.xlsx", big.getvalue() + b"\0" * (11 << 20), XLSX)},
    )
    assert r.status_code in (400, 413)
    dc = login(app, "dc")
    assert dc.get("/app/ledger/import").status_code == 403
    assert store.count("item") == 0
