"""Every reader and official, on any device: axe-core on every page, a phone-width pass, keyboard-only use.

The pages come from tests/pages_catalog.py (each kind of site page; each app page of each role, forms with
their errors shown, and the pages behind a post); tests/a11y_world.py builds the district and walks them.
One demo district, one site build and one live server serve the whole module.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

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
    tab,
    tab_to,
    thumb_problems,
    unannounced_errors,
    unlinked_errors,
    unseen_focus,
)
from a11y_world import World, open_world, walk
from browser import ARTIFACTS
from conftest import PASSWORD
from pages_catalog import ROLES
from playwright.sync_api import Page

from xietiao.accounts import get_user
from xietiao.cycle.issuelist import data_of

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with open_world(tmp_path_factory.mktemp("devices")) as opened:
        yield opened


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
    unannounced: list[str] = []
    unseen: list[str] = []

    def look(page: Page, name: str) -> None:
        tally.violations.extend(run_axe(page, source, name))
        tally.pages += 1
        if name.endswith("-errors"):
            unlinked.extend(f"{name}: {e}" for e in unlinked_errors(page))
            unannounced.extend(f"{name}: {e}" for e in unannounced_errors(page))
        screenshot(page, f"{name}-1366")
        unseen.extend(unseen_focus(page, name))  # last: it moves the focus and may scroll

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
    assert unannounced == [], "errors neither announced nor tied to a field:\n" + "\n".join(unannounced)
    assert unseen == [], "focus not visible:\n" + "\n".join(unseen)


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
        # Next month's plan as well: a report that repeats last month's is asked to be confirmed first.
        unseen += tab_to(page, "textarea[name=next_steps]")
        page.keyboard.press("Control+A")
        page.keyboard.type("下月组织施工单位进场，完成场地平整。")
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


def _choose(page: Page, select: str, label: str, limit: int = 200) -> None:
    """Move a focused drop-down to the option with this label by arrow keys alone."""
    for _ in range(limit):
        if page.eval_on_selector(select, "s => s.options[s.selectedIndex].text") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{select}: no option {label!r} within {limit} arrow presses")


def test_keyboard_alone_makes_an_account_whose_owner_sets_a_password(world: World) -> None:
    """The admin makes a unit account, and its owner logs in and replaces the first password: keys only."""
    username, new_password = "kbd-clerk", "Qingshan-2026-xt"
    with chromium() as browser:
        with tab(browser, DESKTOP, world.base, world.accounts["admin"]) as page:
            page.goto(f"{world.base}/app/admin/users")
            unseen = tab_to(page, "#new-username")
            page.keyboard.type(username)
            unseen += tab_to(page, "#new-unit")
            _choose(page, "#new-unit", world.unit)
            unseen += tab_to(page, "#add button[type=submit]")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            first = page.inner_text("#shown-password").strip()
            screenshot(page, "keyboard-account-made")
        with tab(browser, DESKTOP, world.base) as page:
            page.goto(f"{world.base}/app/login")
            unseen += tab_to(page, "input[name=username]")
            page.keyboard.type(username)
            page.keyboard.press("Tab")
            page.keyboard.type(first)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            page.wait_for_url(f"{world.base}/app/password")  # a first password must be replaced before work
            for field, text in (("#pw-current", first), ("#pw-new", new_password), ("#pw-repeat", new_password)):
                unseen += tab_to(page, field)
                page.keyboard.type(text)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert "密码已修改" in page.inner_text("main"), page.inner_text("main")[:300]
            screenshot(page, "keyboard-password-changed")
    made = get_user(world.store, username)
    assert made is not None and made.unit == world.unit and not made.must_change
    assert unseen == [], f"focus not visible on: {unseen}"


_ROW_STATE = """(group) => {
  const rows = [...document.querySelectorAll('#' + group + ' .group-row')];
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const last = rows[rows.length - 1];
  const refs = [...last.querySelectorAll('[aria-describedby], [aria-labelledby]')]
    .flatMap(e => [e.getAttribute('aria-describedby'), e.getAttribute('aria-labelledby')])
    .filter(Boolean).flatMap(v => v.split(/\\s+/));
  return {rows: rows.length, number: last.querySelector('.hint').textContent.trim(),
          marked: last.querySelectorAll('[aria-invalid], .has-error').length,
          twins: ids.filter((id, i) => ids.indexOf(id) !== i),
          dangling: refs.filter(id => !document.getElementById(id)),
          foreign: refs.filter(id => !last.querySelector('#' + CSS.escape(id)))};
}"""


def test_a_row_added_to_a_form_sent_back_is_its_own(world: World) -> None:
    """ "Add a row" copies the last row: the copy says its own number, has ids of its own, no error marks,
    and its fields name only its own help texts (checked on a fresh form and on one sent back with errors)."""
    states = []
    with chromium() as browser, tab(browser, DESKTOP, world.base, world.accounts["unit"]) as page:
        page.goto(f"{world.base}/app/forms/project/new")
        page.click("button[data-add-row=g-milestones]")
        states.append(page.evaluate(_ROW_STATE, "g-milestones"))
        page.fill("[name=milestones-0-task]", "完成项目立项")  # a row begun, its stage and date left out
        page.eval_on_selector("form[method=post]:has(button[value=submit])", "f => { f.noValidate = true; }")
        with page.expect_navigation():
            page.click("button[value=submit]")
        assert page.locator("#g-milestones .field-error").count() >= 2, "the begun row shows no errors"
        page.click("button[data-add-row=g-milestones]")
        states.append(page.evaluate(_ROW_STATE, "g-milestones"))
    for state in states:
        assert state["number"] == f"第 {state['rows']} 行", state
        assert state["marked"] == 0 and state["twins"] == [] and state["dangling"] == [] and state["foreign"] == []


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
