"""A second district runs the whole cycle on its own profile: its units, names, numbering, deadlines and thresholds.

The county below differs from the demo district in every setting the profile holds. Its instance
is made by `create_instance`, its forms' wording adapted as an operator would; the cycle runs
through HTTP on the real app, the site is built by the real MkDocs, and nothing the pages, the
Word papers or the deadlines show may come from the demo district.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import docx
import pytest
from conftest import Client, fixed_now

from xietiao.accounts import add_user
from xietiao.cycle.deadlines import meeting_deadlines, submissions_due
from xietiao.cycle.workdays import WorkCalendar
from xietiao.instance.create import create_instance
from xietiao.instance.layout import Instance
from xietiao.jsonvalue import Doc
from xietiao.profile import Profile, using
from xietiao.store.engine import Store

TODAY = date(2026, 11, 28)  # a Saturday
PASSWORD = "county-password-1"
COUNTY = """
district: {name: 青山县, level: 县}
government: {name: 县政府, code: xzf, login: xld, leaders: [常务副县长, 副县长]}
bureau: {name: 县发展和改革局, code: xfg, aliases: [县发改局], login: xfg}
units:
  - {name: 县财政局, code: xczj, kind: 部门, aliases: [县国资办]}
  - {name: 县自然资源和规划局, code: xzrj, kind: 部门}
  - {name: 县城投集团, code: ct, kind: 国有集团}
  - {name: 城关镇, code: cgz, kind: 镇街}
  - {name: 白石乡, code: bsx, kind: 镇街}
documents:
  minutes_number: "青政专纪〔{year}〕{n}号"
  addressees: "各乡镇，县级有关部门，县城投集团"
  copy_to: [县委办公室, 县人大常委会办公室]
meeting: {weekday: 周四, time: "09:00", place: 县行政中心五楼会议室}
deadlines: {call: 2, list: 4, minutes: 2}
colours: {yellow: 2, red: 6}
"""
# What an operator changes in the forms' wording for a county (forms are the instance's own text).
WORDING = {"区政府": "县政府", "区委": "县委", "区发展改革局": "县发展和改革局", "区年度": "县年度", "区级": "县级"}
WORDING |= {"全区": "全县", "区里": "县里"}
# Nothing of the demo district may show anywhere.
DEMO_WORDS = ("区政府", "区发展改革局", "区领导", "常务副区长", "区人民政府办公室", "区委办公室", "XX", "东城街道")
PREVIOUS, MEETING = "2026-12", "2026-13"


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


# Session and CSRF tokens are random letters: "XX" in one of them is chance, not the demo district.
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,}")


def _leaks(text: str) -> list[str]:
    words = TOKEN.sub(" ", text)
    return [w for w in DEMO_WORDS if w in words]


class County:
    """The county's instance, app and logged-in clients, and every text the test looked at."""

    def __init__(self, root: Path, profile: Profile, store: Store) -> None:
        from cli.assemble import assemble_app

        self.instance = Instance(root)
        self.profile = profile
        self.store = store
        self.app = assemble_app(
            store, site_dir=self.instance.site_dir, today=lambda: TODAY, now=fixed_now, sources=self.instance.sources()
        )
        self.seen: dict[str, str] = {}

    def client(self, username: str) -> Client:
        c = Client(self.app, base_url="http://testserver")
        r = c.post("/api/login", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.csrf = r.json()["csrf"]
        c.headers["X-CSRF-Token"] = c.csrf
        return c

    def page(self, c: Client, path: str) -> str:
        r = c.get(path)
        assert r.status_code == 200, (path, r.text[:500])
        self.seen[path] = r.text
        return r.text

    def post(self, c: Client, path: str, data: dict[str, object] | None = None) -> str:
        r = c.post(path, data={"csrf": c.csrf, **(data or {})}, follow_redirects=True)
        assert r.status_code == 200, (path, r.text[:800])
        self.seen[f"POST {path}"] = r.text
        return r.text

    def paper(self, c: Client, path: str) -> str:
        r = c.get(path)
        assert r.status_code == 200, path
        self.seen[path] = _docx_text(r.content)
        return self.seen[path]


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    root = tmp_path_factory.mktemp("county") / "qingshan"
    source = root.parent / "青山县.yml"
    source.write_text(COUNTY, "utf-8")
    instance, profile = create_instance(root, source)
    for form in (root / "forms").glob("*.yml"):
        text = form.read_text("utf-8")
        for old, new in WORDING.items():
            text = text.replace(old, new)
        form.write_text(text, "utf-8")
    with using(profile), Store(instance.data_dir, create=True) as store:
        for name, unit, role in (
            ("xfg", "县发展和改革局", "bureau"),
            ("xld", "县政府", "leader"),
            ("cgz", "城关镇", "unit"),
            ("bsx", "白石乡", "unit"),
        ):
            add_user(store, name, unit, role, PASSWORD)
        store.insert("meeting", _previous(profile), actor="test", action="测试数据")
        store.insert("counter", {"number": "meeting-2026", "value": 12, "created": "0000"}, actor="test", action="测试")
        yield County(root, profile, store)


@pytest.fixture(autouse=True)
def _county_installed(county: County) -> Iterator[None]:
    with using(county.profile):
        yield


def _previous(profile: Profile) -> Doc:
    """The last meeting, held on Thursday 19 November and published."""
    return {
        "number": PREVIOUS,
        "date": "2026-11-19",
        "title": "2026年第12次重大项目协调例会",
        "status": "published",
        "place": profile.meeting.place,
        "convener": profile.government.leaders[0],
        "attendance": [],
        "projects": [],
        "issues": [],
        "discussions": [],
        "agreed": [],
        "minutes": "",
        "approved": "2026-11-20",
        "doc_number": profile.minutes_number(2026, 12),
        "steps": {"held": "2026-11-19T09:30:00+08:00"},
        "review_note": "",
        "created": "2026-11-13T09:00:00+08:00",
    }


def _project(name: str, town: str, planned: str) -> dict[str, object]:
    return {
        "name": name,
        "overview": "新建厂房及配套设施。",
        "category": "产业",
        "owner": "青山县城投集团有限公司",
        "lead_unit": town,
        "town": town,
        "plans": ["县年度重大建设项目计划"],
        "focus_reason": "要素保障有难度",
        "investment": "52000.00",
        "milestones": [{"node": "开工", "task": "主体工程开工", "planned": planned}],
        "persons": [{"person": {"name": "王建国", "phone": "13800000001"}, "role": "总负责"}],
        "confidential": False,
    }


def _issue(project: str) -> dict[str, object]:
    return {
        "project": project,
        "kind": "审批",
        "problem": "用地预审迟迟未批，影响开工节点。",
        "urgency": "紧急",
        "coordinated": "11月10日县发展和改革局召集自然资源部门会商，未解决。",
        "coordinated_by": "县发展和改革局",
        "ask": "请协调县自然资源和规划局加快用地预审。",
        "co_units": ["县自然资源和规划局"],
        "needs_city": False,
        "contact": {"name": "李明", "phone": "13800000002"},
    }


def test_the_whole_cycle_follows_the_county_profile(county: County) -> None:
    store, cal = county.store, WorkCalendar()
    xfg, xld, cgz, bsx = (county.client(u) for u in ("xfg", "xld", "cgz", "bsx"))
    p1 = cgz.post(
        "/api/forms/project", json={"action": "submit", "data": _project("城关智能制造园", "城关镇", "2026-10-10")}
    )
    p2 = bsx.post("/api/forms/project", json={"action": "submit", "data": _project("白石水库", "白石乡", "2026-05-01")})
    assert p1.status_code == p2.status_code == 201, (p1.text, p2.text)
    p1n, p2n = p1.json()["number"], p2.json()["number"]
    for number in (p1n, p2n):
        county.post(xfg, f"/app/records/project/{number}/accept")
    # A district's town is one of its own: the demo district's are refused.
    wrong = cgz.post(
        "/api/forms/project", json={"action": "submit", "data": _project("错镇", "东城街道", "2027-01-01")}
    )
    assert wrong.status_code == 422 and "town" in wrong.json()["errors"]

    # The bureau schedules the meeting: the profile's usual Thursday, place and convener are the defaults.
    listing = county.page(xfg, "/app/cycle")
    assert 'value="2026-12-03"' in listing and "周四" in listing
    county.post(xfg, "/app/cycle/new", {"date": "2026-11-26"})
    meeting = store.get("meeting", MEETING)
    assert meeting is not None and (meeting["place"], meeting["convener"]) == ("县行政中心五楼会议室", "常务副县长")

    # The call, two working days after the last meeting (Thursday 19th): due Monday 23rd; the list Wednesday 25th.
    county.post(xfg, f"/app/cycle/{MEETING}/open-call")
    meeting, previous = store.get("meeting", MEETING), store.get("meeting", PREVIOUS)
    assert meeting is not None and previous is not None
    call, plan, _ = meeting_deadlines(meeting, previous, cal, TODAY, days=county.profile.deadlines)
    assert (call.due, plan.due) == (date(2026, 11, 23), date(2026, 11, 25))
    page = county.page(xfg, f"/app/cycle/{MEETING}")
    assert "2026年11月23日" in page and "2026年11月25日" in page and "逾期" in page
    # Opened late on Saturday the 28th: the units still get a full working day, to Monday the 30th.
    assert submissions_due(meeting, previous, cal, TODAY, days=county.profile.deadlines) == date(2026, 11, 30)
    assert "2026年11月30日" in county.page(cgz, "/app/")
    notice = county.paper(xfg, f"/app/cycle/{MEETING}/call.docx")
    assert notice.count("各乡镇，县级有关部门，县城投集团：") == 1 and "请县政府协调的事项" in notice
    assert notice.splitlines()[-2] == "县发展和改革局"

    q1 = cgz.post("/api/forms/issue", json={"action": "submit", "data": _issue(p1n)})
    assert q1.status_code == 201, q1.text
    q1n = q1.json()["number"]
    county.post(xfg, f"/app/issues/{q1n}/accept")
    assert 'value="09:00"' in county.page(xfg, f"/app/cycle/{MEETING}/plan")
    units = ["县发展和改革局", "城关镇", "县自然资源和规划局"]
    county.post(
        xfg, f"/app/cycle/{MEETING}/plan", {"issues": [q1n], "attendance": units, "start": "09:00", "confirm": "early"}
    )
    assert "县领导" in county.page(xld, "/app/approvals")
    county.post(xld, f"/app/approvals/{MEETING}/approve", {"stage": "plan_proposed"})
    notice = county.paper(xfg, f"/app/cycle/{MEETING}/notice.docx")
    assert "经县政府同意，定于2026年11月26日上午9:00在县行政中心五楼会议室召开" in notice
    assert "由常务副县长召集" in notice and "需县政府协调的事项" in notice

    # Held on Thursday 26th: the next meeting is the next Thursday; the minutes are due two working days on.
    county.post(xfg, f"/app/cycle/{MEETING}/held", {"date": "2026-11-26"})
    nxt = store.get("meeting", "2026-14")
    assert nxt is not None and nxt["date"] == "2026-12-03"
    minutes = county.page(xfg, f"/app/cycle/{MEETING}/minutes")
    assert "常务副县长" in minutes and "超过2个月未完成为滞后，6个月为严重滞后" in minutes
    county.post(xfg, f"/app/cycle/{MEETING}/minutes", _minutes(p1n, q1n))
    meeting = store.get("meeting", MEETING)
    assert meeting is not None and meeting["status"] == "minutes_drafted"
    drafted = meeting_deadlines(meeting, previous, cal, TODAY, days=county.profile.deadlines)[-1]
    assert drafted.due == date(2026, 11, 30) and not drafted.late
    county.post(xld, f"/app/approvals/{MEETING}/approve", {"stage": "minutes_drafted"})
    status = county.app.state.xietiao.publisher.wait(600)
    assert status.ok, status.error

    meeting = store.get("meeting", MEETING)
    assert meeting is not None and meeting["doc_number"] == "青政专纪〔2026〕13号"
    text = county.paper(xfg, f"/app/cycle/{MEETING}/minutes.docx")
    assert text.splitlines()[0] == "县政府专题会议纪要" and "〔2026〕13号" in text
    assert "常务副县长在县行政中心五楼会议室主持召开" in text
    assert "抄送：县委办公室、县人大常委会办公室。" in text and "县人民政府办公室" in text

    _site_follows_the_county(county, p1n, p2n)
    for where in ("/app/", "/app/ledger", "/app/supervision", f"/app/ledger/{MEETING}-01"):
        county.page(xfg, where)
    assert len(county.seen) > 30 and any("城关镇" in t for t in county.seen.values())
    leaks = {where: found for where, text in county.seen.items() if (found := _leaks(text))}
    assert leaks == {}


def _minutes(project: str, issue: str) -> dict[str, object]:
    return {
        "action": "submit",
        "convener": "常务副县长",
        "place": "县行政中心五楼会议室",
        "attendance": ["县发展和改革局", "城关镇", "县自然资源和规划局"],
        "minutes": "会议听取了项目推进情况汇报，研究了用地预审问题。",
        "discussions-0-issue": issue,
        "discussions-0-text": "城关镇汇报了用地预审进展，县自然资源和规划局说明了报批情况。",
        "agreed-0-project": project,
        "agreed-0-issue": issue,
        "agreed-0-content": "12月20日前完成用地预审报批。",
        "agreed-0-lead_unit": "县自然资源和规划局",
        "agreed-0-co_units": ["城关镇"],
        "agreed-0-person-name": "赵刚",
        "agreed-0-person-phone": "13800000011",
        "agreed-0-planned": "2026-12-20",
    }


def _site_follows_the_county(county: County, green: str, red: str) -> None:
    """The built site: the county's units and thresholds; a node 7 weeks late is green at 2 months."""
    site = county.instance.site_dir
    home = (site / "index.html").read_text("utf-8")
    assert "满2个月为“滞后”，满6个月为“严重滞后”" in home
    board = (site / "board" / "index.html").read_text("utf-8")
    assert "超过计划节点2个月未完成为滞后，超过6个月为严重滞后" in board
    green_page = (site / "projects" / green / "index.html").read_text("utf-8")
    assert "未超过计划节点2个月" in green_page
    red_page = (site / "projects" / red / "index.html").read_text("utf-8")
    assert "超过6个月未完成（严重滞后）" in red_page
    assert (site / "units" / "cgz" / "index.html").exists() and "城关镇" in (site / "units" / "index.html").read_text(
        "utf-8"
    )
    meeting = (site / "meetings" / MEETING / "index.html").read_text("utf-8")
    assert "青政专纪〔2026〕13号" in meeting or "县政府" in meeting
    for page in site.rglob("*.html"):
        county.seen[str(page.relative_to(site))] = page.read_text("utf-8")
