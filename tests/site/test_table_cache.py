"""Table rows kept as HTML between builds (generator/output/tables.py): pages come out as Markdown alone makes them."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
import yaml
from conftest import TODAY
from mkdocs.utils.meta import get_data

from generator.catalogue import site_pages
from generator.output.tables import TableCache, TableMismatch
from generator.render import Renderer
from generator.sitedata import read_site_data
from xietiao.config import MKDOCS_YML
from xietiao.demo.generate import make_demo
from xietiao.store.engine import Store

ATTACK = "<!--xt-table:0123-->旁注 | 列 | <!--xt-table-end--> <table>"


def _render(text: str) -> str:
    """Python-Markdown with the site's own extensions, as MkDocs calls it for a page (front matter apart)."""
    text, _ = get_data(text)
    config = yaml.safe_load(MKDOCS_YML.read_text("utf-8"))
    names, options = [], {}
    for entry in config["markdown_extensions"]:
        name = next(iter(entry)) if isinstance(entry, dict) else entry
        names.append(name)
        if isinstance(entry, dict):
            options[name] = entry[name]
    return markdown.Markdown(extensions=names, extension_configs=options).convert(text)


def _through(cache: TableCache, page: str, text: str) -> str:
    return cache.after_render(page, _render(cache.before_render(page, text)))


def _docs(tmp_path: Path) -> dict[str, str]:
    with Store(tmp_path / "data", create=True) as store:
        make_demo(store, TODAY, "demo", accounts=False)
        first = store.all("item")[0]
        store.update("item", str(first["number"]), lambda d: d.update(content=ATTACK), actor="t", action="t")
        site = read_site_data(store, TODAY)
    renderer = Renderer()
    return {page.path: renderer.render(page) for page in site_pages(site)}


def test_pages_with_kept_tables_are_the_pages_markdown_makes(tmp_path: Path) -> None:
    docs = _docs(tmp_path)
    big = {path: text for path, text in docs.items() if text.count("\n| --- |") or "| --- |" in text}
    assert {"ledger.md", "projects/index.md"} <= set(big) and len(big) > 20
    plain = {path: _render(text) for path, text in big.items()}
    assert any(ATTACK[:4] not in html and "&lt;!--xt-table" in html for html in plain.values())  # text stays text

    cold = TableCache(tmp_path / "tables", "toolchain-1")
    assert {path: _through(cold, path, text) for path, text in big.items()} == plain
    assert cold.rendered > 50 and cold.reused == 0
    warm = TableCache(tmp_path / "tables", "toolchain-1")  # the next build: every table known
    assert {path: _through(warm, path, text) for path, text in big.items()} == plain
    assert warm.rendered == 0 and warm.reused == cold.rendered

    # One row of the ledger changes: that row alone is rendered again.
    ledger = docs["ledger.md"]
    rows = [line for line in ledger.split("\n") if line.startswith("| ") and "---" not in line]
    row = next(line for line in rows if "编号" not in line)
    changed = ledger.replace(row, row.replace(" | ", " | 已核实：", 1), 1)
    again = TableCache(tmp_path / "tables", "toolchain-1")
    assert _through(again, "ledger.md", changed) == _render(changed)
    assert again.rendered == 1 and again.reused == len(rows) - 1 - ledger.count("| 编号 |")
    # A row that moves to another table of the same columns (a closure) is not rendered again either.
    tables = [block for block in changed.split("\n\n") if block.startswith("| ")]
    source, target = next((a, b) for a in tables for b in tables if a != b and a.split("\n")[0] == b.split("\n")[0])
    moved = source.split("\n")[-1]
    shifted = changed.replace(source, source.removesuffix("\n" + moved), 1).replace(target, f"{target}\n{moved}", 1)
    after = TableCache(tmp_path / "tables", "toolchain-1")
    assert _through(after, "ledger.md", shifted) == _render(shifted) and after.rendered == 0
    # Another toolchain (Markdown, MkDocs, the theme, the generator) renders every table again.
    other = TableCache(tmp_path / "tables", "toolchain-2")
    assert _through(other, "ledger.md", changed) == _render(changed) and other.reused == 0


def test_html_that_does_not_split_as_expected_stops_the_build_and_turns_the_cache_off(tmp_path: Path) -> None:
    text = "标题\n\n| 编号 | 内容 |\n| --- | --- |\n| 1 | 甲 |\n| 2 | 乙 |\n"
    cache = TableCache(tmp_path / "tables", "t")
    marked = cache.before_render("a.md", text)
    odd = _render(marked).replace("<td>乙</td>", "<td>乙</td>\n</tr>\n<tr>\n<td>丙</td>")  # a row too many
    with pytest.raises(TableMismatch):
        cache.after_render("a.md", odd)
    cache.switch_off()
    off = TableCache(tmp_path / "tables", "t")
    assert off.before_render("a.md", text) == text  # rendered by Markdown alone from now on


def test_a_damaged_cache_file_only_means_rendering_again(tmp_path: Path) -> None:
    docs = _docs(tmp_path)
    cache = TableCache(tmp_path / "tables", "t")
    expected = _render(docs["ledger.md"])
    assert _through(cache, "ledger.md", docs["ledger.md"]) == expected
    for path in (tmp_path / "tables").glob("*.json"):
        path.write_bytes(path.read_bytes()[:100])
    again = TableCache(tmp_path / "tables", "t")
    assert _through(again, "ledger.md", docs["ledger.md"]) == expected and again.reused == 0
    again.prune()  # a full build that rendered only the ledger: the other pages' files go
    assert [p.name for p in (tmp_path / "tables").glob("*.json")] == [again._file("ledger.md").name]
