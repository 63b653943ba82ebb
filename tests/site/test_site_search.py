"""The search stage on hand-written pages: what it reads, what it leaves out, and that only the pages matter."""

from __future__ import annotations

import hashlib
import html
import json
import os
import random
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from generator.search.index import _json_key
from generator.search.pagetext import read_page
from generator.search.query import SiteSearch
from generator.search.stage import build_search

HEAD = (
    '<html><head><title>t</title>{mark}</head><body><article class="md-content__inner">{body}'
    '<p class="xt-basis" data-search-exclude>生成时间：{built}</p></article></body></html>'
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


def write_site(folder: Path, order: list[str], pages: dict[str, tuple[str, str]] = PAGES, built: str = "18:00") -> Path:
    for path in order:
        mark, body = pages[path]
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(HEAD.format(mark=mark, body=body, built=built), "utf-8")
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
    assert first.pages == 3 and first.read == 3  # the page kept out is never parsed
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


# -- what a later build reuses ------------------------------------------------------

WORDS = ["协调", "供电", "分局", "电力", "接入", "用地", "报批", "规划", "许可", "施工", "图纸", "审查", "资金", "拨付"]
WORDS += ["征收", "补偿", "管网", "迁改", "验收", "备案"]


def many_pages(count: int, seed: int = 3) -> dict[str, tuple[str, str]]:
    """Meeting-like pages, enough of them for the cache to keep several runs of pages."""
    rng = random.Random(seed)
    pages = {}
    for n in range(count):
        items = "".join(
            f"<tr><td>2026-{n:02d}-{i:02d}</td><td>{''.join(rng.choices(WORDS, k=rng.randint(3, 12)))}</td></tr>"
            for i in range(rng.randint(1, 6))
        )
        link = f'<p><a href="../P-{n % 7}/">项目{n % 7}号</a></p>'
        pages[f"meetings/2026-{n:02d}/index.html"] = (
            "",
            f"<h1>第{n}次例会</h1><h2 id='x'>议定事项</h2><table>{items}</table>{link}",
        )
    for n in range(7):
        pages[f"meetings/P-{n}/index.html"] = ("", f"<h1>项目{n}号</h1><p>{''.join(rng.choices(WORDS, k=8))}</p>")
    return pages


def built_alone(tmp_path: Path, pages: dict[str, tuple[str, str]], name: str, segment_pages: int = 256) -> str:
    """The digest of the index of these pages built with no cache at all."""
    site = write_site(tmp_path / name, sorted(pages), pages)
    build_search(site, tmp_path / f"{name}-cache", segment_pages=segment_pages)
    return digest(site)


def test_a_new_generation_time_makes_no_page_new(tmp_path: Path) -> None:
    pages = many_pages(40)
    early = write_site(tmp_path / "early", list(pages), pages, built="18:00")
    late = write_site(tmp_path / "late", list(pages), pages, built="19:05")
    first = build_search(early, tmp_path / "cache")
    assert first.read == first.pages == 47 and first.runs_built == first.runs > 1
    again = build_search(late, tmp_path / "cache")  # every page shows another time, in a part kept out
    assert again.read == 0 and again.runs_built == 0
    assert digest(early) == digest(late)
    search = SiteSearch(late)  # every page found by its own item numbers, in whichever run it is
    for path, (_, body) in pages.items():
        for number in re.findall(r"2026-\d\d-\d\d", body):
            assert search.find(number)[0].url == path.removesuffix("index.html"), number


def test_changed_added_and_removed_pages_are_read_alone_and_give_the_bytes_of_a_build_from_scratch(
    tmp_path: Path,
) -> None:
    pages = many_pages(60)
    site = write_site(tmp_path / "site", sorted(pages), pages)
    first = build_search(site, tmp_path / "cache")
    t_files = {p.name: p.stat().st_ino for p in (site / "search" / "t").iterdir()}
    changed = dict(pages)
    mark, body = changed["meetings/2026-07/index.html"]
    changed["meetings/2026-07/index.html"] = (
        mark,
        body.replace("</table>", "<tr><td>新增一行施工许可</td></tr></table>"),
    )
    changed["meetings/2026-99/index.html"] = ("", "<h1>第99次例会</h1><p>新的会议 电力接入</p>")
    del changed["meetings/2026-30/index.html"]
    (site / "meetings/2026-30/index.html").unlink()
    write_site(site, sorted(changed), changed)  # into the same folder, over the index built before
    again = build_search(site, tmp_path / "cache")
    assert again.read == 2 and again.pages == first.pages  # one page more, one less
    assert 1 <= again.runs_built <= 3 < again.runs  # the runs of those pages only
    assert digest(site) == built_alone(tmp_path, changed, "alone")
    kept = {p.name: p.stat().st_ino for p in (site / "search" / "t").iterdir()}
    assert len(kept) == len(t_files)  # the texts of the removed and the old changed page are gone
    assert sum(1 for name, inode in kept.items() if t_files.get(name) == inode) == len(kept) - 2  # others untouched
    assert [f.url for f in SiteSearch(site).find("新增一行施工许可")] == ["meetings/2026-07/"]


def test_segments_find_what_one_index_finds_and_a_changed_page_rewrites_its_segment_only(tmp_path: Path) -> None:
    """Pages split into segments (segments.py) give the same results in the same order as one index;
    a changed page makes its own segment's shards again and leaves the other segments' files alone."""
    pages = many_pages(70)
    whole = write_site(tmp_path / "whole", sorted(pages), pages)
    assert build_search(whole, tmp_path / "whole-cache").segments == 1
    split = write_site(tmp_path / "split", sorted(pages), pages)
    first = build_search(split, tmp_path / "cache", segment_pages=8)
    assert first.segments == first.segments_built == 8
    one, many = SiteSearch(whole), SiteSearch(split)
    assert len(many.segments) == 8 and many.segments[0][0] == 0
    queries = ["议定事项", "第1", "电力接入", "协调 许可", "项目3号", "用地报批", "2026-07-0", "例会"]
    queries += sorted({n for _, body in pages.values() for n in re.findall(r"2026-\d\d-\d\d", body)})[::9]
    for query in queries:
        found = many.find(query)
        assert found and found == one.find(query), query
    shards = {p.stem: p.stat().st_ino for p in (split / "search" / "s").iterdir()}

    changed = dict(pages)
    target = "meetings/2026-33/index.html"
    mark, body = changed[target]
    changed[target] = (mark, body.replace("</table>", "<tr><td>新增一行施工许可</td></tr></table>"))
    write_site(split, sorted(changed), changed)
    again = build_search(split, tmp_path / "cache", segment_pages=8)
    assert again.read == 1 and again.segments_built == 1 and again.runs_built == 1
    now = {p.stem: p.stat().st_ino for p in (split / "search" / "s").iterdir()}
    kept = [name for name, inode in now.items() if shards.get(name) == inode]
    own = next(names for _, names in SiteSearch(split).segments if not set(names) <= set(kept))
    assert len(kept) == len(now) - len(own) > 0  # every other segment's shards are the same files
    assert digest(split) == built_alone(tmp_path, changed, "alone", segment_pages=8)
    assert [f.url for f in SiteSearch(split).find("新增一行施工许可")] == ["meetings/2026-33/"]


def test_in_a_clone_of_hard_links_a_page_written_over_in_place_is_read_again(tmp_path: Path) -> None:
    """The stage knows a page by its file while it is shared with a published version (stage._Seen);
    a page with a single link is always read, even when its inode, size and time look the same."""
    pages = many_pages(20)
    live = write_site(tmp_path / "live", sorted(pages), pages)
    build_search(live, tmp_path / "cache")
    clone = tmp_path / "clone"  # as an incremental publish makes it: every page a hard link to the live one
    for path in pages:
        (clone / path).parent.mkdir(parents=True, exist_ok=True)
        os.link(live / path, clone / path)
    # Written over in place, the same size, the old time put back: only its single link betrays it.
    target = "meetings/2026-05/index.html"
    (live / target).unlink()  # the clone's page now has one link, as a page MkDocs wrote anew
    old = (clone / target).stat()
    text = (clone / target).read_text("utf-8")
    assert "议定事项" in text
    (clone / target).write_text(text.replace("议定事项", "议定要点", 1), "utf-8")
    os.utime(clone / target, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert (clone / target).stat().st_size == old.st_size and (clone / target).stat().st_ino == old.st_ino
    again = build_search(clone, tmp_path / "cache")
    assert again.read == 1  # the page written over is read and parsed again
    changed = dict(pages)
    mark, body = changed[target]
    changed[target] = (mark, body.replace("议定事项", "议定要点", 1))
    assert digest(clone) == built_alone(tmp_path, changed, "alone")


def test_a_damaged_cache_gives_the_same_bytes(tmp_path: Path) -> None:
    pages = many_pages(30)
    site = write_site(tmp_path / "site", sorted(pages), pages)
    build_search(site, tmp_path / "cache")
    for n, path in enumerate(sorted((tmp_path / "cache").rglob("*"))):
        if path.is_file() and n % 3 == 0:
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2])  # cut in half: a page, a run or a text file
    shutil.rmtree(site / "search")
    again = build_search(site, tmp_path / "cache")
    assert again.read > 0
    assert digest(site) == built_alone(tmp_path, pages, "alone")


HREFS = [
    "",
    "#top",
    "?q=1",
    "./",
    "../",
    "../../",
    "../../projects/P-2026-0041/",
    "../2026-20/#_2",
    "x/index.html",
    "/about/",
    "//other/x/",
    "http://site/about/",
    "https://example.org/",
    "mailto:a@b",
    " ../x/",
    "../x/./y/",
    "a//b/",
    ".hidden/",
    "%2e%2e/x/",
    "../../../../../x/",
    "javascript:alert(1)",
    "中文/页面/",
]


@pytest.mark.parametrize("url", ["", "meetings/2026-21/", "projects/P-2026-0041/", "a/b/c/"])
def test_links_point_where_a_browser_goes(url: str) -> None:
    def expected(href: str) -> str | None:
        parts = urlsplit(urljoin("http://site/" + url, href))
        return parts.path[1:].removesuffix("index.html") if parts.netloc == "site" else None

    rng = random.Random(url)
    atoms = ["..", ".", "a", "", "中", "x.y", "?", "#", "%2e", " ", ":", "\\\\", "b#.."]
    hrefs = HREFS + ["/".join(rng.choice(atoms) for _ in range(rng.randint(0, 6))) for _ in range(400)]
    article = "<h1>t</h1>" + "".join(f'<a href="{html.escape(h)}">L{n}</a>' for n, h in enumerate(hrefs))
    page = read_page(HEAD.format(mark="", body=article, built=""), url)
    assert page is not None
    found = {text: target for target, text in page.links}
    assert found == {f"L{n}": expected(h) for n, h in enumerate(hrefs) if expected(h) is not None}


def test_shard_keys_are_written_as_json_writes_them() -> None:
    """The shards' keys skip json.dumps when nothing in them needs escaping: every character, alone and paired."""
    chars = [chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000] + ["\U0001f600", "\U00020000"]
    for c in chars:
        assert _json_key(c) == json.dumps(c, ensure_ascii=False), hex(ord(c))
    for pair in ('a"', "\\b", "中\n", "\x7f中", "\u2028x", "测试"):
        assert _json_key(pair) == json.dumps(pair, ensure_ascii=False), pair
