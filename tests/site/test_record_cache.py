"""Records converted once: a publish converts again only the records that changed, in changed files only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.incremental.records import RecordCache
from generator.sitedata import read_site_data
from tests.site_support import add_item, seed
from xietiao.jsonvalue import Doc
from xietiao.store.engine import Store

TODAY = date(2026, 11, 28)


class _Names:
    """A conversion that counts its calls: what the cache saves is calls of it."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, doc: Doc) -> tuple[str, str] | None:
        self.calls += 1
        data = doc.get("data")
        name = data.get("name") if isinstance(data, dict) else None
        return (str(doc["number"]), str(name)) if name != "跳过" else None


def _project(n: int, name: str, year: int = 2026) -> Doc:
    return {"number": f"P-{year}-{n:04d}", "data": {"name": name}, "created": f"{year}-03-01T10:00:00+08:00"}


def _rename(store: Store, number: str, name: str) -> None:
    store.update("project", number, lambda d: d.update(data={"name": name}), actor="t", action="改名")


def test_only_changed_records_are_converted_again_and_the_others_keep_their_values(tmp_path: Path) -> None:
    names = _Names()
    with Store(tmp_path / "d", create=True) as store:
        with store.batch():
            for n in range(1, 41):
                store.insert("project", _project(n, f"项目{n}"), actor="t", action="登记")
            store.insert("project", _project(1, "去年的项目", 2025), actor="t", action="登记")
        cache = RecordCache()
        first = cache.derive(store, "project", "names", names)
        assert names.calls == 41 and len(first) == 41

        assert cache.derive(store, "project", "names", names) == first and names.calls == 41  # nothing changed

        _rename(store, "P-2026-0007", "改过的名字")
        second = cache.derive(store, "project", "names", names)
        assert names.calls == 42  # the one record, not its file's forty
        assert second == [(p, "改过的名字" if p == "P-2026-0007" else n) for p, n in first]
        assert all(a is b for a, b in zip(first, second, strict=True) if a[0] != "P-2026-0007")

        store.insert("project", _project(41, "新项目"), actor="t", action="登记")
        _rename(store, "P-2026-0003", "跳过")  # a value left out
        third = cache.derive(store, "project", "names", names)
        assert names.calls == 44
        assert [p for p, _ in third] == [p for p, _ in second if p != "P-2026-0003"] + ["P-2026-0041"]

        # A batch that fails is put back: its records are converted again, to what they were.
        with pytest.raises(RuntimeError), store.batch():
            _rename(store, "P-2026-0009", "不会保存的名字")
            raise RuntimeError("中途失败")
        after = cache.derive(store, "project", "names", names)
        assert after == third
        assert after == RecordCache().derive(store, "project", "names", _Names())  # as read from scratch


def test_a_kept_cache_reads_what_a_fresh_read_gives(tmp_path: Path) -> None:
    with Store(tmp_path / "d", create=True) as store:
        seed(store)  # with a supervision record and a meeting with discussions
        cache = RecordCache()
        before = read_site_data(store, TODAY, cache=cache)
        again = read_site_data(store, TODAY, cache=cache)
        assert again == before
        # Unchanged records, their discussions and supervisions are the objects of the last read: the
        # redaction memo and the pages' dependency checks know them without comparing them.
        assert all(a is b for a, b in zip(before.discussions["2026-11"], again.discussions["2026-11"], strict=True))
        assert before.discussions["2026-11"] and before.supervisions and before.supervisions[0] is again.supervisions[0]
        assert before.items["2026-10-01"] is again.items["2026-10-01"]

        store.update(
            "item", "2026-11-01", lambda d: d.update(status="closed", done="2026-11-27"), actor="t", action="销号"
        )
        add_item(store, "2026-11-02", "P-2026-0001", "新增的议定事项", "区经信局", "2026-12-20")
        kept, fresh = read_site_data(store, TODAY, cache=cache), read_site_data(store, TODAY)
        assert kept == fresh
        assert kept.items["2026-11-01"].status.value == "closed" and "2026-11-02" in kept.items
        assert kept.items["2026-10-01"] is before.items["2026-10-01"]
