"""Demo history: weekly meetings with their issues, materials, agreed items, reports and closures."""

from __future__ import annotations

from datetime import date

from xietiao.cycle.meetings import doc_number_for, title_for
from xietiao.demo import names as words
from xietiao.demo.context import Context, Template
from xietiao.demo.items import agreed_item, resolve
from xietiao.demo.records import DAY, DemoItem, DemoProject, iso
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.ledger.colours import Colour
from xietiao.units import all_units, bureau_name, government_name


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
    return {
        "call_opened": iso(call, 9),
        "plan_proposed": iso(proposed, 16),
        "plan_approved": iso(approved, 17, 30),
        "held": iso(day, 9, 30),
        "minutes_drafted": iso(day, 17, 30),
        "minutes_approved": iso(issued, 11),
        "published": iso(issued, 15, 30),
    }


def pick_projects(ctx: Context, pool: list[DemoProject], day: date, k: int) -> list[DemoProject]:
    """Projects for the plan: weighted towards those falling behind, as the rules ask."""
    active = [
        p for p in pool if p.accepted and p.registered <= day - DAY * 10 and (p.finished is None or p.finished > day)
    ]
    weight = {Colour.GREEN: 1.0, Colour.YELLOW: 2.0, Colour.RED: 3.0}
    keyed = sorted(active, key=lambda p: ctx.rng.random() ** (1 / weight[p.health]), reverse=True)
    return keyed[:k]


_LIST_NOTES = {"returned": words.RETURN_REASONS[2], "city": "经{government}审定，报市级层面协调。"}


def issue_doc(
    ctx: Context,
    project: DemoProject,
    kind: str,
    template: Template,
    co: list[str],
    created: str,
    meeting: str,
    state: str,
) -> Doc:
    lead = resolve(template[1], project)
    data: Doc = {
        "project": project.number,
        "kind": kind,
        **words.issue_texts(ctx.rng, kind, co, lead, template[3]),
        "coordinated_by": ctx.rng.choice((bureau_name(), co[0] if co else lead)),
        "urgency": ctx.rng.choices(("特急", "紧急", "一般"), (1, 4, 5))[0],
        "needs_city": state == "city",
        "contact": ctx.contact(project.lead),
    }
    if co:
        data["co_units"] = list[JSONValue](co)
    if state == "city":
        data["city_reason"] = "涉及市级审批权限，需报市里协调。"
    status = {"proposed": "submitted", "returned": "returned"}.get(state, "accepted")
    day = date.fromisoformat(created[:10])
    reason = _LIST_NOTES[state] if state == "returned" else ""
    doc = ctx.form("issue", project.lead, data, created, status=status, decided=day, reason=reason)
    doc["number"] = ctx.number("Q", day.year)
    doc.update(
        list_state=state,
        meeting=meeting,
        merged_into="",
        list_note=_LIST_NOTES.get(state, "").format(government=government_name()),
    )
    return doc


def hold_meeting(
    ctx: Context,
    docs: dict[str, list[Doc]],
    items: list[DemoItem],
    day: date,
    previous: date | None,
    n_items: int,
    pool: list[DemoProject],
    must: DemoProject | None,
) -> None:
    """One published meeting: the plan's projects, one issue each, its agreed items and materials."""
    rng, first = ctx.rng, len(items)
    sizes: list[int] = []
    while sum(sizes) < n_items:
        sizes.append(min(n_items - sum(sizes), rng.choice((1, 2, 2, 3))))
    projects = pick_projects(ctx, pool, day, len(sizes))
    if must is not None and all(p is not must for p in projects):
        projects[-1:] = [must]
    # Internal projects last, so their items take the meeting's last numbers, as the ledger numbers them.
    projects.sort(key=lambda p: p.confidential)
    number, steps = ctx.meeting_number(day), meeting_steps(ctx, day, previous)
    call, proposed = (date.fromisoformat(steps[k][:10]) for k in ("call_opened", "plan_proposed"))
    talks: list[JSONValue] = []
    for index, (project, size) in enumerate(zip(projects, sizes, strict=False)):
        kind = rng.choices(words.ISSUE_KINDS, words.ISSUE_KIND_WEIGHTS)[0]
        templates = [rng.choice([t for t in words.ITEM_TEMPLATES if t[0] == kind])]
        while len(templates) < size:
            extra = rng.choice(words.ITEM_TEMPLATES)
            templates += [extra] if extra not in templates else []
        agreed = [
            agreed_item(ctx, project, number, len(items) + i + 1 - first, day, t) for i, t in enumerate(templates)
        ]
        co = list(
            dict.fromkeys(
                u
                for it in agreed
                for u in [it.doc["lead_unit"], *it.doc["co_units"]]  # type: ignore[misc]
                if u != project.lead
            )
        )
        # Spread over the call window in plan order, so issue numbers follow their dates.
        created = iso(call + DAY * ((proposed - call).days * index // len(sizes)), 10, index)
        issue = issue_doc(ctx, project, kind, templates[0], co, created, number, "discussed")
        for it in agreed:
            it.doc["issue"] = issue["number"]
        items += agreed
        docs["issue"].append(issue)
        leads = list(dict.fromkeys(str(it.doc["lead_unit"]) for it in agreed))
        talks.append(
            {
                "issue": issue["number"],
                "project": project.number,
                "text": words.discussion_text(rng, project.lead, kind, leads),
            }
        )
        docs["material"].append(material(ctx, project, issue, day, steps["plan_approved"][:10], index))
    docs["meeting"].append(_meeting_doc(ctx, number, day, steps, projects, items[first:], talks))


def _meeting_doc(
    ctx: Context,
    number: str,
    day: date,
    steps: dict[str, str],
    projects: list[DemoProject],
    items: list[DemoItem],
    talks: list[JSONValue],
) -> Doc:
    convener = ctx.rng.choices(words.CONVENERS, (4, 1))[0]
    units = {
        bureau_name(),
        *(p.lead for p in projects),
        *(u for it in items for u in [it.doc["lead_unit"], *it.doc["co_units"]]),  # type: ignore[misc]
    }
    kinds = list(dict.fromkeys(it.kind for it in items))
    agreed = [
        {k: it.doc[k] for k in ("project", "issue", "content", "lead_unit", "co_units", "person", "planned")}
        for it in items
    ]
    return {
        "number": number,
        "date": day.isoformat(),
        "title": title_for(number, day),
        "status": "published",
        "place": ctx.rng.choice(words.PLACES),
        "convener": convener,
        "attendance": [u.name for u in all_units() if u.name in units],
        "projects": [p.number for p in projects],
        "issues": [t["issue"] for t in talks],  # type: ignore[call-overload, index]
        "discussions": talks,
        "agreed": agreed,  # type: ignore[dict-item]
        "minutes": words.minutes_text(day, convener, kinds),
        "approved": steps["minutes_approved"][:10],
        "doc_number": doc_number_for(number),
        "steps": steps,  # type: ignore[dict-item]
        "review_note": "",
        "created": steps["call_opened"],
    }


def planned_meeting(ctx: Context, day: date, created: str) -> Doc:
    """The next meeting, not yet under way: the bureau starts its cycle by opening the call."""
    number = ctx.meeting_number(day)
    return {
        "number": number,
        "date": day.isoformat(),
        "title": title_for(number, day),
        "status": "planned",
        "place": words.PLACES[0],
        "convener": words.CONVENERS[0],
        "attendance": [],
        "projects": [],
        "issues": [],
        "discussions": [],
        "agreed": [],
        "minutes": "",
        "approved": "",
        "doc_number": doc_number_for(number),
        "steps": {},
        "review_note": "",
        "created": created,
    }


def material(ctx: Context, project: DemoProject, issue: Doc, day: date, approved: str, index: int) -> Doc:
    """The written material a unit files for a project on the plan."""
    pdata, idata = project.doc["data"], issue["data"]
    assert isinstance(pdata, dict) and isinstance(idata, dict)
    rows = [m for m in pdata["milestones"] if isinstance(m, dict)]  # type: ignore[union-attr]
    done = [str(m["task"]) for m in rows if str(m.get("done") or "9999") <= day.isoformat()]
    goals = [
        {"node": m["node"], "task": m["task"], "planned": m["planned"]}
        for m in rows
        if str(m.get("done") or "9999") > day.isoformat()
    ]
    data: Doc = {
        "project": project.number,
        "overview": pdata["overview"],
        "progress": f"项目已{'、'.join(done)}。" if done else "项目前期工作正在推进。",
        "problems": idata["problem"],
        "coordination": idata["coordinated"],
        "ask": idata["ask"],
        "lead_unit": project.lead,
        "persons": pdata["persons"],
        "goals": goals,  # type: ignore[dict-item]
        "confidential": project.confidential,
    }
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
    for index, (project, state) in enumerate(zip([*chosen, chosen[0]], states, strict=False)):  # the last one is merged
        kind = ctx.rng.choices(words.ISSUE_KINDS, words.ISSUE_KIND_WEIGHTS)[0]
        template = ctx.rng.choice([t for t in words.ITEM_TEMPLATES if t[0] == kind])
        co = [u for u in (resolve(c, project) for c in template[2]) if u != project.lead]
        created = iso(since + DAY * ((ctx.today - since).days * index // len(states)), 16, index * 5)
        out.append(issue_doc(ctx, project, kind, template, co, created, meeting, state))
    out[-1].update(merged_into=out[0]["number"], list_note=f"与{out[0]['number']}反映的问题相同，合并研究。")
    return out
