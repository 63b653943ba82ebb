"""Administration through the real app: accounts, own password, idle sessions, unlock, the audit journal."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from conftest import PASSWORD, Client, login
from starlette.routing import Route
from starlette.testclient import TestClient

from xietiao.accounts import verify_login
from xietiao.journal import JournalQuery, search_journal
from xietiao.store.engine import Store


def _shown_password(html: str) -> str:
    found = re.search(r'id="shown-password">([^<]+)<', html)
    assert found, html
    return found.group(1)


def _html_login(app, username: str, password: str = PASSWORD, client: tuple[str, int] | None = None) -> Client:  # type: ignore[no-untyped-def]
    c = Client(app, base_url="http://testserver", client=client or ("testclient", 50000))
    r = c.post("/app/login", data={"username": username, "password": password}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def test_only_the_administrator_reaches_the_admin_pages(app) -> None:  # type: ignore[no-untyped-def]
    for who in ("fgj", "leader", "dc"):
        c = login(app, who)
        for path in ("/app/admin/users", "/app/admin/journal", "/app/admin/forms"):
            assert c.get(path).status_code == 403, (who, path)
        assert c.post("/app/admin/users/xc/deactivate", data={"csrf": c.csrf}).status_code == 403
    admin = login(app, "admin")
    page = admin.get("/app/admin/users").text
    assert all(f'id="account-{n}"' in page for n in ("fgj", "leader", "admin", "dc", "xc", "czj"))
    assert "系统管理" in admin.get("/app/").text and "系统管理" not in login(app, "fgj").get("/app/").text


def test_add_an_account_shows_its_password_once_and_the_owner_must_change_it(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    admin = login(app, "admin")
    form = {"csrf": admin.csrf, "username": "nh", "unit": "南湖街道", "role": "unit", "display": "南湖街道经发办"}
    r = admin.post("/app/admin/users", data=form)
    assert r.status_code == 200 and "只显示这一次" in r.text
    given = _shown_password(r.text)
    assert given not in admin.get("/app/admin/users").text  # never again
    assert given not in "".join(p.read_text("utf-8") for p in (store.root / "journal").glob("*.jsonl"))
    assert store.get("user", "nh")["must_change"] is True  # type: ignore[index]

    owner = _html_login(app, "nh", given)
    r = owner.get("/app/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/app/password"
    page = owner.get("/app/password").text
    assert "请先改成只有您自己知道的密码" in page
    api = Client(app, base_url="http://testserver")
    token = api.post("/api/login", json={"username": "nh", "password": given}).json()["csrf"]
    refused = api.get("/api/forms")
    assert refused.status_code == 403 and "修改密码" in refused.json()["error"]
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    done = owner.post(
        "/app/password", data={"csrf": csrf, "current": given, "new": "Nanhu-Jiedao-88", "repeat": "Nanhu-Jiedao-88"}
    )
    assert done.status_code == 200 and "密码已修改" in done.text
    assert owner.get("/app/", follow_redirects=False).status_code == 200
    assert api.get("/api/forms").status_code == 401 and token  # the other session ended with the change


def test_adding_explains_what_is_wrong_and_keeps_what_was_typed(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    admin = login(app, "admin")
    r = admin.post("/app/admin/users", data={"csrf": admin.csrf, "username": "dc", "unit": "东城街道", "role": "unit"})
    assert r.status_code == 400 and "已存在" in r.text
    r = admin.post(
        "/app/admin/users",
        data={"csrf": admin.csrf, "username": "boss", "unit": "东城街道", "role": "leader", "display": "<b>x</b>"},
    )
    assert r.status_code == 400 and "leader 角色只能属于区政府" in r.text
    assert 'value="boss"' in r.text and "&lt;b&gt;x&lt;/b&gt;" in r.text
    assert store.get("user", "boss") is None
    r = admin.post("/app/admin/users", data={"username": "ghost", "unit": "东城街道", "role": "unit"})
    assert r.status_code == 403 and store.get("user", "ghost") is None  # no CSRF token, nothing made


def test_reset_ends_the_old_password_and_the_sessions_that_used_it(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")
    admin = login(app, "admin")
    r = admin.post("/app/admin/users/dc/reset", data={"csrf": admin.csrf})
    new = _shown_password(r.text)
    assert dc.get("/api/forms").status_code == 401
    assert verify_login(store, "dc", PASSWORD) is None and verify_login(store, "dc", new) is not None
    assert admin.post("/app/admin/users/nobody/reset", data={"csrf": admin.csrf}).status_code == 404


def test_deactivate_and_reactivate(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    xc = login(app, "xc")
    admin = login(app, "admin")
    r = admin.post("/app/admin/users/xc/deactivate", data={"csrf": admin.csrf})
    assert r.status_code == 200 and "已停用账号 xc" in r.text
    assert xc.get("/api/forms").status_code == 401
    assert Client(app).post("/api/login", json={"username": "xc", "password": PASSWORD}).status_code == 401
    assert store.get("user", "xc") is not None  # kept, with everything it did
    r = admin.post("/app/admin/users/admin/deactivate", data={"csrf": admin.csrf})
    assert r.status_code == 409 and "不能停用自己" in r.text
    r = admin.post("/app/admin/users/admin/reset", data={"csrf": admin.csrf})
    assert r.status_code == 409 and "更改密码" in r.text and verify_login(store, "admin", PASSWORD) is not None
    admin.post("/app/admin/users/xc/reactivate", data={"csrf": admin.csrf})
    assert login(app, "xc").get("/api/forms").status_code == 200


def test_unlock_a_throttled_account(app) -> None:  # type: ignore[no-untyped-def]
    # The guesses come from another address, as they would from a stranger's machine.
    guesser = TestClient(app, base_url="http://testserver", client=("10.9.8.7", 40000))
    for _ in range(5):
        guesser.post("/api/login", json={"username": "czj", "password": "not-the-password"})
    # That address is locked out of the account, even with the right password; the owner elsewhere is not.
    assert guesser.post("/api/login", json={"username": "czj", "password": PASSWORD}).status_code == 429
    assert Client(app).post("/api/login", json={"username": "czj", "password": PASSWORD}).status_code == 200
    admin = login(app, "admin")
    page = admin.get("/app/admin/users").text
    row = page.split('id="account-czj"', 1)[1].split("</tr>", 1)[0]
    assert "已锁定" in row and "/app/admin/users/czj/unlock" in row
    r = admin.post("/app/admin/users/czj/unlock", data={"csrf": admin.csrf})
    assert "已解除账号 czj 的登录锁定" in r.text
    assert guesser.post("/api/login", json={"username": "czj", "password": PASSWORD}).status_code == 200


def test_own_password_change_names_each_problem(app) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")

    def change(current: str, new: str, repeat: str | None = None) -> str:
        data = {"csrf": dc.csrf, "current": current, "new": new, "repeat": new if repeat is None else repeat}
        return dc.post("/app/password", data=data).text

    assert "两次输入的新密码不一致" in change(PASSWORD, "Dongcheng-2026-a", "Dongcheng-2026-b")
    assert "当前密码不正确" in change("wrong-password-9", "Dongcheng-2026-a")
    assert "常见的弱密码" in change(PASSWORD, "Admin@123456")
    assert "不能与当前密码相同" in change(PASSWORD, PASSWORD)
    assert "密码已修改" in change(PASSWORD, "Dongcheng-2026-a")
    assert dc.get("/api/forms").status_code == 200  # this session goes on
    assert Client(app).post("/api/login", json={"username": "dc", "password": "Dongcheng-2026-a"}).status_code == 200


def test_an_idle_session_ends_and_the_login_page_says_why(app) -> None:  # type: ignore[no-untyped-def]
    now = [1000.0]
    sessions = app.state.xietiao.sessions
    sessions.clock = lambda: now[0]  # the table's clock is a parameter, like today's date
    dc = _html_login(app, "dc")
    now[0] += sessions.idle_seconds - 60
    assert dc.get("/app/", follow_redirects=False).status_code == 200  # in use: the idle time starts again
    now[0] += sessions.idle_seconds - 60
    assert dc.get("/app/", follow_redirects=False).status_code == 200
    now[0] += sessions.idle_seconds + 1
    r = dc.get("/app/", follow_redirects=False)
    assert (
        r.status_code == 303
        and r.headers["location"].startswith("/app/login?next=")
        and "expired=1" in r.headers["location"]
    )
    assert "登录已失效" in dc.get(r.headers["location"]).text


def test_idle_minutes_reach_the_app(store: Store, tmp_path: Path) -> None:
    from datetime import date, datetime

    from cli.assemble import assemble_app

    app = assemble_app(
        store, site_dir=tmp_path / "site", today=lambda: date(2026, 11, 28), now=datetime.now, idle_minutes=5
    )
    assert app.state.xietiao.sessions.idle_seconds == 300


def test_the_journal_is_searchable_and_paged(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    admin = login(app, "admin")
    for _ in range(3):
        admin.post("/app/admin/users/xc/deactivate", data={"csrf": admin.csrf})
        admin.post("/app/admin/users/xc/reactivate", data={"csrf": admin.csrf})
    old = store.root / "journal" / "2026-03.jsonl"  # eight months back: still kept and found
    entry = {"at": "2026-03-02T09:00:00+08:00", "actor": "fgj", "action": "提交", "kind": "project"}
    old.write_text(json.dumps({**entry, "number": "P-2026-0001", "detail": ""}, ensure_ascii=False) + "\n", "utf-8")
    page = search_journal(store, JournalQuery(who="admin", what="停用账号"))
    assert page.total == 3 and all(e.actor == "admin" and e.number == "xc" for e in page.entries)
    assert search_journal(store, JournalQuery(record="p-2026-0001")).total == 1  # case does not matter
    assert search_journal(store, JournalQuery(who="ADMIN", what="停用账号")).total == 3
    with old.open("a", encoding="utf-8") as fh:
        fh.write('{"at": "2026-03-02T09:05:00+08:00", "actor": "fg')  # a line torn by a crash: not an entry
    assert search_journal(store, JournalQuery(since=date(2026, 3, 1), until=date(2026, 3, 31))).total == 1
    assert search_journal(store, JournalQuery(what="user")).total >= 6 + 6  # six accounts made, six changes
    assert search_journal(store, JournalQuery(since=date(2026, 3, 1), until=date(2026, 3, 31))).total == 1
    paged = search_journal(store, JournalQuery(page=2), page_size=4)
    assert paged.page == 2 and len(paged.entries) == 4 and paged.first_month == "2026-03"
    html = admin.get("/app/admin/journal", params={"who": "admin", "what": "启用账号"}).text
    assert "共 3 条" in html and html.count('<td data-label="操作">启用账号</td>') == 3
    html = admin.get("/app/admin/journal", params={"since": "2026-13-01"}).text
    assert "起始日期“2026-13-01”无法识别" in html
    assert "最早的日志：2026年3月" in admin.get("/app/admin/journal").text


def test_nobody_can_change_or_erase_the_journal(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    # No route that writes anywhere near it: the journal page answers GET (and HEAD) only.
    for route in app.routes:
        if isinstance(route, Route) and "journal" in route.path:
            assert set(route.methods or ()) <= {"GET", "HEAD"}, route.path
    admin = login(app, "admin")
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        r = admin.request(method, "/app/admin/journal", data={"csrf": admin.csrf}, headers={"X-CSRF-Token": admin.csrf})
        assert r.status_code == 405, method
    # Every administration action only appends: what was in each journal file stays, byte for byte.
    before = {p.name: p.read_bytes() for p in (store.root / "journal").glob("*.jsonl")}
    admin.post("/app/admin/users", data={"csrf": admin.csrf, "username": "bs", "unit": "北山街道", "role": "unit"})
    for verb in ("reset", "deactivate", "reactivate", "unlock"):
        admin.post(f"/app/admin/users/xc/{verb}", data={"csrf": admin.csrf})
    after = {p.name: p.read_bytes() for p in (store.root / "journal").glob("*.jsonl")}
    assert set(before) <= set(after)
    assert all(after[name].startswith(data) for name, data in before.items())
    assert sum(map(len, after.values())) > sum(map(len, before.values()))
