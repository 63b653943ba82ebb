"""In Chromium: the bureau imports its old ledger (preview, per-row report, skip the bad rows); the admin runs
the reminders and sees what was sent, on a wide screen and a phone."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from browser import chromium_page, live_server, shot
from conftest import PASSWORD, TODAY
from playwright.sync_api import expect

from xietiao.ledger.items import register_item
from xietiao.notify.recipients import set_email
from xietiao.notify.settings import settings_path
from xietiao.store.engine import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ledger"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "notify"))
from receivers import http_receiver, smtp_server, wait_for
from test_ledger_import import old_ledger

pytestmark = pytest.mark.browser


def _login(page: object, base: str, username: str) -> None:
    page.goto(f"{base}/app/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", username)  # type: ignore[attr-defined]
    page.fill("input[type=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]


def test_the_bureau_imports_its_old_ledger_in_chromium(store: Store, tmp_path: Path) -> None:
    upload = tmp_path / "旧台账.xlsx"
    upload.write_bytes(old_ledger())
    with live_server(store, tmp_path / "site", TODAY) as (base, _), chromium_page() as page:
        _login(page, base, "fgj")
        page.goto(f"{base}/app/ledger")  # type: ignore[attr-defined]
        page.click("text=导入原有台账（Excel）")  # type: ignore[attr-defined]
        page.set_input_files("input[name=file]", str(upload))  # type: ignore[attr-defined]
        page.click("text=上传并预览")  # type: ignore[attr-defined]
        expect(page.locator("#row-problems")).to_contain_text("区不存在局")  # type: ignore[attr-defined]
        expect(page.locator("#bad-count")).to_have_text("3")  # type: ignore[attr-defined]
        expect(page.locator("#do-import")).to_contain_text("跳过这 3 行，导入其余 4 项")  # type: ignore[attr-defined]
        page.set_viewport_size({"width": 1366, "height": 900})  # type: ignore[attr-defined]
        shot(page, "ledger-import-preview-1366")
        page.set_viewport_size({"width": 375, "height": 800})  # type: ignore[attr-defined]
        shot(page, "ledger-import-preview-375")
        page.set_viewport_size({"width": 1366, "height": 900})  # type: ignore[attr-defined]
        page.click("#do-import")  # type: ignore[attr-defined]
        expect(page.locator("#import-done")).to_contain_text("导入议定事项 4 项")  # type: ignore[attr-defined]
        page.click("text=查看台账")  # type: ignore[attr-defined]
        expect(page.locator("#ledger")).to_contain_text("完成项目用地预审")  # type: ignore[attr-defined]
    assert store.count("item") == 4


def test_the_admin_runs_reminders_and_sees_them_sent_in_chromium(store: Store, tmp_path: Path) -> None:
    register_item(
        store,
        "fgj",
        meeting="2026-10",
        project="",
        content="完成项目用地报批",
        lead_unit="东城街道",
        planned=date(2026, 12, 31),
        created="2026-10-20T10:00:00+08:00",
    )
    set_email(store, "dc", "dongcheng@example.gov.cn", actor="admin")
    with smtp_server() as (box, smtp_port), http_receiver() as (inbox, http_port):
        inbox.answers["/broken"] = (500, {"errcode": -1})
        settings = {
            "notifications": {
                "enabled": True,
                "email": {"host": "127.0.0.1", "port": smtp_port, "security": "none", "sender": "xt@example.gov.cn"},
                "robots": [
                    {
                        "unit": "东城街道",
                        "kind": "wecom",
                        "url": f"http://127.0.0.1:{http_port}/wecom?key=abcdef123456",
                    },
                    {"unit": "东城街道", "kind": "webhook", "url": f"http://127.0.0.1:{http_port}/broken"},
                ],
            }
        }
        settings_path(store.root).write_text(yaml.safe_dump(settings, allow_unicode=True), "utf-8")
        with live_server(store, tmp_path / "site", TODAY) as (base, _), chromium_page() as page:
            _login(page, base, "admin")
            page.click("header >> text=提醒")  # type: ignore[attr-defined]
            expect(page.locator("#notify-settings")).to_contain_text("已启用")  # type: ignore[attr-defined]
            page.click("#run-now")  # type: ignore[attr-defined]
            expect(page.locator("#notice-table")).to_contain_text("已发送")  # type: ignore[attr-defined]
            expect(page.locator("#notice-table")).to_contain_text("HTTP 500")  # type: ignore[attr-defined]
            assert "abcdef123456" not in page.content()  # type: ignore[attr-defined]
            page.set_viewport_size({"width": 1366, "height": 900})  # type: ignore[attr-defined]
            shot(page, "notifications-admin-1366")
            page.set_viewport_size({"width": 375, "height": 800})  # type: ignore[attr-defined]
            shot(page, "notifications-admin-375")
        assert wait_for(lambda: len(box.messages) == 1 and len(inbox.to("/wecom")) == 1)
