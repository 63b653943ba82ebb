"""The outbox and sent-log: one record per reminder, channel and recipient and day, kept in the store.

The record's number is made from the day, the channel, the recipient and the reminder's key, so
the same reminder cannot be queued twice on one day for one recipient, across restarts too.
A record is pending until sent; a failed attempt is retried with growing pauses and, after the
last attempt, stays failed on the admin page until someone retries it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from xietiao.jsonvalue import Doc
from xietiao.notify.messages import payload_for
from xietiao.notify.recipients import Delivery
from xietiao.notify.reminders import Reminder
from xietiao.store.engine import Store

KIND = "notice"
ACTOR = "system"
# Pause before attempt n+1 after n failures: a minute, five, half an hour, two hours, six, twelve.
BACKOFF = (60, 300, 1800, 7200, 21600, 43200)
ERROR_MAX = 300


class NoticeStatus(str, Enum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"pending": "待发送", "sent": "已发送", "failed": "发送失败"}[self.value]


CHANNEL_LABELS = {"email": "电子邮件", "wecom": "企业微信", "dingtalk": "钉钉", "webhook": "Webhook"}


def notice_number(day: str, delivery: Delivery, reminder_key: str) -> str:
    digest = hashlib.sha256(f"{delivery.channel}|{delivery.target.lower()}|{reminder_key}".encode()).hexdigest()
    return f"N-{day}-{digest[:20]}"


@dataclass(frozen=True)
class Queued:
    added: int  # new records
    repeated: int  # already queued or sent today for that recipient: not again


def enqueue(
    store: Store, pairs: list[tuple[Reminder, Delivery]], *, day: str, now: datetime, app_url: str, origin: str
) -> Queued:
    """Queue each (reminder, delivery) not yet queued today; all of them in one batch."""
    added = repeated = 0
    stamp = now.isoformat(timespec="seconds")
    with store.batch():
        for reminder, delivery in pairs:
            number = notice_number(day, delivery, reminder.key)
            if store.get(KIND, number) is not None:
                repeated += 1
                continue
            doc: Doc = {
                "number": number,
                "day": day,
                "origin": origin,  # "schedule" or "event"
                "kind": reminder.kind,
                "key": reminder.key,
                "audience": reminder.audience.value,
                "unit": reminder.describe(),
                "title": reminder.title,
                "channel": delivery.channel,
                "target": delivery.target,
                "shown": delivery.shown,
                "payload": payload_for(delivery.channel, reminder, app_url, day),
                "status": NoticeStatus.PENDING.value,
                "attempts": 0,
                "next_try": stamp,
                "error": "",
                "sent_at": "",
                "created": stamp,
            }
            store.insert(KIND, doc, actor=ACTOR, action="排队提醒")
            added += 1
    return Queued(added, repeated)


def due(store: Store, now: datetime) -> list[Doc]:
    """Pending notices whose time has come, oldest first."""
    stamp = now.isoformat(timespec="seconds")
    rows = store.all(
        KIND, lambda d: d.get("status") == NoticeStatus.PENDING.value and str(d.get("next_try") or "") <= stamp
    )
    return sorted(rows, key=lambda d: (str(d.get("next_try")), str(d["number"])))


def next_try(store: Store) -> datetime | None:
    """When the earliest pending notice may be tried, if any is pending."""
    times = [
        str(d.get("next_try") or "") for d in store.all(KIND, lambda d: d.get("status") == NoticeStatus.PENDING.value)
    ]
    return datetime.fromisoformat(min(times)) if times else None


def _attempts(d: Doc) -> int:
    value = d.get("attempts")
    return value if isinstance(value, int) else 0


def claim(store: Store, number: str, now: datetime) -> None:
    """Before sending: count the attempt and set the next one, durably.

    If the send then succeeds but its result cannot be recorded (a crash, a full disk), the
    notice is tried again only after this pause, never in a tight loop; and if even this write
    fails, nothing is sent.
    """

    def change(d: Doc) -> None:
        attempts = _attempts(d) + 1
        pause = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
        d.update(attempts=attempts, next_try=(now + timedelta(seconds=pause)).isoformat(timespec="seconds"))

    store.update(KIND, number, change, actor=ACTOR, action="发送提醒")


def mark_sent(store: Store, number: str, now: datetime) -> None:
    stamp = now.isoformat(timespec="seconds")
    store.update(
        KIND,
        number,
        lambda d: d.update(status=NoticeStatus.SENT.value, sent_at=stamp, error=""),
        actor=ACTOR,
        action="提醒已发送",
    )


def mark_failed(store: Store, number: str, error: str, max_attempts: int) -> Doc:
    """The claimed attempt failed: tried again at the time the claim set, or given up after `max_attempts`."""

    def change(d: Doc) -> None:
        last = _attempts(d) >= max_attempts
        d.update(error=error[:ERROR_MAX], status=(NoticeStatus.FAILED if last else NoticeStatus.PENDING).value)
        if last:
            d["next_try"] = ""

    return store.update(KIND, number, change, actor=ACTOR, action="提醒发送失败")


def defer(store: Store, number: str, until: datetime) -> None:
    """Not tried now (the channel's rate limit): moved later without counting an attempt."""
    store.update(
        KIND, number, lambda d: d.update(next_try=until.isoformat(timespec="seconds")), actor=ACTOR, action="提醒延后"
    )


def retry(store: Store, number: str, now: datetime, *, actor: str) -> Doc:
    """An admin sends a failed notice again: it starts over with a fresh count of attempts."""
    doc = store.get(KIND, number)
    if doc is None or doc.get("status") != NoticeStatus.FAILED.value:
        raise ValueError("只有“发送失败”的提醒可以重试。")
    stamp = now.isoformat(timespec="seconds")
    return store.update(
        KIND,
        number,
        lambda d: d.update(status=NoticeStatus.PENDING.value, attempts=0, next_try=stamp),
        actor=actor,
        action="重试提醒",
    )


def listing(store: Store, status: str = "", limit: int = 300) -> list[Doc]:
    """Notices for the admin page, newest first; the payload (message text) left out."""
    keys: list[tuple[str, str]] = []

    def look(d: Doc) -> bool:  # read in place: a year of notices is not copied to show a page of them
        if not status or d.get("status") == status:
            keys.append((str(d.get("updated") or d.get("created")), str(d["number"])))
        return False

    store.all(KIND, look)
    rows = [store.get(KIND, number) for _, number in sorted(keys, reverse=True)[:limit]]
    out = [d for d in rows if d is not None]
    for d in out:
        d.pop("payload", None)
    return out


def counts(store: Store) -> dict[str, int]:
    out = {s.value: 0 for s in NoticeStatus}

    def look(d: Doc) -> bool:
        status = str(d.get("status"))
        out[status] = out.get(status, 0) + 1
        return False

    store.all(KIND, look)
    return out
