"""Sending one queued notice: SMTP for e-mail, HTTP POST for the WeCom, DingTalk and generic robots.

Every failure becomes a SendFailed whose message is safe to store and show: the robots' keys,
the signing secret and the mail password are cut out of it, whatever the library said.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import quote_plus

from xietiao.jsonvalue import Doc
from xietiao.notify.settings import NotifySettings, Robot, RobotKind, Security, SmtpSettings

HTTP_TIMEOUT = 15.0
RESPONSE_MAX = 64 * 1024


class SendFailed(Exception):
    """The notice was not delivered; the message says why, with every secret removed."""


def redact(text: str, secrets: list[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def send_email(smtp: SmtpSettings, to: str, subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["From"] = smtp.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=smtp.sender.rpartition("@")[2].strip("> ") or None)
    msg.set_content(body)
    context = ssl.create_default_context()
    if smtp.security is Security.TLS:
        client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    with client:
        if smtp.security is Security.STARTTLS:
            client.starttls(context=context)
        if smtp.user:
            client.login(smtp.user, smtp.password)
        refused = client.send_message(msg)
    if refused:
        raise SendFailed(f"邮件服务器拒收：{refused}")


def dingtalk_url(robot: Robot, now: float) -> str:
    """A signed robot's address: the timestamp and HMAC-SHA256 signature DingTalk checks (加签)."""
    if not robot.secret:
        return robot.url
    stamp = str(int(now * 1000))
    digest = hmac.new(robot.secret.encode(), f"{stamp}\n{robot.secret}".encode(), hashlib.sha256).digest()
    sign = quote_plus(base64.b64encode(digest).decode())
    joiner = "&" if "?" in robot.url else "?"
    return f"{robot.url}{joiner}timestamp={stamp}&sign={sign}"


def _opener(proxy: str) -> urllib.request.OpenerDirector:
    # Proxies come from the settings only: an environment variable must not send a robot's key elsewhere.
    proxies = {"http": proxy, "https": proxy} if proxy else {}
    return urllib.request.build_opener(urllib.request.ProxyHandler(proxies))


def post_robot(robot: Robot, payload: bytes, proxy: str = "") -> None:
    url = dingtalk_url(robot, time.time()) if robot.kind is RobotKind.DINGTALK else robot.url
    request = urllib.request.Request(
        url, data=payload, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    with _opener(proxy).open(request, timeout=HTTP_TIMEOUT) as response:
        status = int(response.status)
        raw = response.read(RESPONSE_MAX)
    if not 200 <= status < 300:
        raise SendFailed(f"接收方返回 HTTP {status}")
    if robot.kind is RobotKind.WEBHOOK:
        return
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SendFailed("机器人的回答不是 JSON") from None
    code = answer.get("errcode") if isinstance(answer, dict) else None
    if code != 0:
        message = str(answer.get("errmsg") if isinstance(answer, dict) else answer)[:200]
        raise SendFailed(f"机器人拒收（errcode {code}：{message}）")


def send_notice(settings: NotifySettings, notice: Doc) -> None:
    """Deliver one notice as queued; raise SendFailed with a safe reason if it did not go."""
    channel = str(notice.get("channel"))
    payload = str(notice.get("payload") or "")
    try:
        if channel == "email":
            if settings.email is None:
                raise SendFailed("未配置邮件服务器（notifications.email）")
            mail = json.loads(payload)
            send_email(settings.email, str(notice["target"]), str(mail["subject"]), str(mail["body"]))
            return
        robot = next((r for r in settings.robots if r.ident == notice.get("target")), None)
        if robot is None:
            raise SendFailed("这个机器人已不在设置中（notifications.robots）")
        post_robot(robot, payload.encode("utf-8"), settings.proxy)
    except SendFailed as exc:
        raise SendFailed(redact(str(exc), settings.secrets())) from None
    except urllib.error.HTTPError as exc:
        raise SendFailed(redact(f"接收方返回 HTTP {exc.code}", settings.secrets())) from None
    except Exception as exc:  # any failure of one send is that notice's, retried later; never the pass's
        raise SendFailed(redact(f"{type(exc).__name__}: {exc}", settings.secrets())) from None
