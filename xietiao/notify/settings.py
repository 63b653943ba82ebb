"""The `notifications:` settings: mail server, chat robots, schedule and limits, checked with every problem named."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from enum import Enum
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from xietiao.forms.definitions import Problem
from xietiao.units import unit_by_name

SETTINGS_FILE = "notifications.yml"
SECTION = "notifications"


class Security(str, Enum):
    TLS = "tls"  # implicit TLS, usually port 465
    STARTTLS = "starttls"  # plain connection upgraded, usually port 587 or 25
    NONE = "none"  # only for a relay on the same machine or a test server


class RobotKind(str, Enum):
    WECOM = "wecom"  # 企业微信群机器人
    DINGTALK = "dingtalk"  # 钉钉群机器人（含浙政钉等专有部署）
    WEBHOOK = "webhook"  # any receiver that takes our JSON

    @property
    def label(self) -> str:
        return {"wecom": "企业微信群机器人", "dingtalk": "钉钉群机器人", "webhook": "通用 Webhook"}[self.value]


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: Security
    sender: str
    user: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 20.0


@dataclass(frozen=True)
class Robot:
    unit: str  # the unit's official name; its reminders go to this robot's group
    kind: RobotKind
    url: str = field(repr=False)  # holds the key: never logged, never shown in full
    secret: str = field(default="", repr=False)  # DingTalk's signing secret (加签), if the robot uses one

    @property
    def ident(self) -> str:
        """A stable name for the sent-log that does not reveal the URL."""

        return "robot-" + hashlib.sha256(self.url.encode()).hexdigest()[:12]

    @property
    def shown(self) -> str:
        """What pages may show: the host and the last four characters of the address."""
        host = urlsplit(self.url).hostname or "?"
        return f"{self.kind.label}（{host}，…{self.url[-4:]}）"


@dataclass(frozen=True)
class NotifySettings:
    enabled: bool = False
    app_url: str = ""  # where the reminders link to, e.g. https://xietiao.example.gov.cn/app/
    send_at: time = time(9, 0)  # each working day, district time
    report_day: int = 25  # monthly reports are due by this day of the month (the working day before, on a day off)
    remind_before: int = 3  # working days before that day when the first reminder goes out
    email: SmtpSettings | None = None
    robots: tuple[Robot, ...] = ()
    email_per_minute: int = 30
    robot_per_minute: int = 20  # DingTalk blocks a robot for 10 minutes past 20 a minute; WeCom allows 20
    max_attempts: int = 6
    proxy: str = ""  # an HTTP proxy for the robots, when the intranet reaches them only through one

    @property
    def channels(self) -> list[str]:
        out = ["email"] if self.email else []
        return out + sorted({r.kind.value for r in self.robots})

    def secrets(self) -> list[str]:
        """Every configured value that must never appear in a log or a page."""
        found = [self.email.password] if self.email and self.email.password else []
        for r in self.robots:
            found += [r.url, r.secret, *re.findall(r"(?:key|access_token|token)=([^&]+)", r.url)]
        return [s for s in found if len(s) >= 4]


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def bad(self, key: str, rule: str, fix: str) -> None:
        self.problems.append(Problem(self.file, key, rule, fix))

    def text(self, raw: Mapping[object, object], key: str, where: str, *, default: str = "") -> str:
        value = raw.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str | int) or isinstance(value, bool):
            self.bad(f"{where}.{key}", "应为文字", f"写成一行文字，如 {key}: ...")
            return default
        return str(value).strip()

    def number(self, raw: Mapping[object, object], key: str, where: str, default: int, low: int, high: int) -> int:
        value = raw.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.bad(f"{where}.{key}", f"应为 {low} 到 {high} 之间的整数", f"例如 {key}: {default}")
            return default
        return value

    def secret(self, raw: Mapping[object, object], key: str, where: str) -> str:
        """A secret written in the file, or (better) named by `<key>_env` and read from the environment."""
        env = self.text(raw, f"{key}_env", where)
        if env:
            value = os.environ.get(env, "")
            if not value:
                self.bad(f"{where}.{key}_env", f"环境变量 {env} 未设置或为空", f"在启动服务前设置 {env}，或改用 {key}:")
            return value
        return self.text(raw, key, where)


_KNOWN = {
    "enabled",
    "app_url",
    "send_at",
    "report_day",
    "remind_before",
    "email",
    "robots",
    "email_per_minute",
    "robot_per_minute",
    "max_attempts",
    "proxy",
}


def _email(r: _Reader, raw: object) -> SmtpSettings | None:
    where = f"{SECTION}.email"
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        r.bad(where, "应为一组设置", "写 host、port、security、sender，需要登录时再写 user、password")
        return None
    host = r.text(raw, "host", where)
    if not host:
        r.bad(f"{where}.host", "缺少邮件服务器地址", "例如 host: mail.example.gov.cn")
    sec = r.text(raw, "security", where, default="starttls").lower()
    if sec not in {s.value for s in Security}:
        r.bad(
            f"{where}.security",
            f"不认识“{sec}”",
            "可选 tls（通常 465 端口）、starttls（587 或 25）、none（仅限本机中继）",
        )
        sec = "starttls"
    security = Security(sec)
    port = r.number(raw, "port", where, 465 if security is Security.TLS else 587, 1, 65535)
    sender = r.text(raw, "sender", where)
    if "@" not in sender:
        r.bad(f"{where}.sender", "缺少发件地址", "例如 sender: 协调例会系统 <xietiao@example.gov.cn>")
    user = r.text(raw, "user", where)
    password = r.secret(raw, "password", where)
    if user and not password:
        r.bad(f"{where}.password", "写了 user 但没有密码", "写 password_env: 环境变量名（推荐），或 password:")
    if password and security is Security.NONE:
        r.bad(f"{where}.security", "密码不能在不加密的连接上发送", "改为 tls 或 starttls")
    return SmtpSettings(host, port, security, sender, user, password)


def _robots(r: _Reader, raw: object) -> tuple[Robot, ...]:
    where = f"{SECTION}.robots"
    if raw is None:
        return ()
    if not isinstance(raw, list):
        r.bad(where, "应为列表", "每个机器人一项：unit、kind、url（钉钉加签时再写 secret）")
        return ()
    out: list[Robot] = []
    for i, row in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(row, Mapping):
            r.bad(at, "应为一组设置", "写 unit、kind、url")
            continue
        name = r.text(row, "unit", at)
        unit = unit_by_name(name) if name else None
        if unit is None:
            r.bad(f"{at}.unit", f"没有名为“{name}”的单位", "写单位的正式名称或常用简称，如 区财政局")
        kind = r.text(row, "kind", at).lower()
        if kind not in {k.value for k in RobotKind}:
            r.bad(f"{at}.kind", f"不认识“{kind}”", "可选 wecom（企业微信）、dingtalk（钉钉）、webhook（通用）")
        url = r.secret(row, "url", at)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            r.bad(f"{at}.url", "不是有效的 http(s) 地址", "粘贴机器人设置页给出的完整 Webhook 地址，或写 url_env")
        secret = r.secret(row, "secret", at)
        if unit is not None and kind in {k.value for k in RobotKind} and url:
            out.append(Robot(unit.name, RobotKind(kind), url, secret))
    return tuple(out)


def _send_at(r: _Reader, raw: Mapping[object, object]) -> time:
    value = raw.get("send_at", "09:00")
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return time(value // 60, value % 60)  # YAML 1.1 reads 9:00 as a number of minutes
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", str(value).strip())
    if m and int(m[1]) < 24 and int(m[2]) < 60:
        return time(int(m[1]), int(m[2]))
    r.bad(f"{SECTION}.send_at", f"“{value}”不是时刻", '写成 "09:00"（每个工作日的发送时间，北京时间）')
    return time(9, 0)


def load_settings(raw: object, file: str = SETTINGS_FILE) -> tuple[NotifySettings, list[Problem]]:
    """Settings from the `notifications:` mapping, and every problem found (file, key, rule, fix).

    With problems, the settings returned are the defaults with sending off: nothing goes out on a
    half-read configuration.
    """
    r = _Reader(file)
    if raw is None:
        return NotifySettings(), []
    if not isinstance(raw, Mapping):
        r.bad(SECTION, "应为一组设置", "见 README 的“提醒”一节中的示例")
        return NotifySettings(), r.problems
    for key in raw:
        if key not in _KNOWN:
            r.bad(f"{SECTION}.{key}", "不认识这个设置", "可用：" + "、".join(sorted(_KNOWN)))
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        r.bad(f"{SECTION}.enabled", "应为 true 或 false", "enabled: true")
        enabled = False
    app_url = r.text(raw, "app_url", SECTION)
    if app_url and urlsplit(app_url).scheme not in ("http", "https"):
        r.bad(f"{SECTION}.app_url", "不是 http(s) 地址", "写办公页面的完整地址，如 https://xietiao.example.gov.cn/app/")
    settings = NotifySettings(
        enabled=enabled,
        app_url=app_url,
        send_at=_send_at(r, raw),
        report_day=r.number(raw, "report_day", SECTION, 25, 1, 28),
        remind_before=r.number(raw, "remind_before", SECTION, 3, 0, 10),
        email=_email(r, raw.get("email")),
        robots=_robots(r, raw.get("robots")),
        email_per_minute=r.number(raw, "email_per_minute", SECTION, 30, 1, 600),
        robot_per_minute=r.number(raw, "robot_per_minute", SECTION, 20, 1, 20),
        max_attempts=r.number(raw, "max_attempts", SECTION, 6, 1, 20),
        proxy=r.text(raw, "proxy", SECTION),
    )
    if r.problems:
        return NotifySettings(), r.problems
    return settings, []


def read_settings_file(path: Path) -> tuple[NotifySettings, list[Problem]]:
    """The optional settings file: absent means no reminders are sent, which is not a problem."""
    if not path.exists():
        return NotifySettings(), []
    try:
        doc = yaml.safe_load(path.read_text("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return NotifySettings(), [Problem(path.name, "(整个文件)", f"不是有效的 YAML（{exc}）", "检查缩进和冒号")]
    if isinstance(doc, Mapping) and SECTION in doc:
        doc = doc[SECTION]
    return load_settings(doc, path.name)


def settings_path(data_dir: Path) -> Path:
    """notifications.yml beside the data directory (not inside it: it is configuration, not records)."""
    return Path(data_dir).absolute().parent / SETTINGS_FILE
