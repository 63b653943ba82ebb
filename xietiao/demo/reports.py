"""Demo follow-up of agreed items: monthly progress reports and closure requests, dated as units would file them."""

from __future__ import annotations

from datetime import date

from xietiao.demo import names as words
from xietiao.demo.context import Context
from xietiao.demo.records import DAY, DemoItem, iso
from xietiao.jsonvalue import Doc


def progress_reports(ctx: Context, item: DemoItem) -> list[Doc]:
    """Monthly reports from the meeting's month until solved; some months go unreported."""
    out: list[Doc] = []
    month = item.registered.replace(day=1)
    while month <= (item.requested or ctx.today).replace(day=1):
        day = _report_day(ctx, item, month)
        if day is not None:
            out.append(_report(ctx, item, month, day))
        month = (month + DAY * 32).replace(day=1)
    if item.doc["status"] == "registered" and any(r["status"] in ("submitted", "accepted") for r in out):
        item.doc["status"] = "in_progress"
    return out


def _report_day(ctx: Context, item: DemoItem, month: date) -> date | None:
    rng, today = ctx.rng, ctx.today
    if item.requested and month == item.requested.replace(day=1):
        return item.requested  # the completion report goes in with the closure request
    current = month == today.replace(day=1)
    if rng.random() >= (0.5 if current else 0.93):
        return None
    lo = max(1 if current else 20, item.registered.day + 1 if month == item.registered.replace(day=1) else 1)
    hi = today.day if current else ((month + DAY * 32).replace(day=1) - DAY).day
    return month.replace(day=rng.randint(lo, hi)) if lo <= hi else None


def _report(ctx: Context, item: DemoItem, month: date, day: date) -> Doc:
    rng = ctx.rng
    finished = item.requested == day
    span = max(1, (item.planned - item.registered).days)
    percent = 100 if finished else min(95, 10 + 85 * (day - item.registered).days // span) // 5 * 5
    trouble = not finished and (day > item.planned or rng.random() < 0.15)
    texts = words.progress_texts(rng, item.kind, percent, trouble)
    data: Doc = {
        "item": item.doc["number"],
        "month": month.isoformat()[:7],
        "status": "已完成" if finished else "存在困难" if trouble else "按计划推进",
        "progress": texts["progress"],
        "next_steps": texts["next_steps"],
        "percent": percent,
    }
    if trouble:
        data["difficulties"] = texts["difficulties"]
    status = "accepted"
    if month == ctx.today.replace(day=1):
        status = rng.choices(("submitted", "accepted", "returned", "draft"), (12, 6, 1, 1))[0]
    reason = words.RETURN_REASONS[0] if status == "returned" else ""
    return ctx.form(
        "progress",
        str(item.doc["lead_unit"]),
        data,
        iso(day, 9 + rng.randrange(9), rng.randrange(60)),
        status=status,
        reason=reason,
        decided=day if status == "returned" else None,
    )


def closure(ctx: Context, item: DemoItem) -> Doc:
    """The lead unit's closure request (销号申请); accepted when the bureau closed the item."""
    assert item.requested is not None and item.finished is not None
    data: Doc = {
        "item": item.doc["number"],
        "solved": words.solved_text(item.kind),
        "done": item.finished.isoformat(),
        "evidence": list(ctx.evidence),
        "contact": item.doc["person"],
    }
    created = iso(item.requested, 15, ctx.rng.randrange(60))
    return ctx.form(
        "closure",
        str(item.doc["lead_unit"]),
        data,
        created,
        status="accepted" if item.closed else "submitted",
        decided=item.closed,
    )
