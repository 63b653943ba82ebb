"""The three-colour rule: month-end and leap-day thresholds, reasons, worst colour."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xietiao.ledger.colours import Assessment, Colour, ColourThresholds, add_months, assess, colour, worst, zh_date

D = date.fromisoformat
G, Y, R = Colour.GREEN, Colour.YELLOW, Colour.RED
MECH = ColourThresholds()  # the mechanism's 1 and 3 months


@pytest.mark.parametrize(
    ("planned", "today", "expected"),
    [
        ("2026-01-31", "2026-01-31", G),
        ("2026-01-31", "2026-02-27", G),
        ("2026-01-31", "2026-02-28", Y),  # February has no 31st: its last day
        ("2026-01-31", "2026-04-29", Y),
        ("2026-01-31", "2026-04-30", R),  # April has no 31st either
        ("2028-01-31", "2028-02-28", G),
        ("2028-01-31", "2028-02-29", Y),  # leap year
        ("2027-11-30", "2028-02-28", Y),
        ("2027-11-30", "2028-02-29", R),
        ("2026-03-15", "2026-04-14", G),
        ("2026-03-15", "2026-04-15", Y),
        ("2026-03-15", "2026-06-14", Y),
        ("2026-03-15", "2026-06-15", R),
        ("2026-03-15", "2026-01-01", G),  # long before the node
        ("2026-11-30", "2026-12-30", Y),  # across the year end
        ("2026-11-30", "2027-02-27", Y),
        ("2026-11-30", "2027-02-28", R),
    ],
)
def test_colour_when_not_done(planned: str, today: str, expected: Colour) -> None:
    assert colour(D(planned), None, D(today), thresholds=MECH) is expected


def test_done_on_or_before_today_is_green_however_late() -> None:
    assert colour(D("2026-01-31"), D("2026-05-01"), D("2026-05-01"), thresholds=MECH) is G
    assert colour(D("2026-01-31"), D("2026-01-02"), D("2026-12-31"), thresholds=MECH) is G


def test_done_after_today_counts_as_not_done() -> None:
    assert colour(D("2026-01-31"), D("2026-05-02"), D("2026-05-01"), thresholds=MECH) is R
    assert colour(D("2026-01-31"), D("2026-03-01"), D("2026-02-28"), thresholds=MECH) is Y


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2026-01-31", 3, "2026-04-30"),
        ("2026-08-31", 3, "2026-11-30"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-11-30", 3, "2027-02-28"),
        ("2026-03-31", -1, "2026-02-28"),
        ("2026-01-15", -1, "2025-12-15"),
        ("2026-01-31", 0, "2026-01-31"),
        ("2028-02-29", 12, "2029-02-28"),
    ],
)
def test_add_months_clamps_to_month_end(day: str, n: int, expected: str) -> None:
    assert add_months(D(day), n) == D(expected)


def test_zh_date_has_no_zero_padding() -> None:
    assert zh_date(D("2026-01-05")) == "2026年1月5日"
    assert zh_date(D("2026-11-28")) == "2026年11月28日"


def test_labels_and_severity() -> None:
    assert [c.label for c in (G, Y, R)] == ["正常", "滞后", "严重滞后"]
    assert [c.severity for c in (G, Y, R)] == [0, 1, 2]
    assert Colour("red") is R and R == "red"


@pytest.mark.parametrize(
    ("colours", "expected"),
    [
        ([], G),
        ([G, G], G),
        ([G, Y], Y),
        ([R, Y], R),  # "yellow" > "red" as text: the order must come from severity
        ([Y, G, R, G], R),
    ],
)
def test_worst(colours: list[Colour], expected: Colour) -> None:
    assert worst(colours) is expected
    assert worst(iter(colours)) is expected


def test_assess_yellow_reason() -> None:
    result = assess(D("2026-01-31"), None, D("2026-03-17"), thresholds=MECH)
    assert result == Assessment(
        colour=Y,
        planned=D("2026-01-31"),
        done=None,
        days_late=45,
        reason="计划节点2026年1月31日，已逾期45天，超过1个月未完成（滞后）",
    )


def test_assess_red_reason() -> None:
    result = assess(D("2026-01-31"), None, D("2026-05-01"), thresholds=MECH)
    assert result.colour is R
    assert result.days_late == 90  # 28 + 31 + 30 + 1
    assert result.reason == "计划节点2026年1月31日，已逾期90天，超过3个月未完成（严重滞后）"


def test_assess_overdue_but_still_green() -> None:
    result = assess(D("2026-03-15"), None, D("2026-03-25"), thresholds=MECH)
    assert (result.colour, result.days_late) == (G, 10)
    assert result.reason == "计划节点2026年3月15日，已逾期10天，未满1个月（正常）"


def test_assess_not_yet_due_and_due_today() -> None:
    early = assess(D("2026-03-15"), None, D("2026-03-01"), thresholds=MECH)
    assert (early.colour, early.days_late) == (G, 0)
    assert early.reason == "计划节点2026年3月15日，尚未到期"
    assert assess(D("2026-03-15"), None, D("2026-03-15"), thresholds=MECH).reason == "计划节点2026年3月15日，今日到期"


def test_assess_done_names_the_day_and_how_late() -> None:
    result = assess(D("2026-01-31"), D("2026-02-01"), D("2026-03-01"), thresholds=MECH)
    assert (result.colour, result.done, result.days_late) == (G, D("2026-02-01"), 1)
    assert result.reason == "已于2026年2月1日完成"
    assert assess(D("2026-01-31"), D("2026-01-20"), D("2026-03-01"), thresholds=MECH).days_late == 0


def test_assess_names_the_node() -> None:
    result = assess(D("2026-01-31"), None, D("2026-03-17"), what="开工", thresholds=MECH)
    assert result.reason == "开工：计划节点2026年1月31日，已逾期45天，超过1个月未完成（滞后）"
    done = assess(D("2026-01-31"), D("2026-02-01"), D("2026-03-01"), what="竣工", thresholds=MECH)
    assert done.reason == "竣工：已于2026年2月1日完成"


def test_assess_done_after_today_is_reported_as_overdue() -> None:
    result = assess(D("2026-01-31"), D("2026-06-01"), D("2026-03-17"), thresholds=MECH)
    assert (result.colour, result.days_late, result.done) == (Y, 45, D("2026-06-01"))
    assert "已逾期45天" in result.reason


DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(planned=DAYS, today=DAYS, step=st.integers(min_value=0, max_value=800))
def test_colour_never_improves_as_today_advances(planned: date, today: date, step: int) -> None:
    later = today + timedelta(days=step)
    assert (
        colour(planned, None, today, thresholds=MECH).severity <= colour(planned, None, later, thresholds=MECH).severity
    )


@given(planned=DAYS, done=DAYS, step=st.integers(min_value=0, max_value=800))
def test_done_by_today_is_always_green(planned: date, done: date, step: int) -> None:
    assert colour(planned, done, done + timedelta(days=step), thresholds=MECH) is G


@given(day=DAYS, n=st.integers(min_value=-24, max_value=24))
def test_add_months_moves_whole_months(day: date, n: int) -> None:
    moved = add_months(day, n)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == n
    assert moved.day == day.day or (moved.day < day.day and (moved + timedelta(days=1)).day == 1)


def test_thresholds_are_a_parameter_of_the_rule() -> None:
    later = ColourThresholds(yellow=2, red=6)
    planned = D("2026-03-15")
    # The mechanism's yellow (one month) is still green at two months' thresholds; red comes at six.
    assert colour(planned, None, D("2026-04-15"), thresholds=MECH) is Y
    assert colour(planned, None, D("2026-04-15"), thresholds=later) is G
    assert colour(planned, None, D("2026-05-15"), thresholds=later) is Y
    assert colour(planned, None, D("2026-09-14"), thresholds=later) is Y
    assert colour(planned, None, D("2026-09-15"), thresholds=later) is R
    reason = assess(planned, None, D("2026-06-01"), thresholds=later).reason
    assert "超过2个月未完成（滞后）" in reason
