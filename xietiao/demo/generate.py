"""Demo data: fills an empty data directory with a plausible, deterministic history for every role."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from xietiao.accounts import add_user
from xietiao.cycle.workdays import load_calendar
from xietiao.demo import names as words
from xietiao.demo.context import Context
from xietiao.demo.history import hold_meeting, meeting_days, planned_meeting, upcoming_issues
from xietiao.demo.projects import make_projects
from xietiao.demo.records import DAY, SCALES, DemoItem, DemoProject, Scale, iso
from xietiao.demo.reports import closure, progress_reports
from xietiao.forms.attachments import AttachmentStore
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.ledger.colours import Colour, colour, worst
from xietiao.profile import current, demo_profile
from xietiao.store.engine import Store
from xietiao.units import UnitKind, all_units, bureau_name, government_name, unit_by_name

DEMO_PASSWORD = "xietiao-demo-2026"
SECRET_MARKER = words.SECRET_MARKER
DEFAULT_SEED = 20260101


# Kinds in write order. Those in LATE_NUMBERED are numbered once all exist, in date order.
KINDS = ("project", "issue", "meeting", "material", "item", "progress", "closure", "supervision", "snapshot")
LATE_NUMBERED = {"material": "M", "progress": "R", "closure": "X", "supervision": "S"}


@dataclass(frozen=True)
class DemoSummary:
    scale: str
    today: date
    projects: int
    confidential: int
    issues: int
    meetings: int
    items: int
    reports: int
    materials: int
    closures: int
    supervisions: int
    snapshots: int
    users: int
    logins: tuple[tuple[str, str, str, str], ...]  # (username, password, role, unit)
    secret_marker: str = SECRET_MARKER

    def describe(self) -> str:
        return (
            f"项目{self.projects}个（涉密{self.confidential}个）、例会{self.meetings}次、议题{self.issues}个、"
            f"议定事项{self.items}项、月度进展{self.reports}条、上会材料{self.materials}份、"
            f"销号申请{self.closures}份、督办{self.supervisions}次、三色图快照{self.snapshots}个、账号{self.users}个"
        )


def make_demo(
    store: Store, today: date, scale: str = "demo", *, seed: int = DEFAULT_SEED, accounts: bool = True
) -> DemoSummary:
    """Write the demo into an empty store; the same inputs give the same records.

    accounts=False skips the demo logins (argon2 hashing is most of a small demo's time).
    """
    size = SCALES.get(scale)
    if size is None:
        raise ValueError(f"演示数据规模“{scale}”无效；可选：{'、'.join(SCALES)}。")
    if any(store.count(kind) for kind in (*KINDS, "user")):
        raise ValueError("演示数据只能写入空的数据目录。")
    missing = [u.name for u in demo_profile().all_units if unit_by_name(u.name) is None]
    if missing:
        # The demo's projects, items and sentences name the demo district's units.
        raise ValueError(
            f"演示数据只适用于演示区的区情配置；当前配置缺少 {'、'.join(missing[:5])} 等 {len(missing)} 个单位。"
        )
    ctx = Context(random.Random(seed), today, load_calendar(store.root), store)
    # One placeholder PDF serves as every closure's evidence; it is stored where uploads go.
    ref = AttachmentStore(store.root / "attachments").save(
        words.evidence_pdf(), "办结佐证材料（演示）.pdf", {"pdf"}, 1 << 20
    )
    ctx.evidence.append(ref.to_json())  # type: ignore[arg-type]
    with store.batch():  # one flush for everything: all of the demo or none of it
        logins = _accounts(store) if accounts else ()
        docs = _generate(ctx, size)
        _number_late(ctx, docs)
        _early_today(docs, today)
        for kind in KINDS:
            for doc in docs[kind]:
                store.insert(kind, doc, actor="demo", action="演示数据")
    return DemoSummary(
        scale=scale,
        today=today,
        projects=len(docs["project"]),
        confidential=sum(1 for d in docs["project"] if d["confidential"]),
        issues=len(docs["issue"]),
        meetings=len(docs["meeting"]),
        items=len(docs["item"]),
        reports=len(docs["progress"]),
        materials=len(docs["material"]),
        closures=len(docs["closure"]),
        supervisions=len(docs["supervision"]),
        snapshots=len(docs["snapshot"]),
        users=len(logins),
        logins=logins,
    )


def _accounts(store: Store) -> tuple[tuple[str, str, str, str], ...]:
    district = current()
    government, bureau = district.all_units[0], district.all_units[1]
    people = [
        (bureau.login, bureau_name(), "bureau", bureau_name()),
        (government.login, government_name(), "leader", f"{government_name()}分管领导"),
        ("admin", bureau_name(), "admin", "系统管理员"),
    ]
    people += [
        (u.login, u.name, "unit", u.name) for u in all_units() if u.kind not in (UnitKind.GOVERNMENT, UnitKind.BUREAU)
    ]
    for username, unit, role, display in people:
        add_user(store, username, unit, role, DEMO_PASSWORD, actor="demo", display=display)
    return tuple((username, DEMO_PASSWORD, role, unit) for username, unit, role, _ in people)


def _early_today(docs: dict[str, list[Doc]], today: date) -> None:
    """Stamps of today move into the small hours, so the demo shows nothing later than the clock.

    Each time of day is divided by three (18:30 becomes 06:10), which keeps the day's events in order.
    """
    prefix = f"{today.isoformat()}T"

    def fix(value: object) -> object:
        if isinstance(value, str) and value.startswith(prefix) and len(value) >= 19 and value[13] == ":":
            seconds = (int(value[11:13]) * 3600 + int(value[14:16]) * 60 + int(value[17:19])) // 3
            return f"{prefix}{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{value[19:]}"
        if isinstance(value, dict):
            for key in value:
                value[key] = fix(value[key])
        elif isinstance(value, list):
            value[:] = [fix(v) for v in value]
        return value

    for kind_docs in docs.values():
        for doc in kind_docs:
            fix(doc)


def _generate(ctx: Context, size: Scale) -> dict[str, list[Doc]]:
    docs: dict[str, list[Doc]] = {kind: [] for kind in KINDS}
    days, next_day = meeting_days(ctx, size.meetings)
    projects = make_projects(ctx, size, days[0])
    docs["project"] = [p.doc for p in projects]
    secret = [p for p in projects if p.confidential]
    # Each confidential project comes to a meeting, so there is confidential material to keep off the site.
    must = {len(days) - 3: secret[0], len(days) - 8: secret[1]}
    items: list[DemoItem] = []
    for index, (day, count) in enumerate(zip(days, _items_per_meeting(ctx.rng, size), strict=False)):
        hold_meeting(ctx, docs, items, day, days[index - 1] if index else None, count, projects, must.get(index))
    upcoming = planned_meeting(ctx, next_day, str(docs["meeting"][-1]["steps"]["published"]))  # type: ignore[call-overload, index]
    docs["meeting"].append(upcoming)
    since = ctx.add_workdays(days[-1], 1)
    docs["issue"] += upcoming_issues(ctx, projects, str(upcoming["number"]), since)
    for item in items:
        docs["progress"] += progress_reports(ctx, item)
        if item.requested:
            docs["closure"].append(closure(ctx, item))
    docs["item"] = [item.doc for item in items]
    docs["snapshot"] = snapshots(projects, items, _checkpoints(docs["meeting"][:-1], days[0], ctx.today))
    meetings = [(date.fromisoformat(str(m["date"])), str(m["number"])) for m in docs["meeting"]]
    docs["supervision"] = supervisions(ctx, docs["snapshot"], items, meetings)
    return docs


def _items_per_meeting(rng: random.Random, size: Scale) -> list[int]:
    counts = [3] * size.meetings
    for _ in range(size.items - 3 * size.meetings):
        counts[rng.randrange(size.meetings)] += 1
    return counts


def _number_late(ctx: Context, docs: dict[str, list[Doc]]) -> None:
    """Number the records filed in no particular order by date, and link items to their closures."""
    for kind, prefix in LATE_NUMBERED.items():
        docs[kind].sort(key=lambda d: str(d["created"]))
        for doc in docs[kind]:
            doc["number"] = ctx.number(prefix, int(str(doc["created"])[:4]))
    items = {str(d["number"]): d for d in docs["item"]}
    for doc in docs["closure"]:
        items[str(doc["data"]["item"])]["closure"] = doc["number"]  # type: ignore[call-overload, index]


# -- projects ---------------------------------------------------------------


def _checkpoints(meetings: list[Doc], first: date, today: date) -> list[tuple[str, date, str, str]]:
    """Every meeting's minutes approval (as the live cycle snapshots it) and every month end up to yesterday."""
    points = [
        (f"meeting-{m['number']}", date.fromisoformat(str(m["approved"])), "meeting", str(m["number"]))
        for m in meetings
    ]
    end = first.replace(day=1)
    while True:
        end = (end + DAY * 32).replace(day=1) - DAY
        if end >= today:
            break
        points.append((f"month-{end.isoformat()[:7]}", end, "month_end", ""))
        end += DAY
    return sorted(points, key=lambda p: (p[1], p[2]))


def snapshots(
    projects: list[DemoProject], items: list[DemoItem], points: list[tuple[str, date, str, str]]
) -> list[Doc]:
    """The board as of each checkpoint: what a snapshot taken that day would have shown."""
    waiting = sorted(items, key=lambda it: it.registered)
    limits = current().colours
    live: dict[str, list[DemoItem]] = {}  # open items by project, swept forward in time
    out: list[Doc] = []
    next_item = 0
    for number, day, reason, meeting in points:
        while next_item < len(waiting) and waiting[next_item].registered <= day:
            live.setdefault(waiting[next_item].project.number, []).append(waiting[next_item])
            next_item += 1
        project_colours: dict[str, JSONValue] = {}
        item_colours: dict[str, JSONValue] = {}
        for p in projects:
            if not p.accepted or p.registered > day:
                continue
            # A node not yet due is green, so only past-due ones need the rule.
            found = [
                colour(pl, done, day, thresholds=limits)
                for pl, done in p.milestones
                if pl < day and (done is None or done > day)
            ]
            still = [it for it in live.get(p.number, ()) if it.closed is None or it.closed > day]
            live[p.number] = still
            for it in still:
                found.append(colour(it.planned, it.done, day, thresholds=limits))
                item_colours[str(it.doc["number"])] = found[-1].value
            project_colours[p.number] = worst(found).value
        counts = {c.value: sum(1 for v in project_colours.values() if v == c.value) for c in Colour}
        out.append(
            {
                "number": number,
                "date": day.isoformat(),
                "reason": reason,
                "meeting": meeting,
                "projects": project_colours,
                "items": item_colours,
                "counts": counts,  # type: ignore[dict-item]
                "created": iso(day, 11, 30) if reason == "meeting" else iso(day, 23, 59),
            }
        )
    return out


def supervisions(ctx: Context, snaps: list[Doc], items: list[DemoItem], meetings: list[tuple[date, str]]) -> list[Doc]:
    """After a meeting or month end, units with red items get a 督办函; a unit already warned is 约谈."""
    lead_of = {str(it.doc["number"]): str(it.doc["lead_unit"]) for it in items}
    last_seen: dict[str, date] = {}
    times: dict[str, int] = {}
    warned: set[str] = set()
    out: list[Doc] = []
    for snap in snaps:
        day = ctx.add_workdays(date.fromisoformat(str(snap["date"])), 1)
        if day > ctx.today:
            continue
        red: dict[str, list[str]] = {}
        for number, value in snap["items"].items():  # type: ignore[union-attr]
            # Each red item is pressed at most twice, at least three months apart.
            if (
                value == Colour.RED.value
                and times.get(number, 0) < 2
                and last_seen.get(number, date.min) < day - DAY * 90
            ):
                red.setdefault(lead_of[number], []).append(number)
        for unit, numbers in red.items():
            kind = "约谈" if unit in warned else "督办函"
            warned.add(unit)
            for number in numbers:
                last_seen[number], times[number] = day, times.get(number, 0) + 1
            explain = next((number for held, number in meetings if held > day), "")
            out.append(
                {
                    "number": "",
                    "kind": kind,
                    "unit": unit,
                    "items": list[JSONValue](numbers),
                    "date": day.isoformat(),
                    "note": words.supervision_note(kind, len(numbers)),
                    "must_explain": True,
                    "explain_at": explain,
                    "created": iso(day, 16),
                }
            )
    return out
