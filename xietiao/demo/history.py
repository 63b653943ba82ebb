"""Demo history: weekly meetings with their issues, materials, agreed items, reports and closures."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from xietiao.demo import names as words
from xietiao.ledger.colours import Colour, colour
from xietiao.demo.names import DAY, DemoItem, DemoProject, between, iso, username_of
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.cycle.meetings import doc_number_for, title_for
from xietiao.model import item_number, record_number
from xietiao.store.engine import Store
from xietiao.units import BUREAU_NAME, UNITS
from xietiao.cycle.workdays import WorkCalendar

BUREAU_USER = "fgj"
# How late (days past the planned node) units finish, by the colour their project must show
# today: the share of items that stay stuck for months, and the usual range otherwise.
_DELAYS = {Colour.GREEN: (0.0, (-40, 45)), Colour.YELLOW: (0.35, (-30, 60)), Colour.RED: (0.5, (-20, 60))}
_STUCK_DELAY = (120, 300)
_OFFSETS = (15, 30, 30, 45, 60, 60, 90, 90, 120, 120, 150, 180)
Template = tuple[str, str, tuple[str, ...], str]


@dataclass
class Context:
    """What every generator needs: randomness, today, the calendar and the numbering series."""
    rng: random.Random
    today: date
    cal: WorkCalendar
    store: Store
    evidence: list[JSONValue] = field(default_factory=list)
    contacts: dict[str, dict[str, str]] = field(default_factory=dict)
    workdays: dict[date, bool] = field(default_factory=dict)

    def number(self, prefix: str, year: int) -> str:
        return record_number(prefix, year, self.store.next_number(f"{prefix}-{year}"))

    def meeting_number(self, day: date) -> str:
        return f"{day.year}-{self.store.next_number(f'meeting-{day.year}'):02d}"

    def contact(self, unit: str) -> dict[str, str]:
        # One named person per unit, so the same unit always sends the same person.
        if unit not in self.contacts:
            self.contacts[unit] = words.person(self.rng)
        return dict(self.contacts[unit])

    def is_workday(self, day: date) -> bool:
        # Remembered: chinesecalendar scans its whole table on every question.
        known = self.workdays.get(day)
        if known is None:
            known = self.workdays[day] = self.cal.is_workday(day)
        return known

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day after `day` (before it when n is negative)."""
        step = DAY if n > 0 else -DAY
        for _ in range(abs(n)):
            day += step
            while not self.is_workday(day):
                day += step
        return day

    def form(self, form: str, unit: str, data: Doc, created: str, *, status: str = "accepted",
             decided: date | None = None, reason: str = "", confidential: bool = False) -> Doc:
        """A form record as the form server leaves it: its versions, then the bureau's decision."""
        author = username_of(unit)
        versions: list[JSONValue] = [{"version": 1, "status": "draft" if status == "draft" else "submitted",
                                      "data": dict(data), "at": created, "by": author, "note": ""}]
        decided = decided or self.add_workdays(date.fromisoformat(created[:10]), 1)
        if status in ("accepted", "returned") and decided > self.today:
            status, reason = "submitted", ""   # the bureau has not got to it yet
        updated = created
        if status in ("accepted", "returned"):
            updated = iso(decided, 18, self.rng.randrange(60))  # after anything filed that day
            versions.append({"version": 2, "status": status, "data": None, "at": updated, "by": BUREAU_USER,
                             "note": reason})
        return {"number": "", "form": form, "unit": unit, "author": author, "status": status, "data": data,
                "versions": versions, "confidential": confidential, "return_reason": reason,
                "created": created, "updated": updated}


def meeting_days(ctx: Context, count: int) -> tuple[list[date], date]:
    """The last `count` weekly meetings already published by today, and the next working Friday."""
    today = ctx.today
    days: list[date] = []
    friday = today + DAY * ((4 - today.weekday()) % 7)
    while len(days) < count:
        # A holiday Friday moves the meeting to the week's last working day; none, no meeting.
        held = next((friday - DAY * b for b in range(5) if ctx.is_workday(friday - DAY * b)), None)
        if held is not None and ctx.add_workdays(held, 1) <= today:
            days.append(held)
        friday -= DAY * 7
    upcoming = today + DAY
    while upcoming.weekday() != 4 or not ctx.is_workday(upcoming):
        upcoming += DAY
    return days[::-1], upcoming


def meeting_steps(ctx: Context, day: date, previous: date | None) -> dict[str, str]:
    call = ctx.add_workdays(previous, 1) if previous else ctx.add_workdays(day, -4)
    proposed = max(call, ctx.add_workdays(day, -2))
    approved = max(proposed, ctx.add_workdays(day, -1))
    issued = ctx.add_workdays(day, 1)
    return {"call_opened": iso(call, 9), "plan_proposed": iso(proposed, 16), "plan_approved": iso(approved, 17, 30),
            "held": iso(day, 9, 30), "minutes_drafted": iso(day, 17, 30), "minutes_approved": iso(issued, 11),
            "published": iso(issued, 15, 30)}


def pick_projects(ctx: Context, pool: list[DemoProject], day: date, k: int) -> list[DemoProject]:
    """Projects for the plan: weighted towards those falling behind, as the rules ask."""
    active = [p for p in pool if p.accepted and p.registered <= day - DAY * 10
              and (p.finished is None or p.finished > day)]
    weight = {Colour.GREEN: 1.0, Colour.YELLOW: 2.0, Colour.RED: 3.0}
    keyed = sorted(active, key=lambda p: ctx.rng.random() ** (1 / weight[p.health]), reverse=True)
    return keyed[:k]


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
    if fate[2] is None and colour(planned, None, today).severity > health.severity:
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


def agreed_item(ctx: Context, project: DemoProject, meeting: str, order: int, held: date, template: Template) -> DemoItem:
    kind, lead_spec, co_spec, body = template
    lead = resolve(lead_spec, project)
    co = list(dict.fromkeys(u for u in (resolve(c, project) for c in co_spec) if u != lead))
    planned = deadline(ctx, held, project.health)
    finished, requested, closed = settle(ctx, project.health, held, planned)
    registered = ctx.add_workdays(held, 1)
    doc: Doc = {
        "number": item_number(meeting, order), "meeting": meeting, "project": project.number, "issue": "",
        "content": words.item_content(ctx.rng, body, lead, co, planned), "lead_unit": lead, "co_units": co,
        "person": ctx.contact(lead), "planned": planned.isoformat(),
        "status": "closed" if closed else "closure_requested" if requested else "registered",
        "done": finished.isoformat() if closed and finished else None,
        "closed_reason": ctx.rng.choices(words.CLOSED_REASONS, (6, 3, 1))[0] if closed else "",
        "reopened_from": "", "created": iso(registered, 11, order)}
    if closed:
        doc.update(closed_at=closed.isoformat(), closed_by=BUREAU_USER)
    return DemoItem(doc, kind, project, registered, planned, finished, requested, closed)


_LIST_NOTES = {"returned": words.RETURN_REASONS[2], "city": "经区政府审定，报市级层面协调。"}


def issue_doc(ctx: Context, project: DemoProject, kind: str, template: Template, co: list[str],
              created: str, meeting: str, state: str) -> Doc:
    lead = resolve(template[1], project)
    data: Doc = {"project": project.number, "kind": kind, **words.issue_texts(ctx.rng, kind, co, lead, template[3]),
                 "coordinated_by": ctx.rng.choice((BUREAU_NAME, co[0] if co else lead)),
                 "urgency": ctx.rng.choices(("特急", "紧急", "一般"), (1, 4, 5))[0], "needs_city": state == "city",
                 "contact": ctx.contact(project.lead)}
    if co:
        data["co_units"] = co
    if state == "city":
        data["city_reason"] = "涉及市级审批权限，需报市里协调。"
    status = {"proposed": "submitted", "returned": "returned"}.get(state, "accepted")
    day = date.fromisoformat(created[:10])
    reason = _LIST_NOTES[state] if state == "returned" else ""
    doc = ctx.form("issue", project.lead, data, created, status=status, decided=day, reason=reason)
    doc["number"] = ctx.number("Q", day.year)
    doc.update(list_state=state, meeting=meeting, merged_into="", list_note=_LIST_NOTES.get(state, ""))
    return doc


def hold_meeting(ctx: Context, docs: dict[str, list[Doc]], items: list[DemoItem], day: date,
                 previous: date | None, n_items: int, pool: list[DemoProject], must: DemoProject | None) -> None:
    """One published meeting: the plan's projects, one issue each, its agreed items and materials."""
    rng, first = ctx.rng, len(items)
    sizes: list[int] = []
    while sum(sizes) < n_items:
        sizes.append(min(n_items - sum(sizes), rng.choice((1, 2, 2, 3))))
    projects = pick_projects(ctx, pool, day, len(sizes))
    if must is not None and all(p is not must for p in projects):
        projects[-1:] = [must]
    number, steps = ctx.meeting_number(day), meeting_steps(ctx, day, previous)
    call, proposed = (date.fromisoformat(steps[k][:10]) for k in ("call_opened", "plan_proposed"))
    talks: list[JSONValue] = []
    for index, (project, size) in enumerate(zip(projects, sizes)):
        kind = rng.choices(words.ISSUE_KINDS, words.ISSUE_KIND_WEIGHTS)[0]
        templates = [rng.choice([t for t in words.ITEM_TEMPLATES if t[0] == kind])]
        while len(templates) < size:
            extra = rng.choice(words.ITEM_TEMPLATES)
            templates += [extra] if extra not in templates else []
        agreed = [agreed_item(ctx, project, number, len(items) + i + 1 - first, day, t) for i, t in enumerate(templates)]
        co = list(dict.fromkeys(u for it in agreed for u in [it.doc["lead_unit"], *it.doc["co_units"]]  # type: ignore[misc]
                                if u != project.lead))
        # Spread over the call window in plan order, so issue numbers follow their dates.
        created = iso(call + DAY * ((proposed - call).days * index // len(sizes)), 10, index)
        issue = issue_doc(ctx, project, kind, templates[0], co, created, number, "discussed")
        for it in agreed:
            it.doc["issue"] = issue["number"]
        items += agreed
        docs["issue"].append(issue)
        leads = list(dict.fromkeys(str(it.doc["lead_unit"]) for it in agreed))
        talks.append({"issue": issue["number"], "project": project.number,
                      "text": words.discussion_text(rng, project.lead, kind, leads)})
        docs["material"].append(material(ctx, project, issue, day, steps["plan_approved"][:10], index))
    docs["meeting"].append(_meeting_doc(ctx, number, day, steps, projects, items[first:], talks))


def _meeting_doc(ctx: Context, number: str, day: date, steps: dict[str, str],
                 projects: list[DemoProject], items: list[DemoItem], talks: list[JSONValue]) -> Doc:
    convener = ctx.rng.choices(words.CONVENERS, (4, 1))[0]
    units = {BUREAU_NAME, *(p.lead for p in projects),
             *(u for it in items for u in [it.doc["lead_unit"], *it.doc["co_units"]])}  # type: ignore[misc]
    kinds = list(dict.fromkeys(it.kind for it in items))
    agreed = [{k: it.doc[k] for k in ("project", "issue", "content", "lead_unit", "co_units", "person", "planned")}
              for it in items]
    return {"number": number, "date": day.isoformat(), "title": title_for(number, day), "status": "published",
            "place": ctx.rng.choice(words.PLACES), "convener": convener,
            "attendance": [u.name for u in UNITS if u.name in units], "projects": [p.number for p in projects],
            "issues": [t["issue"] for t in talks], "discussions": talks,  # type: ignore[index]
            "agreed": agreed,  # type: ignore[dict-item]
            "minutes": words.minutes_text(day, convener, len(projects), kinds, len(items)),
            "approved": steps["minutes_approved"][:10], "doc_number": doc_number_for(number),
            "steps": steps, "review_note": "", "created": steps["call_opened"]}  # type: ignore[dict-item]


def planned_meeting(ctx: Context, day: date, created: str) -> Doc:
    """The next meeting, not yet under way: the bureau starts its cycle by opening the call."""
    number = ctx.meeting_number(day)
    return {"number": number, "date": day.isoformat(), "title": title_for(number, day), "status": "planned",
            "place": words.PLACES[0], "convener": words.CONVENERS[0], "attendance": [], "projects": [],
            "issues": [], "discussions": [], "agreed": [], "minutes": "", "approved": "",
            "doc_number": doc_number_for(number), "steps": {}, "review_note": "", "created": created}


def material(ctx: Context, project: DemoProject, issue: Doc, day: date, approved: str, index: int) -> Doc:
    """The written material a unit files for a project on the plan."""
    pdata, idata = project.doc["data"], issue["data"]
    assert isinstance(pdata, dict) and isinstance(idata, dict)
    rows = [m for m in pdata["milestones"] if isinstance(m, dict)]  # type: ignore[union-attr]
    done = [str(m["task"]) for m in rows if str(m.get("done") or "9999") <= day.isoformat()]
    goals = [{"node": m["node"], "task": m["task"], "planned": m["planned"]} for m in rows
             if str(m.get("done") or "9999") > day.isoformat()]
    data: Doc = {"project": project.number, "overview": pdata["overview"],
                 "progress": f"项目已{'、'.join(done)}。" if done else "项目前期工作正在推进。",
                 "problems": idata["problem"], "coordination": idata["coordinated"], "ask": idata["ask"],
                 "lead_unit": project.lead, "persons": pdata["persons"], "goals": goals,  # type: ignore[dict-item]
                 "confidential": project.confidential}
    if idata.get("co_units"):
        data["co_units"] = idata["co_units"]
    if project.confidential or ctx.rng.random() < 0.2:
        data["secret_notes"] = words.secret_note(project.number, project.confidential)
    created = iso(date.fromisoformat(approved), 18, index)
    return ctx.form("material", project.lead, data, created, confidential=project.confidential)


def upcoming_issues(ctx: Context, pool: list[DemoProject], meeting: str, since: date) -> list[Doc]:
    """Issues put forward for the next meeting, at every stage of the bureau's review."""
    states = ("accepted", "accepted", "proposed", "proposed", "proposed", "returned", "city", "merged")
    chosen = pick_projects(ctx, pool, ctx.today, len(states) - 1)
    out: list[Doc] = []
    for index, (project, state) in enumerate(zip([*chosen, chosen[0]], states)):  # the last one is merged
        kind = ctx.rng.choices(words.ISSUE_KINDS, words.ISSUE_KIND_WEIGHTS)[0]
        template = ctx.rng.choice([t for t in words.ITEM_TEMPLATES if t[0] == kind])
        co = [u for u in (resolve(c, project) for c in template[2]) if u != project.lead]
        created = iso(since + DAY * ((ctx.today - since).days * index // len(states)), 16, index * 5)
        out.append(issue_doc(ctx, project, kind, template, co, created, meeting, state))
    out[-1].update(merged_into=out[0]["number"], list_note=f"与{out[0]['number']}反映的问题相同，合并研究。")
    return out


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
    data: Doc = {"item": item.doc["number"], "month": month.isoformat()[:7],
                 "status": "已完成" if finished else "存在困难" if trouble else "按计划推进",
                 "progress": texts["progress"], "next_steps": texts["next_steps"], "percent": percent}
    if trouble:
        data["difficulties"] = texts["difficulties"]
    status = "accepted"
    if month == ctx.today.replace(day=1):
        status = rng.choices(("submitted", "accepted", "returned", "draft"), (12, 6, 1, 1))[0]
    reason = words.RETURN_REASONS[0] if status == "returned" else ""
    return ctx.form("progress", str(item.doc["lead_unit"]), data, iso(day, 9 + rng.randrange(9), rng.randrange(60)),
                    status=status, reason=reason, decided=day if status == "returned" else None)


def closure(ctx: Context, item: DemoItem) -> Doc:
    """The lead unit's closure request (销号申请); accepted when the bureau closed the item."""
    assert item.requested is not None and item.finished is not None
    data: Doc = {"item": item.doc["number"], "solved": words.solved_text(item.kind),
                 "done": item.finished.isoformat(), "evidence": list(ctx.evidence), "contact": item.doc["person"]}
    created = iso(item.requested, 15, ctx.rng.randrange(60))
    return ctx.form("closure", str(item.doc["lead_unit"]), data, created,
                    status="accepted" if item.closed else "submitted", decided=item.closed)
