"""The server's data is left out of the garbage collector's passes after each publish, and cycles are still freed."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from live_support import UNIT_ITEMS, client, file_report, live_site

from server.heap import settle_after_publish
from xietiao.store.engine import Store


class _Node:
    """A container that can refer to itself and be watched through a weak reference."""

    def __init__(self) -> None:
        self.me: _Node | None = None


def _tracked_ids() -> set[int]:
    """Objects in the collector's generations: those its passes walk (frozen ones are not among them)."""
    return {id(o) for o in gc.get_objects()}


def test_after_a_publish_the_servers_objects_are_frozen(store: Store, tmp_path: Path) -> None:
    with live_site(store, tmp_path) as (base, app):
        publisher = app.state.xietiao.publisher  # type: ignore[attr-defined]
        publisher.wait(60)
        runs = publisher.status.runs
        file_report(client(base, "czj"), UNIT_ITEMS[0], "管线迁改已完成，等待验收")
        publisher.wait(60)
        assert publisher.status.runs > runs and publisher.status.ok
        # The publisher, its history and the store it reads were alive when the publish ended: frozen.
        assert gc.is_tracked(publisher.history) and gc.is_tracked(publisher)
        assert not {id(publisher), id(publisher.history), id(store)} & _tracked_ids()
        assert gc.get_freeze_count() > 0


def test_frozen_cycles_are_freed_once_the_frozen_objects_have_grown_enough() -> None:
    assert settle_after_publish(growth=0)  # a full pass now: it sets the count to compare with
    baseline = gc.get_freeze_count()
    node = _Node()
    node.me = node  # garbage held by a cycle once the name is gone
    watch = weakref.ref(node)
    kept = [[n] for n in range(2_000)]  # data a publish keeps
    assert not settle_after_publish(growth=2)  # grown by far less than that: frozen, no pass
    assert not {id(node), id(kept)} & _tracked_ids()
    del node
    gc.collect()
    assert watch() is not None  # frozen: a pass does not see the cycle
    growth = (baseline + 1_000) / baseline  # the 2,000 lists kept are more than that
    assert settle_after_publish(growth=growth)
    assert watch() is None  # the full pass freed it
    assert not {id(kept)} & _tracked_ids() and gc.get_freeze_count() > baseline + 1_000
