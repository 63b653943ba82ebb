"""What a page read of the site data, and whether a later publish's data gives it the same values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from generator.incremental.tracking import Comparer, Reads, TrackedSite


@dataclass
class Data:
    today: date
    names: dict[str, str] = field(default_factory=dict)
    rows: list[str] = field(default_factory=list)


def _read(site: object) -> str:
    """A 'page': one key, a membership test, a missing key, and the whole of a list."""
    s = site  # typed loosely on purpose: the page sees a TrackedSite
    return "|".join([s.names["a"], str("b" in s.names), str(s.names.get("zz")), ",".join(s.rows)])  # type: ignore[attr-defined]


def _reads(data: Data) -> Reads:
    reads = Reads()
    _read(TrackedSite(data, reads))
    return reads


def test_equal_reads_hold_and_any_change_a_page_read_breaks_them() -> None:
    base = Data(date(2026, 11, 28), {"a": "甲", "b": "乙", "c": "丙"}, ["x"])
    reads = _reads(base)
    # A key the page never looked at may change: the page is still the same.
    assert Comparer(Data(date(2026, 11, 29), {"a": "甲", "b": "乙", "c": "变了"}, ["x"])).still_holds(reads)
    for changed in (
        Data(base.today, {"a": "改", "b": "乙"}, ["x"]),  # a key it read
        Data(base.today, {"a": "甲"}, ["x"]),  # a key it tested for
        Data(base.today, {"a": "甲", "b": "乙", "zz": "新"}, ["x"]),  # a key that was missing
        Data(base.today, {"a": "甲", "b": "乙"}, ["x", "y"]),  # the list it read whole
    ):
        assert not Comparer(changed).still_holds(_reads(base)), changed


def test_a_dict_read_whole_changes_with_its_order() -> None:
    reads = Reads()
    keys = list(TrackedSite(Data(date(2026, 11, 28), {"a": "1", "b": "2"}), reads).names)  # type: ignore[attr-defined]
    assert keys == ["a", "b"]
    assert Comparer(Data(date(2026, 11, 28), {"a": "1", "b": "2"})).still_holds(reads)
    assert not Comparer(Data(date(2026, 11, 28), {"b": "2", "a": "1"})).still_holds(reads)


def test_a_page_cannot_change_the_data() -> None:
    site = TrackedSite(Data(date(2026, 11, 28)), Reads())
    with pytest.raises(AttributeError):
        site.today = date(2027, 1, 1)  # type: ignore[attr-defined]
