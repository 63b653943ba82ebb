"""Demo agreed items: lead and coordinating units, deadlines, and when each is reported and closed."""

from __future__ import annotations

from datetime import date

from xietiao.demo import names as words
from xietiao.demo.context import _DELAYS, _OFFSETS, _STUCK_DELAY, BUREAU_USER, Context, Template
from xietiao.demo.records import DAY, DemoItem, DemoProject, between, iso
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.ledger.colours import Colour, colour
from xietiao.model import item_number
from xietiao.profile import current


def resolve(unit: str, project: DemoProject) -> str:
    return project.lead if unit == words.LEAD else project.town if unit == words.TOWN else unit


def deadline(ctx: Context, day: date, health: Colour) -> date:
    """A planned node the way minutes set them: the 15th or the end of a month."""
    # Projects already in trouble get short deadlines, which they then tend to miss.
    target = day + DAY * ctx.rng.choice(_OFFSETS[:4] if health is Colour.RED else _OFFSETS)
    mid = target.replace(day=15)
    return mid if target <= mid else (target.replace(day=28) + DAY * 4).replace(day=1) - DAY


def settle(ctx: Context, health: Colour, held: date, planned: date) -> tuple[date | None, date | None, date | None]:
    """When the unit solved it, asked to close it, and the bureau closed it; None if not yet."""
    rng, today = ctx.rng, ctx.today
    stuck, usual = _DELAYS[health]
    delay = rng.randint(*(_STUCK_DELAY if rng.random() < stuck else usual))
    fate = _after(ctx, max(planned + DAY * delay, held + DAY * 7), force_close=False)
    if fate[2] is None and colour(planned, None, today, thresholds=current().colours).severity > health.severity:
        # The project must show `health` today, so this item was solved and closed in time.
        lo = max(held + DAY * 7, planned - DAY * 10)
        fate = _after(ctx, between(rng, min(lo, today - DAY * 4), today - DAY * 4), force_close=True)
    return fate


def _after(ctx: Context, done: date, *, force_close: bool) -> tuple[date | None, date | None, date | None]:
    requested = done + DAY * ctx.rng.randint(0, 3)
    if requested > ctx.today:
        return None, None, None
    closed = ctx.add_workdays(requested, ctx.rng.randint(1, 5))
    if force_close:
        closed = min(closed, ctx.today)
    return done, requested, closed if closed <= ctx.today else None


def agreed_item(
    ctx: Context, project: DemoProject, meeting: str, order: int, held: date, template: Template
) -> DemoItem:
    kind, lead_spec, co_spec, body = template
    lead = resolve(lead_spec, project)
    co = list(dict.fromkeys(u for u in (resolve(c, project) for c in co_spec) if u != lead))
    planned = deadline(ctx, held, project.health)
    finished, requested, closed = settle(ctx, project.health, held, planned)
    registered = ctx.add_workdays(held, 1)
    doc: Doc = {
        "number": item_number(meeting, order),
        "meeting": meeting,
        "project": project.number,
        "issue": "",
        "content": words.item_content(ctx.rng, body, lead, co, planned),
        "lead_unit": lead,
        "co_units": list[JSONValue](co),
        "person": ctx.contact(lead),
        "planned": planned.isoformat(),
        "status": "closed" if closed else "closure_requested" if requested else "registered",
        "done": finished.isoformat() if closed and finished else None,
        "closed_reason": ctx.rng.choices(words.CLOSED_REASONS, (6, 3, 1))[0] if closed else "",
        "reopened_from": "",
        "created": iso(registered, 11, order),
    }
    if closed:
        doc.update(closed_at=closed.isoformat(), closed_by=BUREAU_USER)
    return DemoItem(doc, kind, project, registered, planned, finished, requested, closed)
