"""The access policy the matrix checks: one row per route and method, the seed data, and the expected answers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from checks.access_rules import Rule
from xietiao.accounts import User, add_user, get_user
from xietiao.config import DISTRICT_TZ, FORMS_DIR
from xietiao.cycle.meetings import approve_minutes, create_meeting, save_minutes
from xietiao.forms.attachments import AttachmentStore
from xietiao.forms.submissions import StoreLookup, accept_record, save
from xietiao.model import MeetingStatus
from xietiao.rulebook import load_domain_forms as load_forms
from xietiao.store.engine import Store

PASSWORD = "access-password-1"
TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=DISTRICT_TZ)
EVIL = "http://evil.example"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROBE_PDF = "%PDF-1.4\n% probe {}: a refused post must not store this\n%%EOF\n"
DC, XC, CO = "东城街道", "西城街道", "区财政局"
FORMS = load_forms(FORMS_DIR)

# Who logs in as what. `dc` owns every record below; `xc` is the other unit guessing numbers;
# `czj` coordinates dc's agreed item (配合单位): it sees the item, never dc's filings on it.
ACCOUNTS = {
    "dc": (DC, "unit"),
    "xc": (XC, "unit"),
    "czj": (CO, "unit"),
    "fgj": ("区发展改革局", "bureau"),
    "leader": ("区政府", "leader"),
    "admin": ("区发展改革局", "admin"),
}
ROLES = ("anonymous", *ACCOUNTS)


# The acceptable answers. A page or download (GET, and HEAD like it) must simply answer; a
# validation refusal (400/409/415/422) of an empty post still means the post reached the handler.
READ_OK = frozenset({"ok"})
POST_OK = frozenset({"ok", "input", "409"})
HIDDEN = frozenset({"404"})
FORBIDDEN = frozenset({"403"})
LOCKED = frozenset({"403", "409"})  # the owner's own record, already submitted: refused either way
LOCKED_VIEW = frozenset({"locked"})  # opening its edit page sends the owner to the record, saying it is locked


@dataclass
class AccessReport:
    cells: int = 0
    wrong: list[str] = field(default_factory=list)
    seconds: float = 0.0
    log: list[str] = field(default_factory=list)  # every cell, right or wrong, for reading

    def lines(self) -> list[str]:
        return [f"access_cells_checked: {self.cells} cells", f"access_wrong: {len(self.wrong)} cells"]


# -- the data: accounts hashed once, then dc's records made by the domain code -----------------


@dataclass(frozen=True)
class Seed:
    records: tuple[tuple[str, str], ...]  # (form, number) owned by dc
    meeting: str
    issue: str
    item: str
    closure_sha: str
    private: tuple[str, ...]  # text only dc and the district may ever be shown
    filings: tuple[str, ...]  # dc's reports and closure request on the item: not for the coordinating unit


def _project_data() -> dict[str, object]:
    return {
        "name": "东城智能制造产业园",
        "overview": "新建厂房及配套设施。",
        "category": "产业",
        "owner": "XX经开集团",
        "lead_unit": DC,
        "town": DC,
        "plans": ["区年度重大建设项目计划"],
        "focus_reason": "要素保障有难度",
        "investment": "52000.00",
        "milestones": [{"node": "开工", "task": "主体工程开工", "planned": "2027-03-31"}],
        "persons": [{"person": {"name": "王建国", "phone": "13800000001"}, "role": "总负责"}],
        "confidential": False,
    }


def _issue_data(project: str) -> dict[str, object]:
    return {
        "project": project,
        "kind": "审批",
        "problem": "用地预审迟迟未批，影响开工节点。",
        "urgency": "紧急",
        "coordinated": "11月10日区发展改革局召集自然资源部门会商，未解决。",
        "coordinated_by": "区发展改革局",
        "ask": "请区政府协调市局加快用地预审。",
        "co_units": ["区自然资源和规划分局"],
        "needs_city": False,
        "contact": {"name": "李明", "phone": "13800000002"},
    }


def _save(store: Store, form: str, who: User, data: dict[str, object], *, submit: bool = True) -> str:
    """Through the same save() as the form pages and the API: numbering, versions, the forms' own rules."""
    result = save(
        store,
        FORMS[form],
        who,
        data,
        submit=submit,
        today=TODAY,
        lookup=StoreLookup(store, AttachmentStore(store.root / "attachments")),
    )
    assert result.ok, (form, result.errors)
    return result.number


def seed(folder: Path) -> Seed:
    """Accounts and a little of everything owned by dc, made the way the app makes them."""
    with Store(folder, create=True) as store:
        for name, (unit, role) in ACCOUNTS.items():
            add_user(store, name, unit, role, PASSWORD)
        dc, fgj, leader = (get_user(store, n) for n in ("dc", "fgj", "leader"))
        assert dc and fgj and leader
        project = _save(store, "project", dc, _project_data())
        accept_record(store, "project", project, fgj, "已核实")
        issue = _save(store, "issue", dc, _issue_data(project))
        meeting = str(
            create_meeting(store, date(2026, 11, 20), actor="fgj", now=NOW, status=MeetingStatus.HELD)["number"]
        )
        minutes = {
            "convener": "常务副区长",
            "place": "区政府三楼会议室",
            "attendance": ["区发展改革局", DC],
            "minutes": "会议研究了东城智能制造产业园用地问题。",
            "agreed": [
                {
                    "project": project,
                    "content": "完成用地报批",
                    "lead_unit": DC,
                    "co_units": [CO],
                    "person": {"name": "王工", "phone": "13800000001"},
                    "planned": "2026-12-31",
                }
            ],
        }
        save_minutes(store, fgj, meeting, minutes, NOW, submit=True)
        approve_minutes(store, leader, meeting, TODAY, NOW)
        store.update("meeting", meeting, lambda d: d.update(projects=[project]), actor="fgj", action="测试数据")
        item = f"{meeting}-01"
        progress = _save(
            store,
            "progress",
            dc,
            {
                "item": item,
                "month": "2026-11",
                "status": "按计划推进",
                "progress": "土地报批材料已报市局。",
                "percent": 60,
            },
        )
        ref = AttachmentStore(store.root / "attachments").save(PDF, "用地批复.pdf", ("pdf",), 10**6)
        closure = _save(
            store,
            "closure",
            dc,
            {
                "item": item,
                "solved": "已取得用地批复。",
                "done": "2026-11-25",
                "evidence": [ref.to_json()],
                "contact": {"name": "钱晓东", "phone": "13800000009"},
            },
        )
        material = _save(store, "material", dc, {"project": project}, submit=False)  # a draft: editable
        records = (
            ("project", project),
            ("issue", issue),
            ("material", material),
            ("progress", progress),
            ("closure", closure),
        )
        filings = (progress, closure, "土地报批材料已报市局", "已取得用地批复", "钱晓东", "用地批复.pdf")
        private = (*(n for _, n in records), "东城智能制造产业园", "用地预审迟迟未批", *filings)
        return Seed(records, meeting, issue, item, ref.sha256, private, filings)


# -- filling the path: dc's numbers and guessed ones ----------------------------------------------


@dataclass(frozen=True)
class Target:
    params: dict[str, str]
    owner: str = ""  # the unit whose record it is; "" when units do not own it
    kind: str = ""  # the store kind and number whose status decides owner-edit
    number: str = ""
    ghost: bool = False  # a guessed number that belongs to nobody
    helpers: tuple[str, ...] = ()  # units that take part in it without owning it (an item's co-units)


def _record_targets(rule: Rule, sd: Seed) -> Iterator[Target]:
    for form, number in sd.records:
        if rule.number == "file" and form != "closure":
            continue
        params = {"form": form, "name": form, "number": number, "sha": sd.closure_sha}
        yield Target(params, DC, form, number)
    prefix = {"project": "P", "closure": "X"}
    for form in ("project", "closure") if rule.number != "file" else ("closure",):
        number = f"{prefix[form]}-2026-0999"
        yield Target({"form": form, "name": form, "number": number, "sha": "0" * 64}, ghost=True)
    if rule.number == "file":  # dc's own record, a file it never held
        yield Target({"form": "closure", "number": dict(sd.records)["closure"], "sha": "f" * 64}, DC, ghost=True)


def targets(rule: Rule, sd: Seed) -> Iterator[Target]:
    if rule.number in ("record", "file"):
        yield from _record_targets(rule, sd)
    elif rule.number == "form":
        yield from (Target({"name": f}) for f, _ in sd.records)
        yield Target({"name": "nosuchform"}, ghost=True)
    elif rule.number == "meeting":
        yield Target({"number": sd.meeting})
        yield Target({"number": "2026-99"}, ghost=True)
    elif rule.number == "issue":
        yield Target({"number": sd.issue}, DC, "issue", sd.issue)
        yield Target({"number": "Q-2026-0999"}, ghost=True)
    elif rule.number == "user":  # an account: dc's, and a name nobody has
        yield Target({"username": "dc"})
        yield Target({"username": "nobody"}, ghost=True)
    elif rule.number == "item":
        yield Target({"number": sd.item}, DC, "item", sd.item, helpers=(CO,))
        yield Target({"number": f"{sd.meeting}-99"}, ghost=True)
    elif rule.number == "unit":  # a unit of the profile, by its key
        yield Target({"key": "dc"})
        yield Target({"key": "nosuch"}, ghost=True)
    else:
        yield Target({})


def expected(rule: Rule, method: str, role: str, unit: str, target: Target, store: Store) -> frozenset[str]:
    """What the policy says `role` must get; a unit is a role with its own unit name."""
    kind = {"dc": "unit", "xc": "unit", "czj": "unit", "fgj": "bureau"}.get(role, role)
    allowed = POST_OK if method == "POST" else READ_OK
    if kind not in rule.who:
        if role == "anonymous":  # HTML: to the login page; API: 401
            return frozenset({"401", "403"} if rule.path.startswith("/api/") else {"login", "403"})
        return FORBIDDEN | HIDDEN if target.ghost else FORBIDDEN  # a 404 for nothing leaks nothing
    if target.ghost:
        # A unit must not tell a guessed number from another unit's; the bureau sees everything
        # anyway, so its empty post may be refused for the missing reason before the lookup.
        return HIDDEN if kind == "unit" or method != "POST" else HIDDEN | (POST_OK - {"ok"})
    if rule.scope == "all" or not target.owner:
        return allowed
    own = unit == target.owner
    if rule.scope in ("own", "part"):
        helps = rule.scope == "part" and unit in target.helpers
        return allowed if own or helps or kind != "unit" else HIDDEN
    # owner-edit
    if kind != "unit":
        return FORBIDDEN
    if not own:
        return HIDDEN
    doc = store.get(target.kind, target.number)
    if doc and doc.get("status") in ("draft", "returned"):
        return allowed
    return LOCKED_VIEW if method in ("GET", "HEAD") and rule.path.endswith("/edit") else LOCKED


def outcome(status: int, location: str) -> str:
    if status >= 500:
        return "500"
    if status in (303, 307) and location.startswith("/app/login?next="):
        return "login"
    if status == 303 and location.endswith("?done=locked"):
        return "locked"
    if 200 <= status < 400:
        return "ok"
    if status in (400, 415, 422):
        return "input"
    return str(status)
