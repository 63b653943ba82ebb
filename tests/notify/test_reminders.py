"""Acceptance: a unit that has not reported by the deadline gets one reminder by each channel, not two.

Real components: the store in a temp folder, the real app with its lifespan (the scheduler is the
background task the server runs), aiosmtpd on loopback for e-mail, and an HTTP server on loopback
standing in for the WeCom, DingTalk and generic robots.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import PASSWORD, Client, login
from receivers import Inbox, Mailbox, http_receiver, smtp_server, wait_for
from starlette.testclient import TestClient

from cli.assemble import assemble_app
from server.notify.service import NotifyService
from xietiao.config import DISTRICT_TZ
from xietiao.cycle.workdays import WorkCalendar
from xietiao.ledger.items import register_item
from xietiao.notify import outbox
from xietiao.notify.recipients import set_email
from xietiao.notify.run import deliver_pass, limiter_for, schedule_pass
from xietiao.notify.settings import NotifySettings, load_settings
from xietiao.store.engine import Store

# Thursday 26 November 2026, half past nine: the November reports were due yesterday (the 25th).
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=DISTRICT_TZ)
WECOM_KEY = "wecom-key-5f1c2b9a-secret"
DING_TOKEN = "ding-token-77aa10c2-secret"
DING_SECRET = "SECd41d8cd98f00b204e9800998ecf8427e"


def settings_for(smtp_port: int, http_port: int, **more: object) -> NotifySettings:
    base = f"http://127.0.0.1:{http_port}"
    raw = {
        "enabled": True,
        "app_url": "https://xietiao.example.gov.cn/app/",
        "send_at": "09:00",
        "report_day": 25,
        "email": {"host": "127.0.0.1", "port": smtp_port, "security": "none", "sender": "协调例会 <xt@example.gov.cn>"},
        "robots": [
            {"unit": "区财政局", "kind": "wecom", "url": f"{base}/wecom?key={WECOM_KEY}"},
            {
                "unit": "区国资办",
                "kind": "dingtalk",
                "url": f"{base}/ding?access_token={DING_TOKEN}",
                "secret": DING_SECRET,
            },
            {"unit": "区财政局", "kind": "webhook", "url": f"{base}/hook"},
        ],
        **more,
    }
    settings, problems = load_settings(raw)
    assert problems == []
    return settings


@pytest.fixture
def unreported(store: Store) -> Store:
    """区财政局 leads an item registered in October and has filed no report for November."""
    register_item(
        store,
        "fgj",
        meeting="2026-10",
        project="P-2026-0001",
        content="完成项目用地报批",
        lead_unit="区财政局",
        planned=datetime(2026, 12, 31).date(),
        created="2026-10-20T10:00:00+08:00",
    )
    set_email(store, "czj", "caizheng@example.gov.cn", actor="admin")
    return store


@pytest.fixture
def receivers() -> Iterator[tuple[Mailbox, int, Inbox, int]]:
    with smtp_server() as (box, smtp_port), http_receiver() as (inbox, http_port):
        yield box, smtp_port, inbox, http_port


def _serve_once(store: Store, settings: NotifySettings, site: Path) -> NotifyService:
    """Start the real app (its lifespan starts the scheduler), let one wake-up finish, stop it."""
    app = assemble_app(store, site_dir=site, today=lambda: NOW.date(), now=lambda: NOW, notifications=(settings, []))
    svc = app.state.notify
    assert isinstance(svc, NotifyService)
    with TestClient(app):
        assert wait_for(lambda: svc.status.last_delivery is not None)
        woke = svc.status.wakeups
        # Idle means asleep: with nothing due, the task does not wake again (no polling loop).
        assert not wait_for(lambda: svc.status.wakeups > woke, seconds=0.5)
    return svc


def test_an_unreported_unit_gets_one_reminder_by_each_channel_across_runs_and_a_restart(
    unreported: Store, receivers: tuple[Mailbox, int, Inbox, int], tmp_path: Path
) -> None:
    box, smtp_port, inbox, http_port = receivers
    settings = settings_for(smtp_port, http_port)
    data = unreported.root

    first = _serve_once(unreported, settings, tmp_path / "site")
    assert first.status.last_pass is not None and first.status.last_pass.queued == 4
    assert wait_for(lambda: len(box.messages) == 1 and len(inbox.posts) == 3)

    # The scheduler again in the same process, then a restart: a new store and a new app.
    again = schedule_pass(unreported, settings, WorkCalendar(), NOW)
    assert (again.queued, again.repeated) == (0, 4)
    assert deliver_pass(unreported, settings, lambda: NOW, limiter_for(settings)).sent == 0
    unreported.close()
    with Store(data) as reopened:
        _serve_once(reopened, settings, tmp_path / "site")
        again = schedule_pass(reopened, settings, WorkCalendar(), NOW)
        assert (again.queued, again.repeated) == (0, 4)
        sent = [n for n in reopened.all("notice") if n["status"] == "sent"]
    assert not wait_for(lambda: len(box.messages) > 1 or len(inbox.posts) > 3, seconds=0.5)

    (mail,) = box.messages
    assert mail["To"] == "caizheng@example.gov.cn"
    assert "月度进展" in str(mail["Subject"])
    body = mail.get_content()
    assert "2026-10-01" in body and "已于2026年11月25日截止" in body
    assert "https://xietiao.example.gov.cn/app/" in body
    assert sorted(p.path.split("?")[0] for p in inbox.posts) == ["/ding", "/hook", "/wecom"]
    (wecom,) = inbox.to("/wecom")
    assert wecom.body["msgtype"] == "markdown"
    content = wecom.body["markdown"]["content"]  # type: ignore[index]
    assert "2026-10-01" in content and len(content.encode()) <= 4096
    (ding,) = inbox.to("/ding")
    query = parse_qs(urlsplit(ding.path).query)
    assert query["access_token"] == [DING_TOKEN] and query["timestamp"] and query["sign"]
    (hook,) = inbox.to("/hook")
    assert hook.body["kind"] == "reports" and hook.body["unit"] == "区财政局"
    assert len(sent) == 4

    # The robots' keys never reach the data directory (sent-log, journal) in any form.
    for path in data.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            assert WECOM_KEY not in text and DING_TOKEN not in text and DING_SECRET not in text, path


def test_a_robot_that_fails_is_retried_later_and_the_others_still_go(
    unreported: Store, receivers: tuple[Mailbox, int, Inbox, int]
) -> None:
    box, smtp_port, inbox, http_port = receivers
    inbox.answers["/ding"] = (200, {"errcode": 130101, "errmsg": "send too fast"})
    settings = settings_for(smtp_port, http_port, max_attempts=2)
    schedule_pass(unreported, settings, WorkCalendar(), NOW)
    result = deliver_pass(unreported, settings, lambda: NOW, limiter_for(settings))
    assert (result.sent, result.failed) == (3, 1)
    (ding,) = [n for n in unreported.all("notice") if n["channel"] == "dingtalk"]
    assert ding["status"] == "pending" and ding["attempts"] == 1 and "130101" in str(ding["error"])
    assert str(ding["next_try"]) > NOW.isoformat()  # backed off, not tried again at once
    assert deliver_pass(unreported, settings, lambda: NOW, limiter_for(settings)).failed == 0

    later = datetime(2026, 11, 26, 9, 40, tzinfo=DISTRICT_TZ)
    assert deliver_pass(unreported, settings, lambda: later, limiter_for(settings)).failed == 1
    ding = unreported.get("notice", str(ding["number"])) or {}
    assert ding["status"] == "failed" and ding["attempts"] == 2
    assert DING_TOKEN not in str(ding["error"]) and DING_SECRET not in str(ding["error"])
    assert len(box.messages) == 1 and len(inbox.to("/wecom")) == 1


def _admin(app: object) -> Client:
    c = Client(app, base_url="http://testserver")
    r = c.post("/app/login", data={"username": "admin", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303
    c.csrf = str(c.get("/app/admin/notifications").text.split('name="csrf" value="')[1].split('"')[0])
    return c


def test_the_admin_page_lists_failures_with_reasons_and_retries_them_and_hides_keys(
    unreported: Store, receivers: tuple[Mailbox, int, Inbox, int], tmp_path: Path
) -> None:
    box, smtp_port, inbox, http_port = receivers
    inbox.answers["/wecom"] = (500, {"errcode": -1, "errmsg": "down"})
    settings = settings_for(smtp_port, http_port, max_attempts=1)
    app = assemble_app(
        unreported, site_dir=tmp_path / "site", today=lambda: NOW.date(), now=lambda: NOW, notifications=(settings, [])
    )
    with TestClient(app):
        svc = app.state.notify
        assert wait_for(lambda: svc.status.last_delivery is not None)
        admin = _admin(app)
        page = admin.get("/app/admin/notifications?status=failed").text
        assert "HTTP 500" in page and "发送失败" in page
        assert WECOM_KEY not in page and DING_TOKEN not in page and DING_SECRET not in page
        (failed,) = outbox.listing(unreported, "failed")
        inbox.answers.pop("/wecom")
        r = admin.post(
            "/app/admin/notifications/retry",
            data={"csrf": admin.csrf, "number": failed["number"]},
            follow_redirects=False,
        )
        assert r.status_code == 303
        assert wait_for(lambda: len(inbox.to("/wecom")) == 2)
        assert wait_for(lambda: (unreported.get("notice", str(failed["number"])) or {}).get("status") == "sent")
    assert len(box.messages) == 1


def test_a_record_sent_back_reaches_its_unit_by_mail_even_with_the_mail_server_down(
    store: Store, tmp_path: Path
) -> None:
    with http_receiver() as (inbox, http_port):
        set_email(store, "dc", "dongcheng@example.gov.cn", actor="admin")
        # A mail server that is not there (a closed port): the bureau's request must still succeed.
        settings_dc, _ = load_settings(
            {
                "enabled": True,
                "email": {"host": "127.0.0.1", "port": 1, "security": "none", "sender": "xt@example.gov.cn"},
                "robots": [{"unit": "东城街道", "kind": "webhook", "url": f"http://127.0.0.1:{http_port}/dc"}],
            }
        )
        app = assemble_app(
            store,
            site_dir=tmp_path / "site",
            today=lambda: NOW.date(),
            now=lambda: NOW,
            notifications=(settings_dc, []),
        )
        with TestClient(app):
            dc = login(app, "dc")
            saved = dc.post(
                "/api/forms/project",
                json={"action": "submit", "data": _project_data()},
            )
            assert saved.status_code in (200, 201), saved.text
            number = saved.json()["number"]
            fgj = login(app, "fgj")
            r = fgj.post(
                f"/app/records/project/{number}/return", data={"csrf": fgj.csrf, "reason": "投资额<b>有误</b>"}
            )
            assert r.status_code in (200, 303), r.text
            assert store.get("project", number)["status"] == "returned"  # type: ignore[index]
            assert wait_for(lambda: len(inbox.to("/dc")) == 1)
            assert wait_for(lambda: any(n["channel"] == "email" and n["attempts"] for n in store.all("notice")))
        (post,) = inbox.to("/dc")
        assert post.body["kind"] == "returned" and number in str(post.body["title"])
        assert any("投资额<b>有误</b>" in str(line) for line in list(post.body["lines"]))  # type: ignore[call-overload]
        (mail,) = [n for n in store.all("notice") if n["channel"] == "email"]
        assert mail["status"] == "pending" and mail["error"]  # retried later, shown on the admin page


def _project_data() -> dict[str, object]:
    return {
        "name": "东城智能制造产业园",
        "overview": "新建厂房及配套设施。",
        "category": "产业",
        "owner": "XX经开集团",
        "lead_unit": "东城街道",
        "town": "东城街道",
        "plans": ["区年度重大建设项目计划"],
        "focus_reason": "要素保障有难度",
        "investment": "52000.00",
        "milestones": [{"node": "开工", "task": "主体工程开工", "planned": "2027-03-31"}],
        "persons": [{"person": {"name": "王建国", "phone": "13800000001"}, "role": "总负责"}],
        "confidential": False,
    }


def test_nothing_is_sent_or_started_without_settings(store: Store, tmp_path: Path) -> None:
    app = assemble_app(store, site_dir=tmp_path / "site", today=lambda: NOW.date(), now=lambda: NOW)
    with TestClient(app):
        svc = app.state.notify
        assert not svc.active and not svc.status.running
    assert store.all("notice") == []


def test_the_admin_gives_an_account_its_reminder_address(store: Store, tmp_path: Path) -> None:
    app = assemble_app(store, site_dir=tmp_path / "site", today=lambda: NOW.date(), now=lambda: NOW)
    admin = _admin(app)
    page = admin.get("/app/admin/notifications").text
    assert "提醒未启用" in page and "notifications.yml" in page
    r = admin.post("/app/admin/notifications/email", data={"csrf": admin.csrf, "username": "dc", "email": "<b>x</b>"})
    assert r.status_code == 400 and "&lt;b&gt;x&lt;/b&gt;”不是有效的电子邮件地址" in r.text
    assert "email" not in (store.get("user", "dc") or {})
    r = admin.post(
        "/app/admin/notifications/email",
        data={"csrf": admin.csrf, "username": "dc", "email": "dongcheng@example.gov.cn"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and (store.get("user", "dc") or {})["email"] == "dongcheng@example.gov.cn"
    r = admin.post("/app/admin/notifications/run", data={"csrf": admin.csrf})
    assert r.status_code == 400 and "提醒未启用" in r.text and store.all("notice") == []
