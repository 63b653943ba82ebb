"""What the site made of each stored record, kept per file of the store from one publish to the next.

Reading and converting every record is most of a publish's own time at five years of data (54k
records copied and turned into views, seconds on two cores). The store gives each of its files a
version that changes with any record in it; what a conversion made of a file is reused while the
version stays, so a publish after one monthly report converts one or two files, not the history.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from xietiao.jsonvalue import Doc

T = TypeVar("T")


class PartReader(Protocol):
    """The store's reading by file (xietiao.store.engine.Store.read_parts)."""

    def read_parts(self, kind: str, known: Mapping[str, int]) -> dict[str, tuple[int, list[Doc] | None]]: ...


@dataclass
class RecordCache:
    """Per (kind, conversion): each file's version and the values its records converted to.

    A conversion must be a pure function of the record (and of what `name` stands for, such as the
    forms it applies), and its values must never be changed afterwards: they are shared by publishes.
    """

    _parts: dict[tuple[str, Hashable], dict[str, tuple[int, tuple[object, ...]]]] = field(default_factory=dict)
    memo: dict[str, object] = field(default_factory=dict)  # other things worth keeping (the forms)
    converted: int = 0  # files converted afresh, over this cache's life
    reused: int = 0  # files whose values were reused

    def derive(self, store: PartReader, kind: str, name: Hashable, convert: Callable[[Doc], T | None]) -> list[T]:
        """Every value `convert` makes of the records of `kind` (None is left out), in the store's order."""
        slot = self._parts.get((kind, name), {})
        known = {key: version for key, (version, _) in slot.items()}
        fresh: dict[str, tuple[int, tuple[object, ...]]] = {}
        for key, (version, docs) in store.read_parts(kind, known).items():
            if docs is None:
                fresh[key] = slot[key]
                self.reused += 1
            else:
                fresh[key] = (version, tuple(v for v in map(convert, docs) if v is not None))
                self.converted += 1
        self._parts[(kind, name)] = fresh  # files that are gone are dropped with their values
        return [v for _, values in fresh.values() for v in values]  # type: ignore[misc]
