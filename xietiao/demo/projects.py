"""Demo projects: names, owners, investment, and milestones planned so that each lands in its intended colour."""

from __future__ import annotations

from datetime import date

from xietiao.demo import names as words
from xietiao.demo.context import Context
from xietiao.demo.records import DAY, DemoProject, Scale, between, iso
from xietiao.jsonvalue import Doc
from xietiao.ledger.colours import Colour, colour
from xietiao.profile import current
from xietiao.units import town_names

PENDING = ("submitted", "returned", "draft")  # recent projects still under review
HEALTH_SHARE = {Colour.RED: 0.18, Colour.YELLOW: 0.27}
STUCK_DAYS = {Colour.YELLOW: (35, 85), Colour.RED: (100, 300)}  # how late the stuck milestone is today


def make_projects(ctx: Context, size: Scale, first: date) -> list[DemoProject]:
    """Projects in registration order, each with the colour it must show today."""
    rng, today = ctx.rng, ctx.today
    count = size.projects - len(PENDING) - 2
    before = round(count * size.before)
    days = [between(rng, first - DAY * 300, first - DAY * 14) for _ in range(before)]
    days += [between(rng, first - DAY * 13, today - DAY * 21) for _ in range(count - before)]
    healths = [c for c, share in HEALTH_SHARE.items() for _ in range(round(count * share))]
    healths += [Colour.GREEN] * (count - len(healths))
    rng.shuffle(healths)
    plan = [(day, health, 0, "accepted") for day, health in zip(days, healths, strict=False)]
    secret_day = max(first - DAY * 200, today - DAY * 420)
    plan += [(secret_day, Colour.GREEN, 1, "accepted"), (secret_day + DAY, Colour.YELLOW, 2, "accepted")]
    plan += [(today - DAY * rng.randint(1, 9), Colour.GREEN, 0, status) for status in PENDING]
    plan.sort(key=lambda row: row[0])
    towns = list(town_names())
    rng.shuffle(towns)
    used: set[str] = set()
    return [
        _project(ctx, day, health, towns[i % len(towns)], secret, status, used)
        for i, (day, health, secret, status) in enumerate(plan)
    ]


def _project(
    ctx: Context, day: date, health: Colour, town: str, secret: int, status: str, used: set[str]
) -> DemoProject:
    rng = ctx.rng
    category = "产业" if secret else rng.choices(words.CATEGORIES, words.CATEGORY_WEIGHTS)[0]
    lead = rng.choice(words.CATEGORY_LEADS[category])
    lead = town if lead == words.TOWN else lead
    rows, pairs, health = _milestones(ctx, category, day, health)
    money = rng.randrange(500, 50000) * 10
    data: Doc = {
        "name": f"“{words.SECRET_MARKER}{'一二'[secret - 1]}号”专项工程"
        if secret
        else words.project_name(rng, category, town, used),
        "overview": f"{words.SECRET_MARKER}专项配套工程，具体内容按涉密规定管理。"
        if secret
        else words.overview(rng, category, town),
        "category": category,
        "owner": words.owner(rng, category, lead),
        "lead_unit": lead,
        "town": town,
        "plans": [p for p in words.PLANS if rng.random() < 0.35] or [words.PLANS[1]],
        "focus_reason": rng.choices(words.FOCUS, words.FOCUS_WEIGHTS)[0],
        "investment": f"{money:.2f}",
        "year_investment": f"{money * rng.randint(10, 40) // 100:.2f}",
        "milestones": rows,  # type: ignore[dict-item]
        "persons": [
            {"person": words.person(rng), "role": "项目负责人"},
            {"person": words.person(rng), "role": "联络员"},
        ],
        "confidential": bool(secret),
    }
    if rng.random() < 0.3:
        data["focus_note"] = rng.choice(words.FOCUS_NOTES)
    reason = words.RETURN_REASONS[1] if status == "returned" else ""
    doc = ctx.form(
        "project",
        lead,
        data,
        iso(day, 10, rng.randrange(60)),
        status=status,
        reason=reason,
        decided=day if status == "returned" else None,
        confidential=bool(secret),
    )
    doc["number"] = number = ctx.number("P", day.year)
    accepted = doc["status"] == "accepted"
    return DemoProject(
        number, doc, day, health if accepted else Colour.GREEN, pairs, lead, town, accepted, bool(secret)
    )


def _milestones(
    ctx: Context, category: str, start: date, health: Colour
) -> tuple[list[Doc], list[tuple[date, date | None]], Colour]:
    """Planned nodes from registration on; a yellow or red project is stuck at one of them today."""
    rng, today = ctx.rng, ctx.today
    nodes = ("前期工作", "开工", "竣工", "投产运营" if category in ("产业", "能源") else "其他")
    planned: list[date] = []
    for lo, hi in ((60, 240), (60, 240), (300, 900), (30, 180)):
        planned.append((planned[-1] if planned else start) + DAY * rng.randint(lo, hi))
    stuck = None
    room = (today - start).days - 40  # a stuck node is planned after registration
    if health is Colour.RED and room < STUCK_DAYS[Colour.RED][0]:
        health = Colour.YELLOW
    if health is Colour.YELLOW and room < STUCK_DAYS[Colour.YELLOW][0]:
        health = Colour.GREEN
    if health is not Colour.GREEN:
        lo, hi = STUCK_DAYS[health]
        target = today - DAY * rng.randint(lo, min(hi, room))
        stuck = next((i for i, p in enumerate(planned) if p > target), len(planned) - 1)
        planned[stuck:] = [p + (target - planned[stuck]) for p in planned[stuck:]]
    dones = _dones(ctx, planned, stuck, health)
    rows: list[Doc] = []
    for node, day, done in zip(nodes, planned, dones, strict=False):
        row: Doc = {"node": node, "task": rng.choice(words.MILESTONE_TASKS[node]), "planned": day.isoformat()}
        if done is not None:
            row["done"] = done.isoformat()
        rows.append(row)
    return rows, list(zip(planned, dones, strict=False)), health


def _dones(ctx: Context, planned: list[date], stuck: int | None, health: Colour) -> list[date | None]:
    rng, today = ctx.rng, ctx.today
    out: list[date | None] = []
    for index, day in enumerate(planned):
        previous = out[-1] if out else None
        if (stuck is not None and index >= stuck) or (out and previous is None):
            out.append(None)  # nodes come in order: nothing after an unfinished one is done
            continue
        done: date | None = day + DAY * rng.randint(-30, 60)
        if previous is not None:
            done = max(done, previous + DAY * 7)  # type: ignore[type-var]
        if done > today:  # type: ignore[operator]
            done = None
            if colour(day, None, today, thresholds=current().colours).severity > health.severity:
                lo = max(day - DAY * 10, previous + DAY * 7 if previous else day)
                done = between(rng, min(lo, today - DAY), today - DAY)
        out.append(done)
    return out


# -- colours over time --------------------------------------------------------
