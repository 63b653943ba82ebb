"""The reminder rules without the network: settings checks, message limits and escaping, due days, rate limits."""

from __future__ import annotations

import json
from datetime import date

from xietiao.cycle.workdays import WorkCalendar
from xietiao.ledger.items import register_item
from xietiao.notify.messages import WECOM_MARKDOWN_BYTES, md_text, wecom_payload
from xietiao.notify.ratelimit import RateLimiter
from xietiao.notify.reminders import Audience, Reminder, SourceContext
from xietiao.notify.settings import NotifySettings, load_settings
from xietiao.notify.sources import monthly_reports, report_due_day
from xietiao.store.engine import Store


def test_every_settings_problem_is_named_with_key_rule_and_fix_and_sending_stays_off() -> None:
    settings, problems = load_settings(
        {
            "enabled": "yes",
            "send_at": "25:00",
            "email": {"host": "", "security": "ssl", "user": "xt", "sender": "nobody"},
            "robots": [{"unit": "区不存在局", "kind": "slack", "url": "ftp://x"}],
            "colour": "red",
        },
        "notifications.yml",
    )
    keys = {p.key for p in problems}
    assert {
        "notifications.enabled",
        "notifications.send_at",
        "notifications.email.host",
        "notifications.email.security",
        "notifications.email.sender",
        "notifications.email.password",
        "notifications.robots[0].unit",
        "notifications.robots[0].kind",
        "notifications.robots[0].url",
        "notifications.colour",
    } <= keys
    assert all(p.file == "notifications.yml" and p.rule and p.fix for p in problems)
    assert settings == NotifySettings() and not settings.enabled


def test_a_password_can_come_from_the_environment_and_is_never_in_the_repr(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XT_SMTP_PASSWORD", "pa55-word-from-env")
    settings, problems = load_settings(
        {
            "email": {
                "host": "mail.example.gov.cn",
                "security": "tls",
                "user": "xt",
                "password_env": "XT_SMTP_PASSWORD",
                "sender": "xt@example.gov.cn",
            }
        }
    )
    assert problems == [] and settings.email is not None
    assert settings.email.password == "pa55-word-from-env" and settings.email.port == 465
    assert "pa55" not in repr(settings)


def _reminder(lines: tuple[str, ...]) -> Reminder:
    return Reminder("k", "reports", Audience.UNIT, "区财政局", "议定事项月度进展待报送", lines, "/app/")


def test_user_text_cannot_become_markdown_structure_and_wecom_stays_within_its_limit() -> None:
    evil = "[点我](http://evil.example) <font color=red>**紧急**</font> # 标题"
    assert md_text(evil) == "［点我］（http://evil.example） ＜font color=red＞＊＊紧急＊＊＜/font＞ ＃ 标题"
    body = json.loads(wecom_payload(_reminder((evil,)), "https://x.example.gov.cn/app/"))
    content = body["markdown"]["content"]
    assert "](http://evil" not in content and "<font" not in content
    assert "[打开办理页面](https://x.example.gov.cn/app/)" in content
    many = tuple(f"第{i}项：" + "很长的说明" * 20 for i in range(200))
    content = json.loads(wecom_payload(_reminder(many), ""))["markdown"]["content"]
    assert len(content.encode()) <= WECOM_MARKDOWN_BYTES and "另有" in content


def test_reports_are_due_on_the_day_or_the_working_day_before_and_reminded_from_a_window() -> None:
    cal = WorkCalendar()
    assert report_due_day("2026-11", 25, cal) == date(2026, 11, 25)  # a Wednesday
    assert report_due_day("2026-10", 25, cal) == date(2026, 10, 23)  # Sunday 25th: Friday 23rd
    assert report_due_day("2026-10", 3, cal) == date(2026, 9, 30)  # the National Day holiday: before it


def test_the_reports_source_says_due_then_late(store: Store) -> None:
    register_item(
        store,
        "fgj",
        meeting="2026-10",
        project="P-2026-0001",
        content="完成项目用地报批",
        lead_unit="区国资办",  # an alias: the reminder names the official unit
        planned=date(2026, 12, 31),
        created="2026-11-02T10:00:00+08:00",  # registered in November: no October report owed
    )
    settings = NotifySettings(enabled=True, report_day=25, remind_before=3)

    def lines(day: date) -> list[str]:
        found = monthly_reports(SourceContext(store, day, WorkCalendar(), settings))
        assert all(r.unit == "区财政局" for r in found)
        return [line for r in found for line in r.lines]

    assert lines(date(2026, 11, 16)) == []  # before the window: nothing for November yet
    assert any("请于2026年11月25日前报送" in line for line in lines(date(2026, 11, 20)))
    assert any("已于2026年11月25日截止" in line for line in lines(date(2026, 11, 26)))
    assert any("2026年11月进展逾期未报" in line for line in lines(date(2026, 12, 2)))


def test_the_rate_limit_defers_the_twenty_first_message_of_a_minute() -> None:
    clock = [1000.0]
    limiter = RateLimiter({"dingtalk": 20}, clock=lambda: clock[0])
    for _ in range(20):
        assert limiter.wait("dingtalk", "robot-a") == 0
        limiter.took("dingtalk", "robot-a")
        clock[0] += 1
    assert limiter.wait("dingtalk", "robot-a") == 40  # the first of the minute was 20 s ago
    assert limiter.wait("dingtalk", "robot-b") == 0  # another robot has its own minute
    clock[0] += 40
    assert limiter.wait("dingtalk", "robot-a") == 0


def test_an_item_registered_after_the_due_day_is_not_late_for_that_month(store: Store) -> None:
    register_item(
        store,
        "fgj",
        meeting="2026-11",
        project="P-2026-0001",
        content="完成施工图审查",
        lead_unit="东城街道",
        planned=date(2026, 12, 31),
        created="2026-11-26T15:00:00+08:00",  # the day after November's reports were due
    )
    settings = NotifySettings(enabled=True, report_day=25, remind_before=3)
    for day in (date(2026, 11, 27), date(2026, 12, 2)):
        assert monthly_reports(SourceContext(store, day, WorkCalendar(), settings)) == []
    december = monthly_reports(SourceContext(store, date(2026, 12, 22), WorkCalendar(), settings))
    assert [r.unit for r in december] == ["东城街道"] and "请于2026年12月25日前报送" in december[0].lines[0]
