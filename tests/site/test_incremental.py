"""An incremental publish gives byte for byte what a full build of the same data gives, on a year of data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from site_support import add_progress

from generator.build import SitePublisher, publish
from generator.output.versions import TRASH, files_of
from xietiao.config import DISTRICT_TZ
from xietiao.demo.generate import make_demo
from xietiao.jsonvalue import Doc
from xietiao.store.engine import Store

TODAY = date(2026, 11, 28)
FIRST = datetime(2026, 11, 28, 18, 0, tzinfo=DISTRICT_TZ)
SECOND = datetime(2026, 11, 29, 0, 5, tzinfo=DISTRICT_TZ)  # the daily publish after midnight
REASON = "数据更新：月度进展、议定事项、项目、督办；每日例行发布"


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    root = tmp_path_factory.mktemp("year")
    with Store(root / "data", create=True) as store:
        make_demo(store, TODAY, "1y", accounts=False)
        yield store, root


def _open_items(store: Store) -> list[Doc]:
    return sorted(
        (d for d in store.all("item") if d.get("status") not in ("closed",) and d.get("project")),
        key=lambda d: str(d["number"]),
    )


def _change_everything_a_day_brings(store: Store) -> dict[str, str]:
    """A report filed, an item closed, a project sent back (off the site), a supervision record; then midnight."""
    items = _open_items(store)
    report_item, closed_item = items[0], items[-1]
    add_progress(store, "R-2026-9001", str(report_item["number"]), "增量发布测试：地下管线迁改已完成")
    store.update(
        "item",
        str(closed_item["number"]),
        lambda d: d.update(status="closed", done="2026-11-28", closed_reason="已核实办结"),
        actor="test",
        action="销号",
    )
    public = [p for p in store.all("project") if p.get("status") == "accepted" and not p.get("confidential")]
    withdrawn = str(public[len(public) // 2]["number"])
    store.update("project", withdrawn, lambda d: d.update(status="returned"), actor="test", action="退回")
    store.insert(
        "supervision",
        {
            "number": "S-2026-9001",
            "kind": "督办函",
            "unit": str(report_item["lead_unit"]),
            "items": [str(report_item["number"])],
            "date": "2026-11-28",
            "note": "增量发布测试督办",
            "must_explain": True,
            "explain_at": "",
            "created": "2026-11-28T17:00:00+08:00",
        },
        actor="test",
        action="督办",
    )
    return {"report": str(report_item["project"]), "closed": str(closed_item["number"]), "withdrawn": withdrawn}


def test_incremental_publish_equals_a_full_build_byte_for_byte(year: tuple[Store, Path]) -> None:
    store, root = year
    publisher = SitePublisher()  # kept between publishes, as the server keeps it
    first = publisher.publish(store, root / "live" / "site", TODAY, built_at=FIRST, reason="首次发布")
    assert first.ok and first.mode == "full", first.error
    changed = _change_everything_a_day_brings(store)
    tomorrow = TODAY + timedelta(days=1)
    inc = publisher.publish(store, root / "live" / "site", tomorrow, built_at=SECOND, reason=REASON)
    assert inc.ok and inc.mode == "incremental", inc.error
    full = publish(store, root / "fresh" / "site", tomorrow, built_at=SECOND, reason=REASON)
    assert full.ok and full.mode == "full", full.error

    a, b = ((root / name / "site").resolve() for name in ("live", "fresh"))
    files_a, files_b = files_of(a), files_of(b)
    assert sorted(files_a) == sorted(files_b)
    different = [rel for rel in files_a if Path(files_a[rel]).read_bytes() != Path(files_b[rel]).read_bytes()]
    assert different == []
    # The comparison covers the precompressed copies, and the pages that changed or went away.
    assert any(rel.endswith(".html.br") for rel in files_a) and any(rel.endswith(".html.gz") for rel in files_a)
    assert f"projects/{changed['withdrawn']}/index.html" not in files_a
    assert "地下管线迁改已完成" in (a / "projects" / changed["report"] / "index.html").read_text("utf-8")
    # Only a part of the site was made again and rendered: the pages a new day and four changes touch.
    assert 0 < inc.made < inc.pages and 0 < inc.index["read"] < inc.index["pages"]
    # Pages the build did not change are still the previous version's files (hard links); so are the
    # search's files, but for the shards of a segment holding a changed page (all of them at one segment).
    pages = [r for r in files_a if r.endswith(".html")]
    rewritten = [r for r in pages if os.stat(files_a[r]).st_nlink == 1]
    assert 0 < len(rewritten) < len(pages) // 2 and 0 < inc.changed < len(files_a) // 2


def test_the_live_version_was_never_written_to(year: tuple[Store, Path]) -> None:
    """The previous version is kept beside the live one: after the incremental publish it is unchanged."""
    _, root = year
    versions = sorted(v for v in (root / "live" / ".site-versions").iterdir() if not v.name.startswith(TRASH))
    assert len(versions) == 2
    previous = next(v for v in versions if v != (root / "live" / "site").resolve())
    stamp = (previous / "stamp.json").read_text("utf-8")
    assert "首次发布" in stamp and "增量发布测试" not in (previous / "index.html").read_text("utf-8")
    # Files the two versions share are one file on disk (hard links), not copies.
    live = (root / "live" / "site").resolve()
    shared = [
        rel for rel, path in files_of(previous).items() if (live / rel).exists() and os.path.samefile(path, live / rel)
    ]
    assert len(shared) > len(files_of(previous)) // 2
