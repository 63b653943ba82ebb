"""What the site made of each stored record, kept from one publish to the next while the record stays.

Reading and converting every record is most of a publish's own time at five years of data (54k
records copied and turned into views, seconds on two cores). The store gives each of its files a
version that changes with any record in it, and each record a version that changes with the record:
an unchanged file is not looked into, and in a changed one only the changed records are copied and
converted again. A closure then converts one item, not its year's thousand; the others keep their
values, the same objects, which is what lets the redaction memo and the pages' dependency checks
(tracking.py) know them at once.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from xietiao.jsonvalue import Doc
from xietiao.store.partition import PartRow

T = TypeVar("T")

# One file's records: each one's version, and each one's value (None when left out), in the store's order.
_Records = tuple[dict[str, int], dict[str, object]]


class PartReader(Protocol):
    """The store's reading by file and record (xietiao.store.engine.Store.read_parts)."""

    def read_parts(
        self, kind: str, known: Mapping[str, int], known_docs: Mapping[str, Mapping[str, int]] | None = None
    ) -> dict[str, tuple[int, list[PartRow] | None]]: ...


@dataclass
class RecordCache:
    """Per (kind, conversion): each file's version, and each record's version and value.

    A conversion must be a pure function of the record (and of what `name` stands for, such as the
    forms it applies), and its values must never be changed afterwards: they are shared by publishes.
    """

    _parts: dict[tuple[str, Hashable], dict[str, tuple[int, _Records]]] = field(default_factory=dict)
    memo: dict[str, object] = field(default_factory=dict)  # other things worth keeping (the forms)
    converted: int = 0  # records converted afresh, over this cache's life
    reused: int = 0  # records whose values were reused (in unchanged files or not)

    def derive(self, store: PartReader, kind: str, name: Hashable, convert: Callable[[Doc], T | None]) -> list[T]:
        """Every value `convert` makes of the records of `kind` (None is left out), in the store's order."""
        slot = self._parts.get((kind, name), {})
        known = {part: version for part, (version, _) in slot.items()}
        known_docs = {part: versions for part, (_, (versions, _)) in slot.items()}
        fresh: dict[str, tuple[int, _Records]] = {}
        for part, (version, docs) in store.read_parts(kind, known, known_docs).items():
            if docs is None:
                fresh[part] = slot[part]
                self.reused += len(slot[part][1][1])
                continue
            before = slot[part][1][1] if part in slot else {}
            versions: dict[str, int] = {}
            values: dict[str, object] = {}
            for key, doc_version, doc in docs:
                versions[key] = doc_version
                values[key] = before[key] if doc is None else convert(doc)
                self.reused += doc is None
                self.converted += doc is not None
            fresh[part] = (version, (versions, values))
        self._parts[(kind, name)] = fresh  # files and records that are gone are dropped with their values
        return [v for _, (_, values) in fresh.values() for v in values.values() if v is not None]  # type: ignore[misc]
