"""Each channel's message for a reminder: e-mail text, WeCom and DingTalk markdown, our JSON; within each one's limits.

User text (project names, return reasons) is data: in markdown its special characters become
their full-width twins, so nothing a unit typed can become a link, a heading or a coloured tag.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from xietiao.notify.reminders import Reminder

BRAND = "【协调例会提醒】"
WECOM_MARKDOWN_BYTES = 4096  # the robot refuses longer content
DINGTALK_MARKDOWN_BYTES = 4096  # documented limit is larger; one screen is what a reader takes in
WEBHOOK_BYTES = 64 * 1024
_FULL_WIDTH = str.maketrans(
    {
        "*": "＊",
        "_": "＿",
        "[": "［",
        "]": "］",
        "(": "（",
        ")": "）",
        "`": "｀",
        "#": "＃",
        "<": "＜",
        ">": "＞",
        "~": "～",
        "|": "｜",
        "!": "！",
        "\\": "＼",
        "\r": " ",
        "\n": " ",
    }
)


def md_text(text: str) -> str:
    """Plain text that no markdown renderer turns into structure."""
    return text.translate(_FULL_WIDTH)


def link_of(reminder: Reminder, app_url: str) -> str:
    """The reminder's page as a full address, or "" when the app's address is not configured."""
    if not app_url:
        return ""
    base = app_url.rstrip("/")
    if base.endswith("/app"):
        base = base[: -len("/app")]
    return base + reminder.link


@dataclass(frozen=True)
class EmailText:
    subject: str
    body: str


def email_text(reminder: Reminder, app_url: str) -> EmailText:
    link = link_of(reminder, app_url)
    lines = [f"{reminder.describe()}：", "", *reminder.lines, ""]
    lines.append(f"办理入口：{link}" if link else "请登录重大项目协调例会系统办理。")
    lines += ["", "（本邮件由系统自动发送，同一事项每天至多提醒一次。）"]
    return EmailText(f"{BRAND}{reminder.title}", "\n".join(lines))


def _fit(head: str, lines: list[str], tail: str, limit: int) -> str:
    """head + as many lines as fit in `limit` UTF-8 bytes + a note of what was left out + tail."""
    out = head
    for i, line in enumerate(lines):
        rest = f"\n> ……另有{len(lines) - i}条，请登录系统查看"
        if len((out + "\n" + line + rest + tail).encode()) > limit:
            return out + rest + tail
        out += "\n" + line
    return out + tail


def _markdown(reminder: Reminder, app_url: str, limit: int) -> str:
    head = f"**{BRAND}{md_text(reminder.title)}**\n> {md_text(reminder.describe())}"
    link = link_of(reminder, app_url)
    tail = f"\n[打开办理页面]({link})" if link else "\n请登录重大项目协调例会系统办理。"
    return _fit(head, [f"> {md_text(line)}" for line in reminder.lines], tail, limit)


def wecom_payload(reminder: Reminder, app_url: str) -> bytes:
    content = _markdown(reminder, app_url, WECOM_MARKDOWN_BYTES)
    return json.dumps({"msgtype": "markdown", "markdown": {"content": content}}, ensure_ascii=False).encode()


def dingtalk_payload(reminder: Reminder, app_url: str) -> bytes:
    text = _markdown(reminder, app_url, DINGTALK_MARKDOWN_BYTES)
    body = {"msgtype": "markdown", "markdown": {"title": f"{BRAND}{reminder.title}", "text": text}}
    return json.dumps(body, ensure_ascii=False).encode()


def webhook_payload(reminder: Reminder, app_url: str, day: str) -> bytes:
    lines = list(reminder.lines)
    while True:
        body = {
            "source": "xietiao",
            "day": day,
            "kind": reminder.kind,
            "key": reminder.key,
            "audience": reminder.audience.value,
            "unit": reminder.describe(),
            "title": f"{BRAND}{reminder.title}",
            "lines": lines,
            "link": link_of(reminder, app_url),
        }
        data = json.dumps(body, ensure_ascii=False).encode()
        if len(data) <= WEBHOOK_BYTES or not lines:
            return data
        lines = lines[: len(lines) // 2]


def payload_for(channel: str, reminder: Reminder, app_url: str, day: str) -> str:
    """What the outbox keeps and a retry sends again: JSON text for every channel."""
    if channel == "email":
        mail = email_text(reminder, app_url)
        return json.dumps({"subject": mail.subject, "body": mail.body}, ensure_ascii=False)
    if channel == "wecom":
        return wecom_payload(reminder, app_url).decode()
    if channel == "dingtalk":
        return dingtalk_payload(reminder, app_url).decode()
    return webhook_payload(reminder, app_url, day).decode()
