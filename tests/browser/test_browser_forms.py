"""A town clerk and the bureau in real Chromium: register, propose, draft, return, resubmit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import chromium_page, live_server, login, logout, shot
from conftest import TODAY

from xietiao.store.engine import Store

pytestmark = pytest.mark.browser


def _register_project(page, base: str) -> str:  # type: ignore[no-untyped-def]
    page.click("text=项目登记")
    page.fill("#f-name", "东城智能制造产业园")
    page.fill("#f-overview", "新建标准厂房12万平方米及配套设施。")
    page.select_option("#f-category", "产业")
    page.fill("#f-owner", "XX经开集团")
    page.select_option("#f-lead_unit", "东城街道")
    page.select_option("#f-town", "东城街道")
    page.check("input[name=plans][value=区年度重大建设项目计划]")
    page.select_option("#f-focus_reason", "要素保障有难度")
    page.fill("#f-investment", "52000")
    nodes = [
        ("前期工作", "完成用地预审", "2026-03-31"),
        ("开工", "主体开工", "2026-06-30"),
        ("竣工", "主体竣工验收", "2027-12-31"),
        ("投产运营", "首批企业入驻", "2028-06-30"),
    ]
    for i, (node, task, planned) in enumerate(nodes):
        page.select_option(f"#f-milestones-{i}-node", node)
        page.fill(f"#f-milestones-{i}-task", task)
        page.fill(f"#f-milestones-{i}-planned", planned)
    page.fill("#f-persons-0-person", "王建国")
    page.fill("input[name=persons-0-person-phone]", "13800000001")
    page.check("input[name=confidential][value=no]")
    page.click("button[value=submit]")
    page.wait_for_selector("text=已提交，回执编号")
    number = re.search(r"P-2026-\d{4}", page.inner_text("h1"))
    assert number, page.inner_text("h1")
    text = page.inner_text("main")
    assert all(task in text for _, task, _ in nodes)  # four milestones kept
    return number.group(0)


def _fill_issue(page, project: str, problem: str) -> None:  # type: ignore[no-untyped-def]
    page.select_option("#f-project", project)
    page.select_option("#f-kind", "土地")
    page.fill("#f-problem", problem)
    page.select_option("#f-urgency", "紧急")


def test_town_registers_proposes_and_resubmits_after_return(store: Store, tmp_path: Path) -> None:
    with live_server(store, tmp_path / "site", TODAY) as (base, _app), chromium_page() as page:
        login(page, base, "dc")
        project = _register_project(page, base)
        shot(page, "forms-01-project-submitted")

        page.goto(f"{base}/app/forms/issue/new")
        _fill_issue(page, project, "产业园二期用地指标缺口约30亩。")
        page.click("button[value=draft]")
        page.wait_for_selector("text=草稿已保存")
        issue = re.search(r"Q-2026-\d{4}", page.inner_text("h1")).group(0)  # type: ignore[union-attr]
        logout(page)

        login(page, base, "dc")
        page.click(f"text={issue}")
        page.click("text=修改")
        # Coming back: the draft is there; finish the rest and submit.
        assert page.input_value("#f-problem") == "产业园二期用地指标缺口约30亩。"
        page.click("button[value=submit]")
        assert page.locator(".field-error").count() >= 3  # still incomplete: messages at each field
        shot(page, "forms-02-issue-errors")
        page.fill("#f-coordinated", "10月已由区自然资源和规划分局召开专题协调会。")
        page.fill("#f-coordinated_by", "区自然资源和规划分局")
        page.fill("#f-ask", "请区政府统筹调剂年度用地指标。")
        page.check("input[name=needs_city][value=no]")
        page.fill("#f-contact", "李四")
        page.fill("input[name=contact-phone]", "0577-88889999")
        page.click("button[value=submit]")
        page.wait_for_selector("text=已提交，回执编号")
        logout(page)

        login(page, base, "fgj")
        page.goto(f"{base}/app/records/issue/{issue}")
        page.fill("textarea[name=reason]", "请补充缺口面积的测算依据。")
        page.click("text=退回修改")
        page.wait_for_selector("text=退回理由")
        logout(page)

        login(page, base, "dc")
        assert "请补充缺口面积的测算依据" in page.inner_text("main")
        page.click(f"text={issue}")
        page.click("text=修改")
        page.fill("#f-problem", "产业园二期用地指标缺口约30亩（按规划方案测算）。")
        page.click("button[value=submit]")
        page.wait_for_selector("text=已提交，回执编号")
        history = page.inner_text(".history")
        shot(page, "forms-03-history")
        assert history.count("提交") >= 2 and "退回" in history
        assert "按规划方案测算" in history and "产业园二期用地指标缺口约30亩。" in history
