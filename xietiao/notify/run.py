"""One scheduled pass (find reminders, queue them once a day each) and one delivery pass (send what is due).

The server's scheduler calls these from a worker thread; tests and the admin page call them
directly. Today and now are parameters. Nothing here raises for a failed send: the outbox keeps
the reason and the time of the next attempt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from xietiao.cycle.workdays import WorkCalendar
from xietiao.jsonvalue import Doc
from xietiao.notify import outbox
from xietiao.notify.channels import SendFailed, send_notice
from xietiao.notify.events import EVENT_SOURCES, EventSource, event_reminders
from xietiao.notify.ratelimit import RateLimiter
from xietiao.notify.recipients import Delivery, deliveries
from xietiao.notify.reminders import Collected, Reminder, Source, SourceContext, collect
from xietiao.notify.settings import NotifySettings
from xietiao.notify.sources import DAILY_SOURCES
from xietiao.store.engine import Store

LAST_RUN = "notify-last-run"  # a "setting" record: the day of the last scheduled pass
PASS_MAX = 200  # notices sent in one delivery pass; the rest go in the next one, moments later


@dataclass(frozen=True)
class PassResult:
    reminders: int
    queued: int
    repeated: int
    unreachable: list[str]  # reminders with no address or robot for their audience
    failures: list[str]  # sources that raised


def _pairs(
    store: Store, settings: NotifySettings, found: Collected
) -> tuple[list[tuple[Reminder, Delivery]], list[str]]:
    pairs: list[tuple[Reminder, Delivery]] = []
    unreachable: list[str] = []
    for reminder in found.reminders:
        targets = deliveries(store, settings, reminder)
        if not targets:
            unreachable.append(f"{reminder.describe()}：{reminder.title}")
        pairs += [(reminder, d) for d in targets]
    return pairs, unreachable


def _queue(store: Store, settings: NotifySettings, found: Collected, now: datetime, origin: str) -> PassResult:
    pairs, unreachable = _pairs(store, settings, found)
    queued = outbox.enqueue(store, pairs, day=now.date().isoformat(), now=now, app_url=settings.app_url, origin=origin)
    return PassResult(len(found.reminders), queued.added, queued.repeated, unreachable, found.failures)


def schedule_pass(
    store: Store,
    settings: NotifySettings,
    calendar: WorkCalendar,
    now: datetime,
    sources: Iterable[Source] = DAILY_SOURCES,
) -> PassResult:
    """Find today's reminders and queue each for each recipient, unless already queued today."""
    found = collect(SourceContext(store, now.date(), calendar, settings), sources)
    result = _queue(store, settings, found, now, "schedule")
    _record_run(store, now)
    return result


def event_pass(
    store: Store,
    settings: NotifySettings,
    rows: list[Doc],
    now: datetime,
    sources: Iterable[EventSource] = EVENT_SOURCES,
) -> PassResult:
    return _queue(store, settings, event_reminders(store, rows, sources), now, "event")


def _record_run(store: Store, now: datetime) -> None:
    value = {"day": now.date().isoformat(), "at": now.isoformat(timespec="seconds")}
    with store.batch():
        if store.get("setting", LAST_RUN) is None:
            store.insert("setting", {"number": LAST_RUN, **value}, actor="system", action="定时提醒")
        else:
            store.update("setting", LAST_RUN, lambda d: d.update(value), actor="system", action="定时提醒")


def last_run(store: Store) -> tuple[str, str]:
    """(day, time) of the last scheduled pass, or ("", "")."""
    doc = store.get("setting", LAST_RUN)
    return (str(doc.get("day") or ""), str(doc.get("at") or "")) if doc else ("", "")


def schedule_due(store: Store, settings: NotifySettings, calendar: WorkCalendar, now: datetime) -> bool:
    """A working day, past the sending time, and no scheduled pass yet today (a restart catches up)."""
    today = now.date()
    return calendar.is_workday(today) and now.time() >= settings.send_at and last_run(store)[0] != today.isoformat()


def next_schedule(store: Store, settings: NotifySettings, calendar: WorkCalendar, now: datetime) -> datetime:
    """When the next scheduled pass is due (now, if it is overdue)."""
    if schedule_due(store, settings, calendar, now):
        return now
    day: date = now.date()
    done_today = last_run(store)[0] == day.isoformat() or now.time() >= settings.send_at
    if done_today or not calendar.is_workday(day):
        day += timedelta(days=1)
        for _ in range(40):  # the longest run of days off is the Spring Festival week
            if calendar.is_workday(day):
                break
            day += timedelta(days=1)
    return datetime.combine(day, settings.send_at, tzinfo=now.tzinfo)


@dataclass
class DeliveryResult:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)


Sender = Callable[[NotifySettings, Doc], None]


def deliver_pass(
    store: Store,
    settings: NotifySettings,
    now: Callable[[], datetime],
    limiter: RateLimiter,
    send: Sender = send_notice,
) -> DeliveryResult:
    """Send every pending notice that is due, within the rate limits; record each outcome."""
    result = DeliveryResult()
    for notice in outbox.due(store, now())[:PASS_MAX]:
        channel, target = str(notice["channel"]), str(notice["target"])
        destination = "server" if channel == "email" else target
        wait = limiter.wait(channel, destination)
        if wait > 0:
            outbox.defer(store, str(notice["number"]), now() + timedelta(seconds=wait))
            result.deferred += 1
            continue
        limiter.took(channel, destination)
        outbox.claim(store, str(notice["number"]), now())
        try:
            send(settings, notice)
        except SendFailed as exc:
            outbox.mark_failed(store, str(notice["number"]), str(exc), settings.max_attempts)
            result.failed += 1
            result.errors.append(str(exc))
            continue
        outbox.mark_sent(store, str(notice["number"]), now())
        result.sent += 1
    return result


def limiter_for(settings: NotifySettings) -> RateLimiter:
    robots = settings.robot_per_minute
    return RateLimiter({"email": settings.email_per_minute, "wecom": robots, "dingtalk": robots, "webhook": robots})
