"""The admin renames a unit in Chromium: the old name becomes an alias, a clash is refused, a lost name is attached."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import chromium_page, live_server, shot
from conftest import PASSWORD, TODAY
from playwright.sync_api import expect

from xietiao.jsonvalue import Doc
from xietiao.store.engine import Store
from xietiao.units import same_unit, unit_by_name

pytestmark = pytest.mark.browser


def _lost_item(store: Store) -> None:
    """An item filed under a name the profile no longer has (renamed in the file without an alias)."""
    doc: Doc = {
        "number": "2026-10-01",
        "meeting": "2026-10",
        "project": "P-2026-0001",
        "issue": "",
        "content": "完成用地报批",
        "lead_unit": "西城老街道",
        "co_units": [],
        "person": {"name": "王工", "phone": "13800000001"},
        "planned": "2026-12-31",
        "status": "registered",
        "done": None,
        "closed_reason": "",
        "reopened_from": "",
        "created": "2026-10-20T10:00:00+08:00",
    }
    store.insert("item", doc, actor="fgj", action="挂号")


def test_the_admin_renames_a_unit_and_attaches_a_lost_name(store: Store, tmp_path: Path) -> None:
    _lost_item(store)
    with live_server(store, tmp_path / "site", TODAY) as (base, _), chromium_page() as page:
        page.goto(f"{base}/app/login")  # type: ignore[attr-defined]
        page.fill("input[name=username]", "admin")  # type: ignore[attr-defined]
        page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
        page.click("button[type=submit]")  # type: ignore[attr-defined]
        page.click("nav >> text=单位信息")  # type: ignore[attr-defined]
        expect(page.locator("#lost")).to_contain_text("西城老街道")  # type: ignore[attr-defined]
        for width in (1366, 375):
            page.set_viewport_size({"width": width, "height": 900})  # type: ignore[attr-defined]
            shot(page, f"units-list-{width}")

        page.click("#unit-dc >> text=修改")  # type: ignore[attr-defined]
        page.fill("#u-name", "西城街道")  # type: ignore[attr-defined]
        page.click("button:text('保存')")  # type: ignore[attr-defined]
        expect(page.locator(".field-error")).to_contain_text("名称 西城街道 已被")  # type: ignore[attr-defined]
        expect(page.locator("#u-name")).to_have_value("西城街道")  # type: ignore[attr-defined]
        for width in (1366, 375):
            page.set_viewport_size({"width": width, "height": 900})  # type: ignore[attr-defined]
            shot(page, f"units-edit-error-{width}")

        page.fill("#u-name", "东城新区街道")  # type: ignore[attr-defined]
        page.fill("#u-aliases", "东城")  # type: ignore[attr-defined]
        page.click("button:text('保存')")  # type: ignore[attr-defined]
        expect(page.locator("[role=status]")).to_contain_text("已保存单位信息")  # type: ignore[attr-defined]
        row = page.locator("#unit-dc")  # type: ignore[attr-defined]
        expect(row).to_contain_text("东城新区街道")
        expect(row).to_contain_text("东城、东城街道")  # the old name kept as an alias
        expect(row).to_contain_text("网页修改过")

        page.select_option("#lost select", label="西城街道")  # type: ignore[attr-defined]
        page.click("#lost button:text('归入')")  # type: ignore[attr-defined]
        expect(page.locator("#lost")).to_have_count(0)  # type: ignore[attr-defined]
        expect(page.locator("#unit-xc")).to_contain_text("西城老街道")  # type: ignore[attr-defined]
    assert unit_by_name("东城街道").name == "东城新区街道"  # type: ignore[union-attr]
    assert same_unit("西城老街道", "西城街道")
