"""Times on the app's pages read as officials write dates, whatever form they are stored in."""

from __future__ import annotations

from server.context import zh_time


def test_publish_times_are_written_as_officials_write_dates() -> None:
    assert zh_time("2026-12-03 00:05") == "2026年12月3日 00:05"
    assert zh_time("2026-11-28T09:30:12+08:00") == "2026年11月28日 09:30"
    assert zh_time("") == "" and zh_time("未安排") == "未安排"
