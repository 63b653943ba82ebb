"""What a page read of the site's data, so that a later publish can tell whether the page could change.

A page is made by a function of the site data (pages.py). Made through a TrackedSite, every
attribute it reads and every key it looks up is written down with the value it got. On the next
publish the page is made again only if one of those reads now gives a different value: anything a
page function reads through `site` is seen, so no list of a page's inputs can fall behind the code.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, ItemsView, Iterator, KeysView, ValuesView
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

MISSING = object()  # what a lookup of an absent key gives, as a recorded value

ALL = "all"  # the whole attribute (a list, a date, a whole dict that was iterated)
KEY = "key"  # one key of a dict attribute


@dataclass
class Reads:
    """The reads of one page: (attribute, ALL or KEY, key, value)."""

    rows: list[tuple[str, str, Hashable, object]] = field(default_factory=list)

    def add(self, attr: str, how: str, key: Hashable, value: object) -> None:
        self.rows.append((attr, how, key, value))


class TrackedDict:
    """A read-only view of one dict attribute of the site that records what is read."""

    __slots__ = ("_data", "_name", "_reads")

    def __init__(self, name: str, data: dict[Hashable, object], reads: Reads) -> None:
        self._name, self._data, self._reads = name, data, reads

    def _key(self, key: Hashable) -> object:
        value = self._data.get(key, MISSING)
        self._reads.add(self._name, KEY, key, value)
        return value

    def _whole(self) -> dict[Hashable, object]:
        self._reads.add(self._name, ALL, None, self._data)
        return self._data

    def __getitem__(self, key: Hashable) -> object:
        value = self._key(key)
        if value is MISSING:
            raise KeyError(key)
        return value

    def get(self, key: Hashable, default: object = None) -> object:
        value = self._key(key)
        return default if value is MISSING else value

    def __contains__(self, key: Hashable) -> bool:
        return self._key(key) is not MISSING

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def __bool__(self) -> bool:
        return bool(self._whole())

    def keys(self) -> KeysView[Hashable]:
        return self._whole().keys()

    def values(self) -> ValuesView[object]:
        return self._whole().values()

    def items(self) -> ItemsView[Hashable, object]:
        return self._whole().items()


class TrackedSite:
    """Stands in for SiteData while a page is made; reads go to the real data and are recorded."""

    def __init__(self, site: object, reads: Reads) -> None:
        object.__setattr__(self, "_site", site)
        object.__setattr__(self, "_reads", reads)

    def __getattr__(self, name: str) -> object:
        value = getattr(object.__getattribute__(self, "_site"), name)
        reads = cast(Reads, object.__getattribute__(self, "_reads"))
        if isinstance(value, dict):
            return TrackedDict(name, value, reads)
        reads.add(name, ALL, None, value)
        return value

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("页面函数不能修改站点数据")


class Comparer:
    """Compares recorded values with today's, each pair of objects once per publish."""

    def __init__(self, site: object) -> None:
        self.site = site
        self._seen: dict[tuple[int, int], bool] = {}
        self._alive: list[tuple[object, object]] = []  # the compared objects, so that no id is reused meanwhile
        self._attrs: dict[str, object] = {}

    def _attr(self, name: str) -> object:
        if name not in self._attrs:
            self._attrs[name] = getattr(self.site, name, MISSING)
        return self._attrs[name]

    def _value(self, attr: str, how: str, key: Hashable) -> object:
        current = self._attr(attr)
        if how != KEY:
            return current
        return current.get(key, MISSING) if isinstance(current, dict) else MISSING

    def same(self, old: object, new: object) -> bool:
        if old is new:
            return True
        if old is MISSING or new is MISSING or type(old) is not type(new):
            return False
        pair = (id(old), id(new))
        known = self._seen.get(pair)
        if known is None:
            # A dict's order matters to a page that lists it: equal items in another order differ.
            known = old == new and (not isinstance(old, dict) or list(old) == list(new))  # type: ignore[call-overload]
            self._seen[pair] = known
            self._alive.append((old, new))
        return known

    def still_holds(self, reads: Reads) -> bool:
        """True if every read gives an equal value today; the reads then refer to today's objects."""
        fresh: list[tuple[str, str, Hashable, object]] = []
        for attr, how, key, old in reads.rows:
            new = self._value(attr, how, key)
            if not self.same(old, new):
                return False
            fresh.append((attr, how, key, new))
        # Keep references to today's objects only: older publishes' data can then be freed.
        reads.rows = fresh
        return True


T = TypeVar("T")


class Memo:
    """Values made from the site data, each kept with what it read, made again only when that changed.

    One publish: start(site), then get() for each value, then finish() (forgets values not asked for).
    """

    def __init__(self) -> None:
        self._kept: dict[Hashable, tuple[Hashable, Reads, object]] = {}
        self._site: object = None
        self._comparer = Comparer(None)
        self._used: set[Hashable] = set()
        self.made = 0  # values made by the last publish
        self.reused = 0  # values kept from an earlier one

    def clear(self) -> None:
        self._kept.clear()

    def start(self, site: object) -> None:
        self._site, self._comparer, self._used = site, Comparer(site), set()
        self.made = self.reused = 0

    def get(self, name: Hashable, key: Hashable, make: Callable[[Any], T]) -> T:
        """The value called `name`, made by `make(site)`; `key` stands for make's other inputs."""
        self._used.add(name)
        kept = self._kept.get(name)
        if kept is not None and kept[0] == key and self._comparer.still_holds(kept[1]):
            self.reused += 1
            return cast(T, kept[2])
        reads = Reads()
        value = make(TrackedSite(self._site, reads))
        self._kept[name] = (key, reads, value)
        self.made += 1
        return value

    def finish(self) -> None:
        for gone in set(self._kept) - self._used:
            del self._kept[gone]
