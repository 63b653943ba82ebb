"""The publish pipeline against a real store and a real MkDocs build: pages, swap, failure, search."""

from __future__ import annotations

import gc
import json
import os
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from site_support import (  # noqa: F401 - test_site_safety imports them from here
    CREATED,
    add_issue,
    add_item,
    add_material,
    add_meeting,
    add_progress,
    add_project,
    form_doc,
    seed,
)

from generator.build import STAGE_BUILD, STAGE_PAGES, STAGE_READ, BuildResult, SitePublisher, publish
from generator.output.share import HELPER, MAIN
from generator.output.versions import TRASH
from generator.search.query import SiteSearch
from xietiao.config import CONTENT_DIR, MKDOCS_YML
from xietiao.forms.definitions import FormDefinitionError
from xietiao.instance.layout import SiteSources
from xietiao.store.engine import Store

TODAY = date(2026, 11, 28)
BUILT = datetime(2026, 11, 28, 15, 30)


# -- building a small store: tests/site_support.py (shared with test_site_safety and the live tests)

# -- fixtures ---------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path, BuildResult, list[str]]]:
    root = tmp_path_factory.mktemp("site-build")
    with Store(root / "data", create=True) as store:
        seed(store)
        stages: list[str] = []
        result = publish(store, root / "site", TODAY, on_stage=stages.append, built_at=BUILT, reason="测试发布")
        yield store, root / "site", result, stages


def page(site: Path, path: str) -> str:
    return (
        (site / path / "index.html").read_text("utf-8")
        if not path.endswith(".html")
        else (site / path).read_text("utf-8")
    )


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# -- tests ------------------------------------------------------------------


def test_publish_reports_stages_and_builds_every_page(built) -> None:  # type: ignore[no-untyped-def]
    _, site, result, stages = built
    assert result.ok, result.error
    assert stages == ["读取数据", "生成页面", "构建站点", "搜索索引与压缩", "切换上线"]
    assert result.mode == "full" and result.index["pruned"] == 0  # MkDocs wrote nothing it did not list
    assert [name for name, _ in result.stages] == stages
    assert result.pages == len(html_pages(site)) - 1  # every page plus MkDocs' 404.html
    for path in (
        "",
        "projects",
        "projects/P-2026-0001",
        "projects/P-2026-0002",
        "meetings",
        "meetings/2026-10",
        "meetings/2026-11",
        "ledger",
        "units",
        "units/zrzy",
        "units/czj",
        "board",
        "about",
    ):
        assert (site / path / "index.html").is_file(), path


def test_site_is_a_symlink_into_versions(built) -> None:  # type: ignore[no-untyped-def]
    _, site, _, _ = built
    assert site.is_symlink()
    assert Path(os.readlink(site)).parent.name == ".site-versions"


def test_the_stamp_says_which_minutes_and_publish_the_site_reflects(built) -> None:  # type: ignore[no-untyped-def]
    _, site, _, _ = built
    stamp = json.loads((site / "stamp.json").read_text("utf-8"))
    assert stamp["basis"] == "区政府专题会议纪要〔2026〕11号（2026年11月13日召开，2026年11月16日审定）"
    assert stamp["published_zh"] == "2026年11月28日 15:30" and stamp["reason"] == "测试发布"
    # Pages carry a placeholder that stamp.js fills: a publish alone changes no page.
    for path in ("", "projects/P-2026-0001", "meetings/2026-10", "board", "units/czj"):
        html = page(site, path)
        assert "data-xt-stamp" in html and "javascripts/stamp.js" in html, path
        assert "15:30" not in html, path


def test_home_page_says_what_changed_since_the_last_meeting(built) -> None:  # type: ignore[no-untyped-def]
    _, site, _, _ = built
    home = page(site, "")
    since = home.split("自上次例会以来</h2>", 1)[1].split("项目三色概况</h2>", 1)[0]
    assert "2026年11月13日召开" in since
    # 2026-11-01 was due on 15 October: under a month late at the meeting, over a month late today.
    worse = since.split("颜色变差的议定事项", 1)[1].split("新报送的月度进展", 1)[0]
    assert "2026-11-01" in worse and "xt-green" in worse and "xt-yellow" in worse
    reports = since.split("新报送的月度进展", 1)[1].split("督办记录", 1)[0]
    assert "2026年11月20日" in reports and "2026年11月" in reports and "城东智慧产业园一期" in reports
    assert "用地预审滞后" in since.split("督办记录", 1)[1]
    assert "已销号的议定事项" not in since  # 2026-10-02 was closed in October, before the meeting


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
    assert 'class="xt-c xt-red"' in html  # the start milestone is 4 months late
    assert "严重滞后" in html and "已逾期" in html
    assert "完成用地预审" in html and "2026年2月20日" in html
    assert "加快办理用地预审手续" in html  # the agreed item
    assert "已提交用地预审材料" in html and "2026年11月" in html  # monthly progress
    assert "用地指标尚未落实" in html  # the issue
    assert "王五" in html and "13800000000" not in html  # persons, without phone numbers
    assert "厂房基础已完成" in html and "请区里协调新增用地指标" in html  # accepted material, with its ask
    assert "总投资：12,500.00 万元" in html
    assert "未经受理的材料说法" not in html
    assert "仅供会上参阅的说明" not in html  # its 涉密 field


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
    assert ledger.index("区财政局") < ledger.index("区自然资源和规划分局")  # official unit order
    assert "落实财政预算资金" in ledger  # alias 区财政局（区国资办） grouped under 区财政局
    assert "很早以前已销号的资金事项" not in ledger and "另有更早销号的 1 项" in ledger
    czj = page(site, "units/czj")
    # Closed more than a year ago: on the unit's page for that year, linked from the unit page.
    assert "很早以前已销号的资金事项" not in czj and 'href="../czj-2025/"' in czj and "2025年（1 项）" in czj
    archive = page(site, "units/czj-2025")
    assert "很早以前已销号的资金事项" in archive and "2025年销号的事项" in archive
    unit = page(site, "units/zrzy")
    assert "用地预审滞后" in unit and "督办函" in unit  # must explain
    board = page(site, "board")
    assert "<svg" in board and 'class="xt-bar xt-red"' in board
    assert 'href="../projects/P-2026-0001/"' in board


def test_detail_pages_are_not_in_the_navigation(built) -> None:  # type: ignore[no-untyped-def]
    _, site, _, _ = built
    about = page(site, "about")  # a page that itself links to no project or meeting
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
            base = root if parts.path.startswith("/") else path.parent  # 404.html links from the root
            target = (base / unquote(parts.path).lstrip("/")).resolve()
            if parts.path.endswith("/"):
                target = target / "index.html"
            assert target.exists(), f"{path.relative_to(root)}: {href}"


def test_chinese_search_finds_parts_of_long_words(built) -> None:  # type: ignore[no-untyped-def]
    _, site, _, _ = built
    search = SiteSearch(site)

    def pages(query: str) -> list[str]:
        return [f.url for f in search.find(query) if f.exact]

    for word in ("用地预审", "预审", "财政预算", "预算", "自然资源", "资源", "规划分局", "智慧产业园", "产业园"):
        assert pages(word), word
    assert "meetings/2026-10/" in pages("预算")  # only 财政预算 is written there
    words = [
        ("预审", "meetings/2026-11/"),
        ("用地", "meetings/2026-11/"),
        ("设计审查", "meetings/2026-10/"),
        ("资金", "meetings/2026-10/"),
        ("资源", "meetings/2026-11/"),
        ("手续", "meetings/2026-11/"),
        ("加快办理用", "meetings/2026-11/"),
        ("政预", "meetings/2026-10/"),
    ]  # across words, too
    assert all(where in pages(word) for word, where in words), [w for w, p in words if p not in pages(w)]


def test_second_publish_swaps_keeps_previous_and_reuses_what_the_search_read(built) -> None:  # type: ignore[no-untyped-def]
    store, site, first, _ = built
    before = os.readlink(site)
    publisher = SitePublisher()  # as the server keeps one: pages are made again only when their data changed
    # Nothing changed: no build, no new version.
    same = publisher.publish(store, site, TODAY, built_at=datetime(2026, 11, 28, 15, 45))
    assert same.ok and same.mode == "unchanged" and os.readlink(site) == before
    cache = site.parent / ".site-build-cache" / "search-pages"
    cached = {p.name: p.stat().st_ino for p in cache.iterdir()}
    add_progress(store, "R-2026-0002", "2026-10-01", "道路设计审查意见已回复")
    result = publisher.publish(store, site, TODAY, built_at=datetime(2026, 11, 28, 16, 0), reason="月度进展报告")
    assert result.ok, result.error
    assert result.mode == "incremental"
    after = os.readlink(site)
    assert after != before
    versions = sorted(p.name for p in (site.parent / ".site-versions").iterdir() if not p.name.startswith(TRASH))
    assert versions == sorted({Path(before).name, Path(after).name})
    # Only the project's page and the home page (what changed since the meeting) were made again...
    assert result.made == 2
    assert "道路设计审查意见已回复" in page(site, "projects/P-2026-0002")
    assert json.loads((site / "stamp.json").read_text("utf-8"))["published_zh"] == "2026年11月28日 16:00"
    # ...and the search read only those again: every other page's parts came from its cache, untouched.
    assert 1 <= result.index["read"] <= 2 < result.index["pages"] == first.index["pages"]
    now = {p.name: p.stat().st_ino for p in cache.iterdir()}
    assert all(now[name] == ino for name, ino in cached.items() if name in now)
    # The changed page's parts and text, the run and the segment holding it.
    assert len(cached.keys() - now.keys()) <= 4
    assert "projects/P-2026-0002/" in [f.url for f in SiteSearch(site).find("道路设计审查意见已回复") if f.exact]


def test_failed_build_keeps_the_live_site(tmp_path: Path) -> None:
    with Store(tmp_path / "data", create=True) as store:
        seed(store)
        first = publish(store, tmp_path / "site", TODAY, built_at=BUILT)
        assert first.ok, first.error
        live = os.readlink(tmp_path / "site")
        broken = tmp_path / "mkdocs.yml"  # an instance whose own mkdocs.yml is broken
        broken.write_text(MKDOCS_YML.read_text("utf-8").replace("name: material", "name: no-such-theme"), "utf-8")
        result = publish(
            store, tmp_path / "site", TODAY, built_at=datetime(2026, 11, 28, 17, 0), sources=SiteSources(broken)
        )
    assert not result.ok
    assert "站点构建失败" in result.error and "上一版本" in result.error
    assert os.readlink(tmp_path / "site") == live
    assert (tmp_path / "site" / "index.html").is_file()
    kept = [p.name for p in (tmp_path / ".site-versions").iterdir() if not p.name.startswith(TRASH)]
    assert kept == [Path(live).name]  # older ones are set aside (TRASH) and deleted in the background


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
        for k in range(4):  # more builds than the number of versions kept
            for name in ("site", "site-copy"):
                result = publish(store, tmp_path / name, TODAY, built_at=datetime(2026, 11, 28, 10, k))
                assert result.ok, result.error
    for name in ("site", "site-copy"):
        assert (tmp_path / name / "index.html").is_file(), name
        assert Path(os.readlink(tmp_path / name)).parent.name == f".{name}-versions"


def test_only_each_items_latest_report_is_searched(tmp_path: Path) -> None:
    with Store(tmp_path / "data", create=True) as store:
        seed(store)  # R-2026-0001 on 2026-11-01: 已提交用地预审材料，等待审查
        add_progress(store, "R-2026-0005", "2026-11-01", "更正：用地预审材料已补正完毕")  # same month, filed later
        result = publish(store, tmp_path / "site", TODAY, built_at=BUILT)
    assert result.ok, result.error
    search = SiteSearch(tmp_path / "site")

    def exact(query: str) -> list[str]:
        return [f.url for f in search.find(query) if f.exact]

    assert "projects/P-2026-0001/" in exact("材料已补正")
    assert "projects/P-2026-0001/" not in exact("等待审查")  # the report it corrects stays on the page only
    shown = page(tmp_path / "site", "projects/P-2026-0001")
    assert shown.index("材料已补正") < shown.index("等待审查")  # the correction first


def test_no_garbage_collection_while_the_data_is_read_and_the_pages_made(tmp_path: Path) -> None:
    """The collector is paused for the two stages that allocate the most (generator/build.py), and back after."""
    collecting: dict[str, bool] = {}

    def stage(name: str) -> None:
        collecting[name] = gc.isenabled()

    with Store(tmp_path / "data", create=True) as store:
        seed(store)
        result = publish(store, tmp_path / "site", TODAY, built_at=BUILT, on_stage=stage)
        assert result.ok, result.error
        assert collecting[STAGE_READ] is False and collecting[STAGE_PAGES] is False
        assert collecting[STAGE_BUILD] is True and gc.isenabled()
        broken = SiteSources(forms_dir=tmp_path / "no-forms")  # the read fails: the collector is back all the same
        with pytest.raises(FormDefinitionError):
            publish(store, tmp_path / "other", TODAY, built_at=BUILT, sources=broken)
        assert gc.isenabled()


@pytest.mark.parametrize("half", [MAIN, HELPER])
def test_a_full_build_fails_whole_when_either_half_fails(tmp_path: Path, half: int) -> None:
    """A full build renders its pages in two processes (output/share.py): a page that fails in either
    fails the build, with its message, and leaves the live site and no process behind."""
    own = tmp_path / "own-pages"
    own.mkdir()
    filler = "\n\n".join(f"第{n}段：项目推进情况说明。" for n in range(12000))
    # The largest page goes to the main process, the second largest to the helper.
    big, bigger = own / "notes-a.md", own / "notes-b.md"
    broken = bigger if half == MAIN else big
    big.write_text(f"# 说明甲\n\n{filler}\n", "utf-8")
    bigger.write_text(f"# 说明乙\n\n{filler}\n\n{filler}\n", "utf-8")
    broken.write_text(broken.read_text("utf-8") + "\n[去向不明](no-such-page.md)\n", "utf-8")
    sources = SiteSources(content=(CONTENT_DIR, own))
    with Store(tmp_path / "data", create=True) as store:
        seed(store)
        first = publish(store, tmp_path / "site", TODAY, built_at=BUILT)
        assert first.ok, first.error
        live = os.readlink(tmp_path / "site")
        result = publish(
            store, tmp_path / "site", TODAY, built_at=datetime(2026, 11, 28, 17), sources=sources, full=True
        )
    assert not result.ok and result.mode == "full"
    assert "站点构建失败" in result.error and broken.name in result.error and "上一版本" in result.error
    assert os.readlink(tmp_path / "site") == live
    assert not [p for p in Path("/proc").iterdir() if p.name.isdigit() and _in(p, tmp_path)]


def _in(process: Path, folder: Path) -> bool:
    try:
        return Path(os.readlink(process / "cwd")).is_relative_to(folder)
    except OSError:
        return False
