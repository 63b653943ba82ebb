"""Finding the demo records a test needs by what they are, never by number.

The demo's numbers (projects, issues, items, the next meeting) move whenever its generator or
the order of records changes; a test that names the record it needs by its properties keeps
working, and says in words what it needs.
"""

from __future__ import annotations

from datetime import date

from xietiao.ledger.monthly import previous_report
from xietiao.ledger.view import month_of, owed_reports
from xietiao.store.engine import Store


def next_meeting(store: Store) -> str:
    """The demo's next meeting: the earliest one that is only planned (its topic call not yet open)."""
    planned = store.all("meeting", lambda d: d.get("status") == "planned")
    assert planned, "演示数据里没有待召开的例会"
    return str(min(planned, key=lambda d: (str(d["date"]), str(d["number"])))["number"])


def open_item_of(store: Store, unit: str) -> str:
    """An open item `unit` leads that nobody has asked to close yet."""
    docs = store.all("item", lambda d: d["lead_unit"] == unit and d["status"] in ("registered", "in_progress"))
    assert docs, f"演示数据里{unit}没有牵头的未销号事项"
    return min(str(d["number"]) for d in docs)


def owed_after_a_report(store: Store, unit: str, today: date) -> list[str]:
    """Items `unit` still owes this month's report on and reported on before, with both the progress and the
    plan for the next month written: a new report's form starts from that text. At least two."""
    month = month_of(today)

    def reported_before(number: str) -> bool:
        last = previous_report(store, number, unit, month)
        data = last.get("data") if last else None
        return isinstance(data, dict) and bool(data.get("progress")) and bool(data.get("next_steps"))

    found = [str(d["number"]) for d in owed_reports(store, unit, month) if reported_before(str(d["number"]))]
    assert len(found) >= 2, f"演示数据里{unit}本月应报、以前报过进展的事项不足两项：{found}"
    return found
