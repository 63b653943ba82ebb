"""The search stage on hand-written pages: what it reads, what it leaves out, and that only the pages matter."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from generator.search.query import SiteSearch
from generator.search.stage import build_search

HEAD = (
    '<html><head><title>t</title>{mark}</head><body><article class="md-content__inner">{body}</article></body></html>'
)
PAGES = {
    "meetings/2026-21/index.html": (
        "",
        '<h1 id="x">2026年第21次例会</h1><h2 id="_5">议定事项</h2><table><tr><td><a href="./">2026-21-03</a></td>'
        "<td>协调区供电分局开辟电力接入绿色通道</td></tr></table>"
        '<p class="xt-basis" data-search-exclude>生成时间：<b>隐藏词甲乙</b></p>',
    ),
    "projects/P-2026-0041/index.html": (
        "",
        "<h1>城东智慧产业园</h1><ul><li>项目编号：P-2026-0041</li></ul><h2 id='_2'>议定事项</h2>"
        '<table><tr><td><a href="../../meetings/2026-21/">2026-21-03</a></td><td>电力接入</td></tr></table>',
    ),
    "ledger/index.html": (
        '<meta name="xietiao-search" content="exclude">',
        "<h1>台账</h1><p>2026-21-03 台账独有词</p>",
    ),
    "about/index.html": ("", "<h1>关于</h1><p>全角ＡＢＣ　与<em>强调</em>文字</p>"),
}


def write_site(folder: Path, order: list[str]) -> Path:
    for path in order:
        mark, body = PAGES[path]
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(HEAD.format(mark=mark, body=body), "utf-8")
    return folder


def digest(site: Path) -> str:
    h = hashlib.sha256()
    for path in sorted((site / "search").rglob("*")):
        if path.is_file():
            h.update(path.relative_to(site).as_posix().encode() + path.read_bytes())
    return h.hexdigest()


def test_output_depends_on_the_pages_only_and_reuses_what_it_read(tmp_path: Path) -> None:
    one = write_site(tmp_path / "one", list(PAGES))
    two = write_site(tmp_path / "two", list(reversed(PAGES)))
    first = build_search(one, tmp_path / "cache")
    assert first.pages == 3 and first.read == 4
    again = build_search(two, tmp_path / "cache")  # other order, pages read from the cache
    assert again.read == 0
    assert digest(one) == digest(two)
    shutil.rmtree(tmp_path / "cache")
    build_search(two, tmp_path / "cache")  # no cache at all: the same bytes
    assert digest(one) == digest(two)


def test_what_is_searched_and_in_what_order(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", list(PAGES))
    build_search(site, tmp_path / "cache")
    search = SiteSearch(site)
    # The item's number links to its meeting from every page that lists it: that page comes first.
    assert [f.url for f in search.find("2026-21-03")] == ["meetings/2026-21/", "projects/P-2026-0041/"]
    assert [f.url for f in search.find("P-2026-0041")] == ["projects/P-2026-0041/"]
    assert {f.url for f in search.find("力接")} == {"meetings/2026-21/", "projects/P-2026-0041/"}  # across words
    assert {f.url for f in search.find("电力接入 城东")} == {"projects/P-2026-0041/"}  # every word
    assert search.find("隐藏词") == [] and search.find("台账独有词") == []  # marked, kept out
    assert [f.url for f in search.find("abc 与强调文字")] == ["about/"]  # folded; inline tags join
    assert not any(f.exact for f in search.find("电力绿色"))  # not verbatim: its pieces only
    loose = search.find("开辟电力接入通道")
    assert loose and not any(f.exact for f in loose)  # its pieces only
    assert not (site / "search" / "search_index.json").exists()
