"""Reading cells as dates, months and meetings: any text gets a value or a Chinese reason, never a crash."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xietiao.intake.values import Unreadable, read_date, read_meeting, read_month, read_status, read_units


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2026-03-05", date(2026, 3, 5)),
        ("2026/3/5", date(2026, 3, 5)),
        ("2026.3.5", date(2026, 3, 5)),
        ("２０２６年３月５日", date(2026, 3, 5)),  # full-width digits as some input methods type them
        ("2026年3月5日前", date(2026, 3, 5)),
        ("2026年6月", date(2026, 6, 30)),
        ("2026年6月底", date(2026, 6, 30)),
        ("2026年2月下旬", date(2026, 2, 28)),
        ("2026年9月中旬", date(2026, 9, 20)),
        ("2026年上半年", date(2026, 6, 30)),
        ("2026年底", date(2026, 12, 31)),
        (datetime(2026, 3, 5, 0, 0), date(2026, 3, 5)),
        (46203, date(2026, 6, 30)),  # an Excel serial number in a cell formatted as 常规
        (None, None),
    ],
)
def test_dates_in_the_forms_a_bureau_writes_them(cell: object, day: date | None) -> None:
    assert read_date(cell) == day  # type: ignore[arg-type]


@pytest.mark.parametrize("cell", ["尽快", "2026年13月1日", "2026-02-30", "待定", 12, "3月5日"])
def test_what_is_not_a_date_says_so(cell: object) -> None:
    with pytest.raises(Unreadable):
        read_date(cell)  # type: ignore[arg-type]


def test_meetings_units_and_statuses() -> None:
    assert read_meeting("2026年第12次", None).number == "2026-12"  # type: ignore[union-attr]
    assert read_meeting("第3次", 2025).number == "2025-03"  # type: ignore[union-attr]
    assert read_meeting("区政府专题会议纪要〔2026〕7号", None).number == "2026-07"  # type: ignore[union-attr]
    assert read_meeting("2026年3月12日", None).day == date(2026, 3, 12)  # type: ignore[union-attr]
    assert read_units("区国资办、东城街道；区国资办") == ("区财政局", "东城街道")
    assert read_status("是").value == "closed" and read_status("").value == "registered"
    assert read_month("2026年11月") == "2026-11"


@given(st.text(max_size=40) | st.integers() | st.floats(allow_nan=True))
def test_any_cell_is_read_or_refused_in_chinese(cell: object) -> None:
    for reader in (read_date, read_month, read_status, read_units, lambda v: read_meeting(v, 2026)):
        try:
            reader(cell)  # type: ignore[arg-type]
        except Unreadable as exc:
            assert str(exc)
