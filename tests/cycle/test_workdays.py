"""Working days: the 2026 holiday arrangement, the unknown-year fallback and holidays.yml."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xietiao.cycle import workdays
from xietiao.cycle.workdays import CalendarFileError, WorkCalendar, load_calendar

D = date.fromisoformat


def _package_has(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


# 2027 is the year the bureau will meet first without data; once the package publishes it,
# the fallback is still exercised through 2099.
UNKNOWN_YEARS = [
    pytest.param(
        2027,
        marks=pytest.mark.skipif(_package_has(2027), reason="chinesecalendar now knows 2027"),
    ),
    2099,
]


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "holidays.yml").write_text(text, encoding="utf-8")
    return tmp_path


# --- 2026 as published by the State Council (read off chinesecalendar, reasoned by hand) ---
# National Day: off 10-01..10-07; make-up workdays Sun 09-20 and Sat 10-10.
# Mid-autumn: off 09-25..09-27.  Spring Festival: off 02-15..02-23; make-up Sat 02-14, Sat 02-28.


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-09-30", 0, "2026-09-30"),
        ("2026-09-30", 1, "2026-10-08"),  # straight over the golden week
        ("2026-09-30", 3, "2026-10-10"),  # 8th, 9th, then the Saturday make-up day
        ("2026-10-09", 1, "2026-10-10"),
        ("2026-10-10", 1, "2026-10-12"),  # Sunday 11th is an ordinary rest day
        ("2026-09-19", 1, "2026-09-20"),  # Sunday make-up day
        ("2026-09-24", 1, "2026-09-28"),  # Mid-autumn 25th..27th
        ("2026-02-13", 1, "2026-02-14"),  # Saturday make-up before Spring Festival
        ("2026-02-14", 1, "2026-02-24"),
        ("2026-02-13", 6, "2026-02-28"),  # 14, 24, 25, 26, 27, then Saturday 28th
        ("2026-02-13", 7, "2026-03-02"),
        ("2026-01-01", 1, "2026-01-04"),  # New Year: Sunday 4th is a make-up day
    ],
)
def test_add_workdays_over_2026_holidays(start: str, n: int, expected: str) -> None:
    assert workdays.add_workdays(D(start), n) == D(expected)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-10-01", False),
        ("2026-10-07", False),
        ("2026-10-08", True),
        ("2026-10-10", True),
        ("2026-10-11", False),
        ("2026-09-20", True),
        ("2026-02-16", False),
        ("2026-02-28", True),
        ("2026-03-02", True),
        ("2026-03-07", False),
    ],
)
def test_is_workday_2026(day: str, expected: bool) -> None:
    assert workdays.is_workday(D(day)) is expected


def test_workdays_between_counts_after_start_up_to_end() -> None:
    cal = WorkCalendar()
    assert cal.workdays_between(D("2026-09-30"), D("2026-10-12")) == 4  # 8, 9, 10, 12
    assert cal.workdays_between(D("2026-10-12"), D("2026-09-30")) == -4
    assert cal.workdays_between(D("2026-10-01"), D("2026-10-01")) == 0
    assert cal.workdays_between(D("2026-10-01"), D("2026-10-07")) == 0


def test_negative_n_is_a_bug() -> None:
    with pytest.raises(ValueError):
        workdays.add_workdays(D("2026-10-01"), -1)


# --- years the package does not know ---


@pytest.mark.parametrize("year", UNKNOWN_YEARS)
def test_unknown_year_falls_back_to_weekends_with_a_warning(year: int) -> None:
    cal = WorkCalendar()
    first = date(year, 1, 1)
    assert not cal.known(first)
    assert cal.unknown_years([D("2026-05-06"), first, date(year, 3, 1)]) == [year]
    message = cal.warning([D("2026-05-06"), first])
    assert message is not None
    assert f"{year}年" in message and "holidays.yml" in message
    assert cal.warning([D("2026-05-06")]) is None


@pytest.mark.skipif(_package_has(2027), reason="chinesecalendar now knows 2027")
def test_2027_counts_only_weekends_as_rest() -> None:
    # 2027-01-01 is a Friday: without data it is worked, and the weekend is not.
    assert workdays.is_workday(D("2027-01-01")) is True
    assert workdays.add_workdays(D("2026-12-31"), 1) == D("2027-01-01")
    assert workdays.add_workdays(D("2027-01-01"), 1) == D("2027-01-04")


def test_2099_counts_only_weekends_as_rest() -> None:
    # 2099-01-01 is a Thursday.
    assert workdays.add_workdays(D("2099-01-01"), 1) == D("2099-01-02")
    assert workdays.add_workdays(D("2099-01-01"), 2) == D("2099-01-05")
    assert WorkCalendar().workdays_between(D("2098-12-31"), D("2099-01-05")) == 3


def test_warning_names_every_unknown_year_in_order() -> None:
    message = WorkCalendar().warning([date(2099, 5, 1), date(2098, 5, 1)])
    assert message is not None
    assert message.index("2098年") < message.index("2099年")


# --- holidays.yml ---

SAMPLE = """\
# 年份未收录时由区发展改革局维护
holidays: [2027-01-01, 2027-02-16]
workdays: [2027-02-20]
"""


def test_missing_file_means_no_overrides(tmp_path: Path) -> None:
    assert load_calendar(tmp_path) == WorkCalendar()


def test_comment_only_file_means_no_overrides(tmp_path: Path) -> None:
    assert load_calendar(_write(tmp_path, "# 暂无\n")) == WorkCalendar()


def test_override_file_makes_new_year_2027_a_holiday(tmp_path: Path) -> None:
    cal = load_calendar(_write(tmp_path, SAMPLE))
    assert cal.is_workday(D("2027-01-01")) is False
    assert cal.add_workdays(D("2026-12-31"), 1) == D("2027-01-04")
    assert cal.is_workday(D("2027-02-16")) is False  # a Tuesday
    assert cal.is_workday(D("2027-02-20")) is True  # a Saturday
    assert cal.add_workdays(D("2027-02-19"), 1) == D("2027-02-20")
    # Listing any 2027 date tells us the bureau has entered that year.
    assert cal.known(D("2027-07-01"))
    assert cal.warning([D("2027-07-01")]) is None


def test_override_file_wins_over_the_package(tmp_path: Path) -> None:
    cal = load_calendar(_write(tmp_path, "holidays: [2026-10-08]\nworkdays: ['2026-10-11']\n"))
    assert cal.add_workdays(D("2026-09-30"), 1) == D("2026-10-09")
    assert cal.add_workdays(D("2026-10-10"), 1) == D("2026-10-11")


def test_empty_key_is_allowed(tmp_path: Path) -> None:
    cal = load_calendar(_write(tmp_path, "holidays: [2027-01-01]\nworkdays:\n"))
    assert cal == WorkCalendar(holidays=frozenset({D("2027-01-01")}))


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("holidays: [2027-13-01]\n", ["holidays", "第1项", "2027-13-01", "2027-01-01"]),
        ("holidays: [2027-02-30]\n", ["holidays", "2027-02-30"]),
        ("workdays: [2027-01-01, 明天]\n", ["workdays", "第2项", "明天"]),
        ("workdays: 2027-02-20\n", ["workdays", "列表"]),
        ("holiday: [2027-01-01]\n", ["holiday", "无法识别", "holidays"]),
        ("holidays: [2027-01-01]\nworkdays: [2027-01-01]\n", ["同时", "2027-01-01"]),
        ("- 2027-01-01\n", ["holidays", "workdays"]),
        ("holidays: [2027-01-01\n", ["YAML", "2027-01-01"]),
    ],
)
def test_malformed_file_names_file_key_and_fix(tmp_path: Path, text: str, fragments: list[str]) -> None:
    _write(tmp_path, text)
    with pytest.raises(CalendarFileError) as caught:
        load_calendar(tmp_path)
    message = str(caught.value)
    assert str(tmp_path / "holidays.yml") in message
    for fragment in fragments:
        assert fragment in message
    assert isinstance(caught.value, ValueError)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    _write(tmp_path, "holiday: [2027-01-01]\nworkdays: [x, 2027-02-31]\n")
    with pytest.raises(CalendarFileError) as caught:
        load_calendar(tmp_path)
    assert len(caught.value.problems) == 3


def test_calendar_rejects_a_day_in_both_sets() -> None:
    with pytest.raises(ValueError):
        WorkCalendar(holidays=frozenset({D("2027-01-01")}), workdays=frozenset({D("2027-01-01")}))


@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
    n=st.integers(min_value=1, max_value=30),
)
def test_add_workdays_lands_on_a_workday_n_workdays_later(start: date, n: int) -> None:
    cal = WorkCalendar()
    end = cal.add_workdays(start, n)
    assert cal.is_workday(end)
    assert cal.workdays_between(start, end) == n
