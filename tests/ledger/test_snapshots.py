"""Colour history: meeting snapshots and month-end snapshots, worked out as of their date."""

from __future__ import annotations

from datetime import date

import pytest
from test_ledger import make_item, make_project

from xietiao.ledger.snapshots import ensure_month_end_snapshots, month_end_before, snapshot_history, take_snapshot
from xietiao.store.engine import Store

TODAY = date(2026, 11, 28)


def _months(store: Store) -> list[str]:
    return [str(s["number"]) for s in snapshot_history(store) if s["reason"] == "month_end"]


def test_month_end_before() -> None:
    assert month_end_before(date(2026, 11, 28)) == date(2026, 10, 31)
    assert month_end_before(date(2026, 12, 1)) == date(2026, 11, 30)
    assert month_end_before(date(2026, 11, 30)) == date(2026, 10, 31)  # the month is not over yet
    assert month_end_before(date(2027, 3, 1)) == date(2027, 2, 28)


def test_nothing_to_colour_writes_nothing(store: Store) -> None:
    assert ensure_month_end_snapshots(store, TODAY) == []
    assert store.count("snapshot") == 0


def test_month_ends_are_backfilled_once_and_are_idempotent(store: Store) -> None:
    make_project(store, created="2026-07-15T10:00:00+08:00")
    make_item(store, "2026-08-01", planned="2026-09-01", created="2026-08-05T10:00:00+08:00")
    written = ensure_month_end_snapshots(store, TODAY)
    assert [s["number"] for s in written] == ["month-2026-07", "month-2026-08", "month-2026-09", "month-2026-10"]
    assert ensure_month_end_snapshots(store, TODAY) == []
    assert ensure_month_end_snapshots(store, date(2026, 11, 30)) == []
    journal_before = len(store.journal())
    assert ensure_month_end_snapshots(store, TODAY) == []
    assert len(store.journal()) == journal_before  # an ordinary page load writes nothing
    later = ensure_month_end_snapshots(store, date(2027, 1, 5))
    assert [s["number"] for s in later] == ["month-2026-11", "month-2026-12"]
    assert _months(store) == [f"month-2026-{m:02d}" for m in range(7, 13)]
    dec = store.get("snapshot", "month-2026-12")
    assert dec and dec["date"] == "2026-12-31" and dec["created"].startswith("2026-12-31")


def test_gaps_are_filled_only_after_the_last_month_end(store: Store) -> None:
    make_project(store, created="2026-01-15T10:00:00+08:00")
    take_snapshot(store, date(2026, 8, 31), reason="month_end")
    written = ensure_month_end_snapshots(store, TODAY)
    assert [s["number"] for s in written] == ["month-2026-09", "month-2026-10"]


def test_month_end_colours_are_as_of_that_day(store: Store) -> None:
    make_project(store, created="2026-01-10T10:00:00+08:00")
    # Late since June; closed on 10 November: still open (red) at the end of October.
    make_item(
        store,
        "2026-05-01",
        planned="2026-06-01",
        status="closed",
        closed_at="2026-11-10",
        done="2026-11-05",
        created="2026-05-20T10:00:00+08:00",
    )
    # Registered in November: not on the October snapshot at all.
    make_item(store, "2026-11-01", planned="2026-12-31", created="2026-11-05T10:00:00+08:00")
    # Due 15 September, done 20 October: yellow at the end of September, green (done) in October.
    make_item(
        store,
        "2026-09-01",
        planned="2026-08-15",
        done="2026-10-20",
        status="closure_requested",
        created="2026-08-01T10:00:00+08:00",
    )
    ensure_month_end_snapshots(store, date(2026, 12, 3))
    sep, octo, nov = (store.get("snapshot", f"month-2026-{m}") for m in ("09", "10", "11"))
    assert sep and octo and nov
    assert sep["items"] == {"2026-05-01": "red", "2026-09-01": "yellow"}
    assert octo["items"] == {"2026-05-01": "red", "2026-09-01": "green"}
    assert nov["items"] == {"2026-09-01": "green", "2026-11-01": "green"}
    assert octo["projects"] == {"P-2026-0001": "red"} and nov["projects"] == {"P-2026-0001": "green"}
    assert octo["counts"] == {"green": 0, "yellow": 0, "red": 1}


def test_meeting_snapshot_contents(store: Store) -> None:
    make_project(store, "P-2026-0001", milestones=[{"node": "开工", "task": "主体开工", "planned": "2026-10-10"}])
    make_project(store, "P-2026-0002", name="西城安置房", unit="西城街道")
    make_project(store, "P-2026-0003", name="南湖公园")
    make_item(store, "2026-05-01", planned="2026-06-01", project="P-2026-0002", lead="西城街道")  # red
    make_item(store, "2026-10-01", planned="2026-12-31", project="P-2026-0003")  # green
    make_item(
        store,
        "2026-10-02",
        planned="2026-06-01",
        project="P-2026-0003",
        status="closed",
        closed_at="2026-09-01",
        done="2026-08-30",
    )  # not monitored
    snap = take_snapshot(store, TODAY, reason="meeting", meeting="2026-12")
    assert snap["number"] == "meeting-2026-12" and snap["reason"] == "meeting" and snap["meeting"] == "2026-12"
    assert snap["date"] == "2026-11-28"
    assert snap["projects"] == {"P-2026-0001": "yellow", "P-2026-0002": "red", "P-2026-0003": "green"}
    assert snap["items"] == {"2026-05-01": "red", "2026-10-01": "green"}
    assert snap["counts"] == {"green": 1, "yellow": 1, "red": 1}
    assert store.get("snapshot", "meeting-2026-12") == snap
    # Approving again does not overwrite the history.
    make_item(store, "2026-10-03", planned="2026-01-01", project="P-2026-0003")
    assert take_snapshot(store, date(2026, 12, 1), reason="meeting", meeting="2026-12") == snap
    assert store.count("snapshot") == 1


def test_a_meeting_snapshot_needs_its_meeting() -> None:
    with pytest.raises(ValueError):
        take_snapshot(None, TODAY, reason="meeting")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        take_snapshot(None, TODAY, reason="weekly")  # type: ignore[arg-type]


def test_projects_not_accepted_or_registered_later_are_left_out(store: Store) -> None:
    make_project(store, "P-2026-0001", created="2026-12-15T10:00:00+08:00")
    store.insert(
        "project",
        {
            "number": "P-2026-0002",
            "form": "project",
            "unit": "东城街道",
            "status": "draft",
            "data": {"name": "草稿项目"},
            "created": "2026-01-01T10:00:00+08:00",
        },
        actor="dc",
        action="保存草稿",
    )
    make_project(store, "P-2026-0003", created="2026-02-01T10:00:00+08:00")
    snap = take_snapshot(store, date(2026, 11, 30), reason="month_end")
    assert snap["number"] == "month-2026-11" and snap["projects"] == {"P-2026-0003": "green"}
