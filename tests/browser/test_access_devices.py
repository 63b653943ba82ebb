"""Every reader and official, on any device: axe-core on every page, a phone-width pass, keyboard-only use.

The pages come from tests/pages_catalog.py (each kind of site page; each app page of each role, forms with
their errors shown). One demo district, one site build and one live server serve the whole module.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from a11y_support import (
    DESKTOP,
    OUTSIDE,
    PHONE,
    AxeTally,
    Layout,
    axe_source,
    chromium,
    measure_layout,
    run_axe,
    screenshot,
    search,
    send_empty,
    tab,
    tab_to,
    thumb_problems,
    unlinked_errors,
)
from browser import ARTIFACTS, live_server
from conftest import PASSWORD, TODAY, fixed_now
from pages_catalog import ROLES, Visit, app_visits, site_visits
from playwright.sync_api import Browser, Page

from generator.build import publish
from xietiao.accounts import add_user, get_user
from xietiao.cycle.issuelist import data_of
from xietiao.cycle.meetings import all_meetings, create_meeting, open_call, save_minutes, status_of
from xietiao.demo.generate import make_demo
from xietiao.model import MeetingStatus
from xietiao.store.engine import Store
from xietiao.units import UnitKind, all_units, bureau_name, government_name

pytestmark = pytest.mark.browser
EDITABLE = ("draft", "returned")


@dataclass(frozen=True)
class World:
    base: str
    store: Store
    accounts: dict[str, str]  # role -> username
    unit: str  # the unit the unit account belongs to
    visits: tuple[Visit, ...]


def _busiest_unit(store: Store) -> str:
    """An ordinary unit with a draft or returned record to edit, leading the most agreed items."""
    editable = {
        str(d["unit"]) for f in ("project", "issue", "progress") for d in store.all(f) if d["status"] in EDITABLE
    }
    led: dict[str, int] = {}
    for item in store.all("item"):
        led[str(item["lead_unit"])] = led.get(str(item["lead_unit"]), 0) + 1
    ordinary = {u.name for u in all_units() if u.kind not in (UnitKind.BUREAU, UnitKind.GOVERNMENT)}
    return max(ordinary & editable, key=lambda u: (led.get(u, 0), u))


def _meetings_in_every_state(store: Store, unit: str) -> None:
    """Beside the demo's published meetings: the next one with its call open (the plan form can be sent),
    one held (the minutes form) and one with minutes before the leader (something to approve)."""
    upcoming = [m for m in all_meetings(store) if status_of(m) is MeetingStatus.PLANNED]
    fgj = get_user(store, "fgj")
    assert upcoming and fgj
    open_call(store, fgj, str(upcoming[-1]["number"]), fixed_now())
    project = str(next(p for p in store.all("project") if p["status"] == "accepted")["number"])
    minutes = {
        "convener": "常务副区长",
        "place": "区政府三楼会议室",
        "attendance": [bureau_name(), unit],
        "minutes": "会议听取了项目推进情况汇报，研究了用地和资金保障问题。",
        "agreed": [
            {
                "project": project,
                "content": "12月底前完成用地报批",
                "lead_unit": unit,
                "person": {"name": "王工", "phone": "13800000001"},
                "planned": "2026-12-31",
            }
        ],
    }
    drafted, _held = (
        create_meeting(store, day, actor="fgj", now=fixed_now(), status=MeetingStatus.HELD)
        for day in (date(2026, 11, 26), date(2026, 11, 27))
    )
    save_minutes(store, fgj, str(drafted["number"]), minutes, fixed_now(), submit=True)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("devices")
    with Store(root / "data", create=True) as store:
        make_demo(store, TODAY, "demo", accounts=False)
        unit = _busiest_unit(store)
        code = next(u.code for u in all_units() if u.name == unit)
        accounts = {"unit": code, "bureau": "fgj", "leader": "leader", "admin": "admin"}
        add_user(store, code, unit, "unit", PASSWORD)
        add_user(store, "fgj", bureau_name(), "bureau", PASSWORD)
        add_user(store, "leader", government_name(), "leader", PASSWORD)
        add_user(store, "admin", bureau_name(), "admin", PASSWORD)
        _meetings_in_every_state(store, unit)
        result = publish(store, root / "site", TODAY)
        assert result.ok, result.error
        with live_server(store, root / "site", TODAY) as (base, app):
            units = {"unit": unit, "bureau": bureau_name(), "leader": government_name(), "admin": bureau_name()}
            forms = sorted(app.state.xietiao.forms)  # type: ignore[attr-defined]
            visits = site_visits(root / "site") + app_visits(app.routes, store, units, forms)  # type: ignore[attr-defined]
            yield World(base, store, accounts, unit, tuple(visits))


def _visit(page: Page, base: str, visit: Visit) -> bool:
    """Open the page; False when a role the policy does not name is refused (the visit is dropped)."""
    response = page.goto(base + visit.path)
    status = response.status if response else 0
    if visit.path == "/404.html":
        return True
    if not visit.sure and status in (403, 404):
        return False
    assert status < 400, f"{visit.name}: {visit.path} answered {status}"
    if visit.search:
        search(page, visit.search)
    return True


def walk(browser: Browser, world: World, viewport: dict[str, int], look: Callable[[Page, str], None]) -> list[str]:
    """Every page of the catalogue, each role in its own session; `look` sees each page (and its errors)."""
    seen: list[str] = []
    for who in ("reader", "anonymous", *ROLES):
        mine = [v for v in world.visits if v.who == who]
        if not mine:
            continue
        with tab(browser, viewport, world.base, world.accounts.get(who, "")) as page:
            for visit in mine:
                if not _visit(page, world.base, visit):
                    continue
                look(page, visit.name)
                seen.append(visit.name)
                if visit.errors and send_empty(page):  # still on the page: send its own form back empty
                    look(page, visit.name + "-errors")
                    seen.append(visit.name + "-errors")
    return seen


def test_the_catalogue_covers_every_role_and_form(world: World) -> None:
    whos = {v.who for v in world.visits}
    assert {"reader", "anonymous", *ROLES} <= whos
    site = [v.path for v in world.visits if v.who == "reader"]
    for kind in ("/", "/projects/", "/projects/P-", "/meetings/", "/ledger/", "/board/", "/units/"):
        assert any(p.startswith(kind) for p in site), f"no site page like {kind}: {site}"
    unit_pages = [v.path for v in world.visits if v.who == "unit"]
    assert sum(p.startswith("/app/forms/") for p in unit_pages) == 5
    assert any(v.errors for v in world.visits if v.who == "unit")


def test_axe_finds_nothing_serious_on_any_page(world: World) -> None:
    source = axe_source()
    tally = AxeTally()
    unlinked: list[str] = []

    def look(page: Page, name: str) -> None:
        tally.violations.extend(run_axe(page, source, name))
        tally.pages += 1
        if name.endswith("-errors"):
            unlinked.extend(f"{name}: {e}" for e in unlinked_errors(page))
        screenshot(page, f"{name}-1366")

    started = time.monotonic()
    with chromium() as browser:
        seen = walk(browser, world, DESKTOP, look)
    print(f"\naxe pass: {len(seen)} page states in {time.monotonic() - started:.0f} s")
    report = [{"page": v.page, "rule": v.rule, "impact": v.impact, "nodes": list(v.nodes)} for v in tally.violations]
    (ARTIFACTS / "axe-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    print("\n" + tally.summary() + f"\npages: {', '.join(seen)}")
    for v in tally.violations:
        print("  " + v.line())
    assert any(name.endswith("-errors") for name in seen), "no form was shown with its errors"
    assert OUTSIDE == [], f"pages asked outside hosts: {OUTSIDE[:5]}"
    assert tally.pages == len(seen) >= 40
    assert all((ARTIFACTS / f"{name}-1366.png").exists() for name in seen)
    assert tally.blocking() == [], "\n".join(v.line() for v in tally.blocking())
    assert unlinked == [], "errors no field names in aria-describedby:\n" + "\n".join(unlinked)


def test_phones_never_scroll_sideways_nor_squeeze_table_text(world: World) -> None:
    layouts: list[Layout] = []
    thumbs: list[str] = []

    def look(page: Page, name: str) -> None:
        layouts.append(measure_layout(page, name))
        if name.startswith("app-"):  # the offices' pages are used with a thumb, on site visits too
            thumbs.extend(thumb_problems(page, name))
        screenshot(page, f"{name}-375")

    started = time.monotonic()
    with chromium() as browser:
        walk(browser, world, PHONE, look)
    print(f"\nphone pass: {len(layouts)} page states in {time.monotonic() - started:.0f} s")
    problems = [p for layout in layouts for p in layout.problems()] + thumbs
    print(f"\nphone pages checked: {len(layouts)}; problems: {len(problems)}")
    for p in problems:
        print("  " + p)
    assert len(layouts) >= 40
    assert OUTSIDE == [], f"pages asked outside hosts: {OUTSIDE[:5]}"
    assert all((ARTIFACTS / f"{layout.page}-375.png").exists() for layout in layouts)
    assert problems == []


def test_keyboard_alone_files_a_monthly_report(world: World) -> None:
    """Log in, open an owed report from the workbench, change it and submit it: Tab, typing and Enter only."""
    with chromium() as browser, tab(browser, DESKTOP, world.base) as page:
        page.goto(f"{world.base}/app/login")
        unseen = tab_to(page, "input[name=username]")
        page.keyboard.type(world.accounts["unit"])
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == f"{world.base}/app/"
        unseen += tab_to(page, "#owed-reports a[href*='/app/forms/progress/new?item=']")
        item = page.evaluate("() => new URL(document.activeElement.href).searchParams.get('item')")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        unseen += tab_to(page, "select[name=status]")
        for _ in range(4):  # from wherever the carried report stands, up to （请选择）, then one down
            page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowDown")
        assert page.eval_on_selector("select[name=status]", "e => e.value") == "按计划推进"
        unseen += tab_to(page, "textarea[name=progress]")
        page.keyboard.press("Control+A")
        page.keyboard.type("本月完成施工图审查，取得施工许可。")
        unseen += tab_to(page, "input[name=percent]")
        page.keyboard.press("Control+A")
        page.keyboard.type("70")
        unseen += tab_to(page, "button[value=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "已提交，回执编号" in page.inner_text("main"), page.inner_text("main")[:400]
        screenshot(page, "keyboard-report-filed")
    filed = [data_of(d) for d in world.store.all("progress") if d["status"] == "submitted"]
    assert any(d.get("item") == item and d.get("progress") == "本月完成施工图审查，取得施工许可。" for d in filed)
    assert unseen == [], f"focus not visible on: {unseen}"


def _names(page: Page) -> list[str]:
    cells = "article table tbody tr td:nth-child(2)"
    return [str(n) for n in page.eval_on_selector_all(cells, "tds => tds.map(t => t.innerText.trim())")]


def test_keyboard_alone_sorts_the_project_list(world: World) -> None:
    with chromium() as browser, tab(browser, DESKTOP, world.base) as page:
        page.goto(f"{world.base}/projects/")
        before = _names(page)
        unseen = tab_to(page, "article th button.xt-sort", "项目名称")
        page.keyboard.press("Enter")
        ascending = _names(page)
        header = "article th:has(button:text-is('项目名称'))"
        assert page.get_attribute(header, "aria-sort") == "ascending"
        page.keyboard.press("Space")
        descending = _names(page)
        assert page.get_attribute(header, "aria-sort") == "descending"
        collated = page.evaluate("(n) => n.slice().sort(new Intl.Collator('zh-Hans-CN').compare)", before)
        screenshot(page, "keyboard-projects-sorted")
    assert len(before) >= 20 and ascending != before
    assert ascending == collated and descending == list(reversed(ascending))
    assert unseen == [], f"focus not visible on: {unseen}"


A4_PRINTABLE = {"width": 703, "height": 1000}  # 210 mm less 2 × 12 mm margins, at 96 px per inch

_PRINTED = """() => {
  const visible = (sel) => [...document.querySelectorAll(sel)].some(e => e.checkVisibility());
  const heads = [...document.querySelectorAll('thead')].map(t => getComputedStyle(t).display);
  return {sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          chrome: visible('.md-header, .md-sidebar, .md-search, header.top, form.filters, footer'),
          heads: heads.filter(d => d !== 'table-header-group').length,
          text: document.querySelector('main, article').innerText.length};
}"""


def test_ledger_board_and_project_print_on_a4(world: World) -> None:
    project = next(v.path for v in world.visits if v.name == "site-projects-p-9-9")
    pages = [("reader", "/ledger/"), ("reader", "/board/"), ("reader", project), ("bureau", "/app/ledger")]
    with chromium() as browser:
        for who, path in pages:
            with tab(browser, A4_PRINTABLE, world.base, world.accounts.get(who, "")) as page:
                page.emulate_media(media="print")
                page.goto(world.base + path)
                printed = page.evaluate(_PRINTED)
                name = "print-" + ("app-ledger" if path.startswith("/app") else path.strip("/").split("/")[0])
                pdf = ARTIFACTS / f"{name}.pdf"
                page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, print_background=True)
                screenshot(page, name)
            sheets = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf.read_bytes()))
            print(f"\n{path}: {sheets} A4 sheet(s), {printed}")
            assert printed["sideways"] <= 0, f"{path} is wider than A4 when printed"
            assert not printed["chrome"], f"{path} prints its menus, search or filters"
            assert printed["heads"] == 0, f"{path}: table headers do not repeat on each sheet"
            assert printed["text"] > 200 and sheets >= 1
