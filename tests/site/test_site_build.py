"""The publish pipeline against a real store and a real MkDocs build: pages, swap, failure, search."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.build import BuildResult, publish
from generator.search.recall import OfflineSearch, measure_recall
from xietiao.config import MKDOCS_YML
from xietiao.instance.layout import SiteSources
from xietiao.store.engine import Store

TODAY = date(2026, 11, 28)
BUILT = datetime(2026, 11, 28, 15, 30)
CREATED = "2026-06-01T09:00:00+08:00"


# -- building a small store (also used by test_site_safety) -----------------------

def form_doc(form: str, number: str, unit: str, data: dict, *, status: str = "accepted",
             confidential: bool = False, created: str = CREATED) -> dict:
    return {"number": number, "form": form, "unit": unit, "author": "tester", "status": status,
            "data": data, "confidential": confidential, "versions": [], "return_reason": "",
            "created": created, "updated": created}


def add_project(store: Store, number: str, name: str, unit: str, *, confidential: bool = False,
                status: str = "accepted", milestones: list[dict] | None = None, **extra: object) -> None:
    data = {"name": name, "overview": extra.pop("overview", f"{name}的概况。"), "category": "产业",
            "plans": ["区年度重大建设项目计划"], "owner": "XX经开集团", "lead_unit": unit, "town": "东城街道",
            "investment": "12500.00", "milestones": milestones or [],
            "persons": [{"person": {"name": "王五", "phone": "13800000000"}, "role": "项目负责人"}],
            "confidential": confidential, **extra}
    store.insert("project", form_doc("project", number, unit, data, status=status, confidential=confidential),
                 actor="test", action="登记")


def add_meeting(store: Store, number: str, day: str, *, approved: str = "", status: str = "published",
                projects: tuple[str, ...] = (), issues: tuple[str, ...] = (), minutes: str = "",
                discussions: tuple[dict, ...] = (), **extra: object) -> None:
    order = int(number[5:])
    doc = {"number": number, "date": day, "title": f"2026年第{order}次重大项目协调例会", "status": status,
           "place": "区行政中心3号会议室", "convener": "区政府", "attendance": ["区发展改革局", "区财政局"],
           "projects": list(projects), "issues": list(issues), "discussions": list(discussions),
           "minutes": minutes, "approved": approved, "doc_number": f"区政府专题会议纪要〔2026〕{order}号",
           "steps": {}, "created": f"{day}T09:00:00+08:00", **extra}
    store.insert("meeting", doc, actor="test", action="例会")


def add_item(store: Store, number: str, project: str, content: str, lead: str, planned: str, *,
             status: str = "in_progress", done: str | None = None) -> None:
    doc = {"number": number, "meeting": number[:7], "project": project, "issue": "", "content": content,
           "lead_unit": lead, "co_units": ["区财政局"], "person": {"name": "李四", "phone": "13900000000"},
           "planned": planned, "status": status, "done": done, "closed_reason": "", "reopened_from": "",
           "created": CREATED}
    store.insert("item", doc, actor="test", action="挂号")


def add_issue(store: Store, number: str, project: str, problem: str, *, meeting: str = "",
              confidential: bool = False, state: str = "discussed") -> None:
    data = {"project": project, "kind": "土地", "problem": problem, "coordinated": "已多次对接",
            "coordinated_by": "区发展改革局", "ask": f"请协调解决：{problem}", "urgency": "紧急",
            "needs_city": False, "city_reason": "", "co_units": ["区财政局"], "contact": {"name": "赵六", "phone": ""}}
    doc = form_doc("issue", number, "区经信局", data, confidential=confidential)
    doc.update(list_state=state, meeting=meeting, merged_into="", list_note="")
    store.insert("issue", doc, actor="test", action="议题")


def add_progress(store: Store, number: str, item: str, text: str, *, confidential: bool = False) -> None:
    data = {"item": item, "month": "2026-11", "status": "存在困难", "progress": text, "next_steps": "继续推进",
            "difficulties": "", "percent": 40}
    store.insert("progress", form_doc("progress", number, "区经信局", data, status="submitted",
                                      confidential=confidential, created="2026-11-20T09:00:00+08:00"),
                 actor="test", action="进展")


def add_material(store: Store, number: str, project: str, progress: str, secret_notes: str, *,
                 confidential: bool = False, status: str = "accepted", created: str = CREATED) -> None:
    data = {"project": project, "overview": "材料概况", "progress": progress, "problems": "用地指标不足",
            "coordination": "已对接", "ask": "请区里协调新增用地指标", "lead_unit": "区经信局",
            "co_units": [], "persons": [], "goals": [], "attachments": [],
            "secret_notes": secret_notes, "confidential": confidential}
    store.insert("material", form_doc("material", number, "区经信局", data, status=status,
                                      confidential=confidential, created=created), actor="test", action="材料")


def seed(store: Store) -> None:
    """Two public projects, two published meetings and one whose minutes are still a draft."""
    with store.batch():
        add_project(store, "P-2026-0001", "城东智慧产业园一期", "区经信局",
                    milestones=[{"node": "开工", "task": "取得施工许可", "planned": "2026-08-01"},
                                {"node": "前期工作", "task": "完成用地预审", "planned": "2026-03-01",
                                 "done": "2026-02-20"}])
        add_project(store, "P-2026-0002", "南湖片区道路提升工程", "区交通运输局",
                    milestones=[{"node": "竣工", "task": "完成竣工验收", "planned": "2027-06-30"}])
        add_issue(store, "Q-2026-0001", "P-2026-0001", "用地指标尚未落实", meeting="2026-11")
        add_meeting(store, "2026-10", "2026-10-16", approved="2026-10-19", projects=("P-2026-0002",))
        add_meeting(store, "2026-11", "2026-11-13", approved="2026-11-16", projects=("P-2026-0001",),
                    issues=("Q-2026-0001",), minutes="会议听取了项目推进情况汇报。",
                    discussions=({"issue": "Q-2026-0001", "project": "P-2026-0001", "text": "自然资源部门表示将优先保障。"},))
        add_meeting(store, "2026-12", "2026-11-20", status="minutes_drafted", minutes="DRAFTMINUTESX 未审定")
        add_item(store, "2026-10-01", "P-2026-0002", "区交通运输局完成道路提升工程初步设计审查", "区交通运输局",
                 "2026-12-15")
        add_item(store, "2026-10-02", "P-2026-0002", "区财政局落实财政预算资金", "区财政局（区国资办）",
                 "2026-10-30", status="closed", done="2026-10-28")
        add_item(store, "2026-10-03", "P-2026-0002", "很早以前已销号的资金事项", "区财政局", "2025-08-30",
                 status="closed", done="2025-09-01")
        add_item(store, "2026-11-01", "P-2026-0001", "请区自然资源和规划分局加快办理用地预审手续",
                 "区自然资源和规划分局", "2026-10-15")
        add_item(store, "2026-12-01", "P-2026-0001", "DRAFTITEMX 未审定纪要中的事项", "区经信局", "2026-12-30")
        add_progress(store, "R-2026-0001", "2026-11-01", "已提交用地预审材料，等待审查")
        add_material(store, "M-2026-0001", "P-2026-0001", "厂房基础已完成", "仅供会上参阅的说明")
        # Filed but not yet accepted by the bureau: not on the site.
        add_material(store, "M-2026-0009", "P-2026-0001", "未经受理的材料说法", "—", status="submitted",
                     created="2026-11-01T09:00:00+08:00")     # newer than the accepted one
        store.insert("supervision", {"number": "S-2026-0001", "kind": "督办函", "unit": "区自然资源和规划分局",
                                     "items": ["2026-11-01"], "date": "2026-11-20", "note": "用地预审滞后",
                                     "must_explain": True, "explain_at": "2026-11", "created": CREATED},
                     actor="test", action="督办")
        for month, red in (("2026-09", 0), ("2026-10", 1)):
            store.insert("snapshot", {"number": f"month-{month}", "date": f"{month}-28", "reason": "month_end",
                                      "meeting": "", "projects": {"P-2026-0001": "red" if red else "green",
                                                                  "P-2026-0002": "green"},
                                      "items": {}, "counts": {}, "created": CREATED}, actor="test", action="快照")


# -- fixtures ---------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path, BuildResult, list[str]]]:
    root = tmp_path_factory.mktemp("site-build")
    with Store(root / "data", create=True) as store:
        seed(store)
        stages: list[str] = []
        result = publish(store, root / "site", TODAY, on_stage=stages.append, built_at=BUILT)
        yield store, root / "site", result, stages


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text("utf-8") if not path.endswith(".html") else \
        (site / path).read_text("utf-8")


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# -- tests ------------------------------------------------------------------

def test_publish_reports_stages_and_builds_every_page(built) -> None:  # type: ignore[no-untyped-def]
    _, site, result, stages = built
    assert result.ok, result.error
    assert stages == ["读取数据", "生成页面", "构建站点", "分词索引", "切换上线"]
    assert [name for name, _ in result.stages] == stages
    assert result.pages == len(html_pages(site)) - 1        # every page plus MkDocs' 404.html
    for path in ("", "projects", "projects/P-2026-0001", "projects/P-2026-0002", "meetings",
                 "meetings/2026-10", "meetings/2026-11", "ledger", "units", "units/zrzy", "units/czj",
                 "board", "about"):
        assert (site / path / "index.html").is_file(), path


def test_site_is_a_symlink_into_versions(built) -> None:  # type: ignore[no-untyped-def]
    _, site, _, _ = built
    assert site.is_symlink()
    assert Path(os.readlink(site)).parent.name == ".site-versions"


def test_pages_say_which_minutes_they_reflect_and_when_built(built) -> None:  # type: ignore[no-untyped-def]
    _, site, _, _ = built
    for path in ("", "projects/P-2026-0001", "meetings/2026-10", "board", "units/czj"):
        html = page(site, path)
        assert "区政府专题会议纪要〔2026〕11号" in html and "2026年11月13日" in html, path
        assert "2026年11月28日 15:30" in html, path


def test_draft_minutes_and_their_items_stay_off(built) -> None:  # type: ignore[no-untyped-def]
    _, site, _, _ = built
    assert not (site / "meetings" / "2026-12").exists()
    for path in site.rglob("*"):
        if path.is_file():
            text = path.read_text("utf-8", errors="ignore")
            assert "DRAFTMINUTESX" not in text and "DRAFTITEMX" not in text, path


def test_project_page_shows_colour_reasons_milestones_items_progress(built) -> None:  # type: ignore[no-untyped-def]
    _, site, _, _ = built
    html = page(site, "projects/P-2026-0001")
    assert "城东智慧产业园一期" in html
    assert 'class="xt-c xt-red"' in html                      # the start milestone is 4 months late
    assert "严重滞后" in html and "已逾期" in html
    assert "完成用地预审" in html and "2026年2月20日" in html
    assert "加快办理用地预审手续" in html                        # the agreed item
    assert "已提交用地预审材料" in html and "2026年11月" in html   # monthly progress
    assert "用地指标尚未落实" in html                            # the issue
    assert "王五" in html and "13800000000" not in html         # persons, without phone numbers
    assert "厂房基础已完成" in html and "请区里协调新增用地指标" in html   # accepted material, with its ask
    assert "总投资：12,500.00 万元" in html
    assert "未经受理的材料说法" not in html
    assert "仅供会上参阅的说明" not in html                      # its 涉密 field


def test_meeting_page_has_plan_minutes_discussion_and_item_states(built) -> None:  # type: ignore[no-untyped-def]
    _, site, _, _ = built
    html = page(site, "meetings/2026-10")
    assert "道路提升工程初步设计审查" in html and "已销号" in html
    html = page(site, "meetings/2026-11")
    assert "会议听取了项目推进情况汇报" in html and "自然资源部门表示将优先保障" in html
    # The plan's issues are a real table, not pipes run into the list of projects above them.
    plan = html.split("会议方案</h2>", 1)[1].split("<h2", 1)[0]
    assert "<table>" in plan and "| 议题 |" not in plan
    assert "区发展改革局" in html and "区行政中心3号会议室" in html


def test_ledger_units_and_board(built) -> None:  # type: ignore[no-untyped-def]
    _, site, _, _ = built
    ledger = page(site, "ledger")
    assert ledger.index("区财政局") < ledger.index("区自然资源和规划分局")   # official unit order
    assert "落实财政预算资金" in ledger                       # alias 区财政局（区国资办） grouped under 区财政局
    assert "很早以前已销号的资金事项" not in ledger and "另有更早销号的 1 项" in ledger
    czj = page(site, "units/czj")
    # Closed more than a year ago: on the unit's page for that year, linked from the unit page.
    assert "很早以前已销号的资金事项" not in czj and 'href="../czj-2025/"' in czj and "2025年（1 项）" in czj
    archive = page(site, "units/czj-2025")
    assert "很早以前已销号的资金事项" in archive and "2025年销号的事项" in archive
    unit = page(site, "units/zrzy")
    assert "用地预审滞后" in unit and "督办函" in unit         # must explain
    board = page(site, "board")
    assert "<svg" in board and 'class="xt-bar xt-red"' in board
    assert 'href="../projects/P-2026-0001/"' in board


def test_detail_pages_are_not_in_the_navigation(built) -> None:  # type: ignore[no-untyped-def]
    _, site, _, _ = built
    about = page(site, "about")        # a page that itself links to no project or meeting
    assert "P-2026-0001" not in about and "2026-11/" not in about
    for entry in ("项目一览", "例会与纪要", "议定事项台账", "三色图", "责任单位"):
        assert entry in about


def test_average_page_is_small(built) -> None:  # type: ignore[no-untyped-def]
    _, site, _, _ = built
    sizes = [p.stat().st_size for p in html_pages(site)]
    assert sum(sizes) / len(sizes) < 40_000


def test_every_internal_link_resolves(built) -> None:  # type: ignore[no-untyped-def]
    _, site, _, _ = built
    root = site.resolve()
    for path in html_pages(root):
        for href in re.findall(r'(?:href|src)="([^"]+)"', path.read_text("utf-8")):
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("#", "//", "mailto:")) or not parts.path:
                continue
            base = root if parts.path.startswith("/") else path.parent   # 404.html links from the root
            target = (base / unquote(parts.path).lstrip("/")).resolve()
            if parts.path.endswith("/"):
                target = target / "index.html"
            assert target.exists(), f"{path.relative_to(root)}: {href}"


def test_chinese_search_finds_parts_of_long_words(built) -> None:  # type: ignore[no-untyped-def]
    _, site, _, _ = built
    search = OfflineSearch(site)
    for word in ("用地预审", "预审", "财政预算", "预算", "自然资源", "资源", "规划分局", "智慧产业园", "产业园"):
        assert search.find(word), word
    assert "meetings/2026-10/" in search.find("预算")       # only 财政预算 is written there
    words = [("预审", "meetings/2026-11/"), ("用地", "meetings/2026-11/"), ("设计审查", "meetings/2026-10/"),
             ("资金", "meetings/2026-10/"), ("资源", "meetings/2026-11/"), ("手续", "meetings/2026-11/")]
    assert measure_recall(site, words) == 1.0


def test_second_publish_swaps_keeps_previous_and_reuses_segmentation(built) -> None:  # type: ignore[no-untyped-def]
    store, site, first, _ = built
    before = os.readlink(site)
    result = publish(store, site, TODAY, built_at=datetime(2026, 11, 28, 16, 0))
    assert result.ok, result.error
    after = os.readlink(site)
    assert after != before
    versions = sorted(p.name for p in (site.parent / ".site-versions").iterdir())
    assert versions == sorted({Path(before).name, Path(after).name})
    cache = site.parent / ".site-build-cache" / "segments.json"
    assert cache.is_file()
    assert dict(result.stages)["分词索引"] < dict(first.stages)["分词索引"]
    assert "2026年11月28日 16:00" in page(site, "")


def test_failed_build_keeps_the_live_site(tmp_path: Path) -> None:
    with Store(tmp_path / "data", create=True) as store:
        seed(store)
        first = publish(store, tmp_path / "site", TODAY, built_at=BUILT)
        assert first.ok, first.error
        live = os.readlink(tmp_path / "site")
        broken = tmp_path / "mkdocs.yml"  # an instance whose own mkdocs.yml is broken
        broken.write_text(MKDOCS_YML.read_text("utf-8").replace("name: material", "name: no-such-theme"), "utf-8")
        result = publish(store, tmp_path / "site", TODAY, built_at=datetime(2026, 11, 28, 17, 0),
                         sources=SiteSources(broken))
    assert not result.ok
    assert "站点构建失败" in result.error and "上一版本" in result.error
    assert os.readlink(tmp_path / "site") == live
    assert (tmp_path / "site" / "index.html").is_file()
    assert [p.name for p in (tmp_path / ".site-versions").iterdir()] == [Path(live).name]


def test_first_publish_over_a_plain_folder(tmp_path: Path) -> None:
    old = tmp_path / "site"
    old.mkdir()
    (old / "index.html").write_text("旧站点", "utf-8")
    with Store(tmp_path / "data", create=True) as store:
        seed(store)
        result = publish(store, old, TODAY, built_at=BUILT)
    assert result.ok, result.error
    assert old.is_symlink() and "城东智慧产业园一期" in (old / "projects/P-2026-0001/index.html").read_text("utf-8")
    kept = [p for p in (tmp_path / ".site-versions").iterdir() if p.name.endswith("-before")]
    assert len(kept) == 1 and (kept[0] / "index.html").read_text("utf-8") == "旧站点"


def test_two_sites_in_one_folder_keep_each_other_alive(tmp_path: Path) -> None:
    with Store(tmp_path / "data", create=True) as store:
        seed(store)
        for k in range(4):     # more builds than the number of versions kept
            for name in ("site", "site-copy"):
                result = publish(store, tmp_path / name, TODAY, built_at=datetime(2026, 11, 28, 10, k))
                assert result.ok, result.error
    for name in ("site", "site-copy"):
        assert (tmp_path / name / "index.html").is_file(), name
        assert Path(os.readlink(tmp_path / name)).parent.name == f".{name}-versions"
