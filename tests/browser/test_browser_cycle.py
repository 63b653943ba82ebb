"""One whole meeting cycle in real Chromium on the demo data, ending with its decisions found by the site's search."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium_page, live_server, login, logout, shot
from conftest import PASSWORD, TODAY
from playwright.sync_api import expect

from generator.build import publish
from xietiao.accounts import add_user
from xietiao.demo.generate import make_demo
from xietiao.store.engine import Store

pytestmark = pytest.mark.browser

MEETING = "2026-21"  # the demo's next meeting: planned for Friday 4 December 2026
ACCOUNTS = {
    "fgj": ("区发展改革局", "bureau"),
    "leader": ("区政府", "leader"),
    "jk": ("XX经开集团", "unit"),
    "gtxc": ("XX高铁新城建设中心", "unit"),
}
# Words jieba keeps whole and the demo never uses: what a reader would type to find these decisions.
FIRST = "12月20日前完成古樟树迁移保护方案论证，确保不影响主体开工。"
SECOND = "年底前完成萤火虫栖息地生态影响评估并报区生态环境分局备案。"
SEARCH_WORD = "樟树"
SITE_DEADLINE = 60.0  # seconds from the leader's approval to the item on the site


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[Store]:
    """The real demo (no demo logins), the few accounts the test needs, and the site built once."""
    with Store(tmp_path / "data", create=True) as store:
        make_demo(store, TODAY, "demo", accounts=False)
        for name, (unit, role) in ACCOUNTS.items():
            add_user(store, name, unit, role, PASSWORD)
        result = publish(store, tmp_path / "site", TODAY)
        assert result.ok, result.error
        yield store


def _status(page) -> str:  # type: ignore[no-untyped-def]
    return page.inner_text("#meeting-status").strip()


def _propose_issue(page, base: str, user: str, problem: str, urgency: str, ask: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A unit files an issue on its first project; returns (issue number, project number)."""
    login(page, base, user)
    page.click("a.button:text('议题申报')")
    page.wait_for_url(f"{base}/app/forms/issue/new")
    options = page.locator("#f-project option").all()
    project = next(o.get_attribute("value") for o in options if o.get_attribute("value"))
    page.select_option("#f-project", project)
    page.select_option("#f-kind", "审批")
    page.fill("#f-problem", problem)
    page.select_option("#f-urgency", urgency)
    page.fill("#f-coordinated", "11月中旬已由区发展改革局召集相关部门会商，仍未解决。")
    page.fill("#f-coordinated_by", "区发展改革局")
    page.fill("#f-ask", ask)
    page.check("input[name=needs_city][value=no]")
    page.fill("#f-contact", "陈晓")
    page.fill("input[name=contact-phone]", "13800000021")
    page.click("button[value=submit]")
    page.wait_for_selector("text=已提交，回执编号")
    number = re.search(r"Q-2026-\d{4}", page.inner_text("h1"))
    assert number, page.inner_text("h1")
    logout(page)
    return number.group(0), str(project)


def _open_call(page, base: str) -> None:  # type: ignore[no-untyped-def]
    login(page, base, "fgj")
    # The workbench lists the overdue call first and links to the meeting where it is sent.
    todo = page.locator(f"#todo-cycle tr[data-todo=cycle]:has(a[href='/app/cycle/{MEETING}'])")
    expect(todo).to_contain_text("发布议题征集通知")
    expect(todo).to_contain_text("已逾期")
    todo.locator("a").click()
    assert _status(page) == "已计划"
    page.click("button:text('发布议题征集通知')")
    expect(page.locator("#meeting-status")).to_have_text("议题征集中")
    shot(page, "cycle-01-call-open")
    logout(page)


def _review_issues(page, base: str, accept: str, ret: str) -> None:  # type: ignore[no-untyped-def]
    login(page, base, "fgj")
    page.click("header a:text('问题清单')")
    page.wait_for_selector(f"#row-{accept}")
    page.click(f"#row-{accept} summary")
    page.fill(f"#row-{accept} input[name=note]", "已经主管部门协调，纳入本次清单。")
    page.click(f"#row-{accept} button:text('纳入清单')")
    expect(page.locator(f"#row-{accept} .st")).to_have_text("已纳入清单")
    page.click(f"#row-{ret} summary")
    page.fill(f"#row-{ret} input[name=reason]", "尚未经行业主管部门协调，请先协调后再申报。")
    page.click(f"#row-{ret} button:text('退回')")
    expect(page.locator(f"#row-{ret}")).to_have_count(0)  # returned: off the default (办理中) view
    # The full list shows both, the returned one with its reason.
    page.select_option("#f-state", "all")
    page.click("form.filters button:text('筛选')")
    page.wait_for_selector(f"#row-{ret} .st-returned")
    assert "已纳入清单" in page.inner_text(f"#row-{accept}")
    assert "尚未经行业主管部门协调" in page.inner_text(f"#row-{ret}")
    shot(page, "cycle-02-issues-reviewed")


def _propose_plan(page, base: str, accepted: str, returned: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/app/cycle/{MEETING}")
    page.click("a.button:text('拟定建议方案')")
    page.wait_for_url(f"{base}/app/cycle/{MEETING}/plan")
    assert page.is_checked(f"#i-{accepted}")  # the accepted issue is suggested
    assert page.locator(f"#i-{returned}").count() == 0  # the returned one cannot be planned
    shot(page, "cycle-03-plan")
    page.click("button:text('报送区领导审定')")
    # The call went out today: units may still propose until Monday, so sending now is confirmed first.
    expect(page.locator("#confirm-early")).to_contain_text("才截止")
    assert _status_unchanged(page) and page.is_checked(f"#i-{accepted}")
    page.click("#confirm-early button:text('确认现在报送')")
    page.wait_for_url(f"{base}/app/cycle/{MEETING}")
    assert _status(page) == "方案待审定"
    logout(page)


def _leader_approves(page, base: str, shown: str, name: str) -> float:  # type: ignore[no-untyped-def]
    """The leader approves what waits for meeting MEETING; returns the monotonic time of the click."""
    login(page, base, "leader")
    page.click("header a:text('待审定')")
    card = f"#m-{MEETING}"
    page.wait_for_selector(card)
    assert shown in page.inner_text(card)
    shot(page, name)
    clicked = time.monotonic()
    page.click(f"{card} button:text('审定通过')")
    page.wait_for_selector('[role=status]:has-text("已审定")')
    assert page.locator(card).count() == 0
    return clicked


def _mark_held(page, base: str) -> None:  # type: ignore[no-untyped-def]
    login(page, base, "fgj")
    page.goto(f"{base}/app/cycle/{MEETING}")
    assert _status(page) == "方案已审定"
    # Held early, on the test's today: a meeting cannot be recorded as held in the future.
    assert page.input_value("#held-date") == TODAY.isoformat()
    page.click("button:text('登记例会已召开')")
    expect(page.locator("#meeting-status")).to_have_text("已召开")


def _status_unchanged(page) -> bool:  # type: ignore[no-untyped-def]
    """Still on the plan page with nothing sent (the confirmation is a question, not a step)."""
    return page.url.endswith("/plan")


def _fill_agreed(
    page,
    i: int,
    project: str,
    issue: str,
    content: str,
    lead: str,
    co: str,  # type: ignore[no-untyped-def]
    person: tuple[str, str],
    planned: str,
    *,
    prefilled: bool = False,
) -> None:
    if prefilled:  # the row came with the plan's issue: its project and issue are already chosen
        assert page.input_value(f"select[name=agreed-{i}-project]") == project
        assert page.input_value(f"select[name=agreed-{i}-issue]") == issue
        assert issue in page.inner_text(f"select[name=agreed-{i}-issue] option:checked")
    else:
        page.select_option(f"select[name=agreed-{i}-project]", project)
    if issue and not prefilled:
        page.select_option(f"select[name=agreed-{i}-issue]", issue)
    page.fill(f"textarea[name=agreed-{i}-content]", content)
    page.select_option(f"select[name=agreed-{i}-lead_unit]", lead)
    # An added row arrives with no unit ticked (and this plan issue named none); tick the co-operating unit.
    assert page.locator(f"input[name=agreed-{i}-co_units]:checked").count() == 0
    if co:
        page.check(f"input[name=agreed-{i}-co_units][value='{co}']")
    page.fill(f"input[name=agreed-{i}-person-name]", person[0])
    page.fill(f"input[name=agreed-{i}-person-phone]", person[1])
    page.fill(f"input[name=agreed-{i}-planned]", planned)


def _draft_minutes(page, base: str, issue: str, project: str, other_project: str) -> None:  # type: ignore[no-untyped-def]
    page.click("a.button:text('起草会议纪要')")
    page.wait_for_url(f"{base}/app/cycle/{MEETING}/minutes")
    page.fill("input[name=place]", "区政府三楼会议室")
    page.fill("input[name=convener]", "常务副区长")
    page.fill("textarea[name=minutes]", "会议听取了上会项目推进情况汇报，研究了项目前期审批等问题。")
    # The draft starts with one discussion row per planned issue: each needs what was said.
    talks = page.locator("#g-discussions .group-row")
    for i in range(talks.count()):
        if page.input_value(f"select[name=discussions-{i}-issue]"):
            page.fill(f"textarea[name=discussions-{i}-text]", "责任单位汇报了进展，相关部门说明了办理情况。")
    rows = page.locator("#g-agreed .group-row")
    before = rows.count()
    # One row per plan issue (carried-over ones too), started from the issue: its project, the unit
    # that raised it, its contact. Rows nobody writes a decision in are left out when it is sent.
    issues = [page.input_value(f"select[name=agreed-{i}-issue]") for i in range(before)]
    assert issue in issues and all(issues)
    mine = issues.index(issue)
    assert page.input_value(f"select[name=agreed-{mine}-lead_unit]") == "XX经开集团"
    assert page.input_value(f"input[name=agreed-{mine}-person-name]") == "陈晓"
    _fill_agreed(
        page,
        mine,
        project,
        issue,
        FIRST,
        "区自然资源和规划分局",
        "XX经开集团",
        ("赵刚", "13800000031"),
        "2026-12-20",
        prefilled=True,
    )
    page.click("button[data-add-row=g-agreed]")
    assert rows.count() == before + 1
    new = before  # the row the button added
    assert page.input_value(f"textarea[name=agreed-{new}-content]") == ""
    _fill_agreed(
        page,
        new,
        other_project,
        "",
        SECOND,
        "XX高铁新城建设中心",
        "区生态环境分局",
        ("钱丽", "0577-12345678"),
        "2026-12-31",
    )
    shot(page, "cycle-04-minutes-draft")
    page.click("button:text('报送区领导审定')")
    page.wait_for_url(f"{base}/app/cycle/{MEETING}")
    assert _status(page) == "纪要待审定"
    logout(page)


def _wait_for_site(page, base: str, clicked: float) -> float:  # type: ignore[no-untyped-def]
    """Poll the meeting's page on the site until it holds the new item; seconds since the click.

    The polling is plain HTTP, not page loads: the site answers without Cache-Control, so a
    browser that loaded the old site (even its 404 page) keeps the old search index for a while.
    """
    url = f"{base}/meetings/{MEETING}/"
    while True:
        response = page.request.get(url)
        if response.ok and "古樟树迁移保护方案论证" in response.text():
            return time.monotonic() - clicked
        if time.monotonic() - clicked > SITE_DEADLINE:
            pytest.fail(f"议定事项在审定后 {SITE_DEADLINE:.0f} 秒内没有出现在 {url}")
        time.sleep(0.25)


def _search(page, base: str, word: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Type into the site's search box as a reader would; the result links, once the list shows the query."""
    page.goto(f"{base}/about/")  # any page has the search box; this one is short for the screenshot
    meta = page.locator(".md-search-result__meta")
    box = page.locator("input.md-search__input")
    box.fill(word)
    box.press("End")  # the search runs on keyup, as Material's did
    # The site's script (javascripts/search.js) marks which query the list shows, then says what it found.
    page.wait_for_function("q => document.querySelector('.md-search-result').dataset.query === q", arg=word)
    expect(meta).to_have_text(re.compile(r"找到 \d+ 个页面含"), timeout=30_000)
    links = page.locator(".md-search-result__item a.md-search-result__link")
    expect(links.first).to_be_visible()
    return [str(links.nth(i).get_attribute("href")) for i in range(links.count())]


def test_whole_cycle_in_the_browser_ends_on_the_site(demo_store: Store, tmp_path: Path) -> None:
    store = demo_store
    with live_server(store, tmp_path / "site", TODAY) as (base, app), chromium_page() as page:
        _open_call(page, base)
        q1, p1 = _propose_issue(
            page,
            base,
            "jk",
            "产业园二期规划方案审批迟迟未批，影响开工节点。",
            "紧急",
            "请区政府协调自然资源分局12月中旬前完成规划方案审批。",
        )
        q2, p2 = _propose_issue(
            page, base, "gtxc", "站前广场征迁补偿资金缺口约两千万元。", "特急", "请区政府协调征迁补偿资金。"
        )
        _review_issues(page, base, q1, q2)
        assert store.get("issue", q2)["list_state"] == "returned"  # type: ignore[index]
        _propose_plan(page, base, q1, q2)

        _leader_approves(page, base, q1, "cycle-03b-leader-plan")
        logout(page)
        assert store.get("meeting", MEETING)["status"] == "plan_approved"  # type: ignore[index]

        _mark_held(page, base)
        _draft_minutes(page, base, q1, p1, p2)
        clicked = _leader_approves(page, base, "古樟树迁移保护方案论证", "cycle-04b-leader-minutes")
        seconds = _wait_for_site(page, base, clicked)  # the site is public: no need to log out first
        print(f"\n从区领导点击“审定通过”到议定事项出现在内网站点：{seconds:.1f} 秒")
        page.goto(f"{base}/meetings/{MEETING}/")
        shot(page, "cycle-05-site-meeting")
        article = page.inner_text("article")
        assert "萤火虫栖息地生态影响评估" in article
        assert f"{MEETING}-01" in article and f"{MEETING}-02" in article

        hits = _search(page, base, SEARCH_WORD)
        shot(page, "cycle-06-site-search")
        assert any(f"meetings/{MEETING}/" in h for h in hits), hits

        items = {d["number"]: d for d in store.all("item") if d["meeting"] == MEETING}
        assert sorted(items) == [f"{MEETING}-01", f"{MEETING}-02"]
        assert items[f"{MEETING}-01"]["issue"] == q1 and items[f"{MEETING}-02"]["lead_unit"] == "XX高铁新城建设中心"
        assert items[f"{MEETING}-02"]["co_units"] == ["区生态环境分局"]
        app.state.xietiao.publisher.wait(120)
        assert store.get("meeting", MEETING)["status"] == "published"  # type: ignore[index]
