"""The administrator and a clerk in real Chromium: accounts, unlock, the journal, and changing one's own password."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import chromium_page, live_server, shot
from conftest import PASSWORD, TODAY
from starlette.testclient import TestClient

from xietiao.store.engine import Store

pytestmark = pytest.mark.browser


def _login(page, base: str, username: str, password: str = PASSWORD, lands: str = "/app/") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/app/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{lands}")


def _logout(page) -> None:  # type: ignore[no-untyped-def]
    page.click("text=退出")
    page.wait_for_url(re.compile(r".*/app/login$"))


def _act(page, username: str, button: str) -> None:  # type: ignore[no-untyped-def]
    """Click an action in the account's row; the browser asks first for those that cannot be undone."""
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#account-{username}").get_by_role("button", name=button).click()
    page.wait_for_load_state()


def _both_widths(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, f"{name}-1366")
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, f"{name}-375")
    page.set_viewport_size({"width": 1366, "height": 900})


def _change_password(page, current: str, new: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#pw-current", current)
    page.fill("#pw-new", new)
    page.fill("#pw-repeat", new)
    page.click("form[action='/app/password'] button[type=submit]")
    page.wait_for_load_state()


def test_the_administrator_manages_accounts(store: Store, tmp_path: Path) -> None:
    with live_server(store, tmp_path / "site", TODAY) as (base, app), chromium_page() as page:
        _login(page, base, "admin")
        page.click("text=系统管理")
        page.wait_for_url(f"{base}/app/admin/users")
        _both_widths(page, "admin-01-accounts")

        # Add an account: its first password is shown once.
        page.fill("#new-username", "nh")
        page.select_option("#new-unit", "南湖街道")
        page.select_option("#new-role", "unit")
        page.fill("#new-display", "南湖街道经发办")
        page.click("#add button[type=submit]")
        page.wait_for_selector("text=已新建账号：nh")
        first = page.inner_text("#shown-password").strip()
        _both_widths(page, "admin-02-password-shown-once")
        page.click("text=回到账号列表")
        assert first not in page.content()

        # Reset a password, deactivate an account, then reactivate it.
        _act(page, "dc", "重置密码")
        page.wait_for_selector("text=已重置密码：dc")
        reset = page.inner_text("#shown-password").strip()
        page.click("text=回到账号列表")
        _act(page, "xc", "停用")
        page.wait_for_selector("text=已停用账号 xc")
        assert "已停用" in page.inner_text("#account-xc")

        # czj guessed at from another machine: locked; the administrator unlocks it.
        guesser = TestClient(app, base_url=base, client=("10.9.8.7", 40000))
        for _ in range(5):
            guesser.post("/api/login", json={"username": "czj", "password": "not-the-password"})
        page.reload()
        assert "已锁定" in page.inner_text("#account-czj")
        shot(page, "admin-03-locked")
        _act(page, "czj", "解除锁定")
        page.wait_for_selector("text=已解除账号 czj 的登录锁定")
        assert "已锁定" not in page.inner_text("#account-czj")
        _act(page, "xc", "重新启用")
        page.wait_for_selector("text=已重新启用账号 xc")

        # The journal: who did what to which account, searchable.
        page.click("nav.admin-nav >> text=操作日志")
        page.fill("input[name=who]", "admin")
        page.fill("input[name=record]", "xc")
        page.click("form.filters button[type=submit]")
        page.wait_for_url(re.compile(r".*/app/admin/journal\?.*who=admin"))
        table = page.inner_text("table.journal")
        assert "停用账号" in table and "启用账号" in table and "重置密码" not in table
        _both_widths(page, "admin-04-journal")
        page.click("nav.admin-nav >> text=表单版本")
        assert "现为第 1 版" in page.inner_text("main")
        shot(page, "admin-05-form-versions")
        _logout(page)

        # Each person then logs in: the new account and the reset one must pick their own password first.
        _login(page, base, "nh", first, lands="/app/password")
        assert "请先改成只有您自己知道的密码" in page.inner_text("main")
        _change_password(page, first, "Nanhu-Jiedao-88")
        page.wait_for_selector("text=密码已修改")
        page.click("text=回到我的工作台")
        page.wait_for_url(f"{base}/app/")
        _logout(page)
        _login(page, base, "dc", reset, lands="/app/password")
        _logout(page)
        for who in ("xc", "czj"):  # reactivated, unlocked
            _login(page, base, who)
            _logout(page)


def test_a_clerk_changes_their_own_password(store: Store, tmp_path: Path) -> None:
    with live_server(store, tmp_path / "site", TODAY) as (base, _app), chromium_page() as page:
        _login(page, base, "dc")
        page.click("header >> text=更改密码")
        page.wait_for_url(f"{base}/app/password")
        _both_widths(page, "password-01-form")
        _change_password(page, "not-my-password-1", "Dongcheng-2026-a")
        assert "当前密码不正确" in page.inner_text("[role=alert]")
        _change_password(page, PASSWORD, "Admin@123456")
        alert = page.inner_text("[role=alert]")
        assert "常见的弱密码" in alert
        shot(page, "password-02-policy")
        _change_password(page, PASSWORD, "Dongcheng-2026-a")
        page.wait_for_selector("text=密码已修改")
        _logout(page)
        page.goto(f"{base}/app/login")
        page.fill("input[name=username]", "dc")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=用户名或密码错误")
        _login(page, base, "dc", "Dongcheng-2026-a")
