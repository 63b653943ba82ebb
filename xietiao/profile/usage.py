"""Which unit names the store's records use, and which of them the profile no longer knows.

A unit renamed in the profile file without its old name among the aliases would lose its
records: they keep the name they were filed under. This finds such names, so that start-up
can warn and the admin page can attach them to the right unit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from xietiao.jsonvalue import Doc
from xietiao.profile.schema import Profile
from xietiao.store.engine import Store

# Where records name a unit: the record's own unit, and unit fields inside its data or rows.
RECORD_KINDS = ("user", "project", "issue", "material", "progress", "closure", "item", "meeting", "supervision")
_ONE = ("unit", "lead_unit", "town")
_MANY = ("co_units", "attendance")


def _names(doc: Doc) -> Iterator[str]:
    for where in (doc, doc.get("data")):
        if not isinstance(where, dict):
            continue
        for key in _ONE:
            value = where.get(key)
            if isinstance(value, str) and value:
                yield value
        for key in _MANY:
            values = where.get(key)
            if isinstance(values, list):
                yield from (v for v in values if isinstance(v, str) and v)
    agreed = doc.get("agreed")  # a meeting's agreed items name their units too
    if isinstance(agreed, list):
        for row in agreed:
            if isinstance(row, dict):
                yield from _names(row)


def names_in_use(store: Store) -> Counter[str]:
    """How many records name each unit name (as typed when filed)."""
    counts: Counter[str] = Counter()

    def count(doc: Doc) -> bool:
        counts.update(set(_names(doc)))
        return False  # nothing to return: counting in the filter spares copying every record

    for kind in RECORD_KINDS:
        store.all(kind, count)
    return counts


def unknown_names(profile: Profile, counts: Counter[str]) -> list[tuple[str, int]]:
    """Names records use that are neither a unit's name nor an alias, most used first."""
    lost = [(name, n) for name, n in counts.items() if name.strip() not in profile.by_name]
    return sorted(lost, key=lambda x: (-x[1], x[0]))
