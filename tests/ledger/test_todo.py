"""The bureau's to-do list: cycle steps in working days, closures, reports owed, items that turned worse."""

from __future__ import annotations

from datetime import date

from conftest import TODAY, login
from cycle_support import MEETING, _issue, _post, _submit
from test_ledger import make_item

from xietiao.cycle.todo import CLOSURES, COLOURS, CYCLE, REPORTS, bureau_todo, last_workday_of_month
from xietiao.cycle.workdays import WorkCalendar
from xietiao.ledger.snapshots import take_snapshot
from xietiao.store.engine import Store


def _rows(store: Store, section: str, today: date = TODAY) -> list[tuple[str, str, str]]:
    return [(t.title, t.when, t.link) for t in bureau_todo(store, today) if t.section == section]


def test_cycle_steps_are_due_in_working_days(cycle, store: Store) -> None:  # type: ignore[no-untyped-def]
    # The previous meeting was held on Friday 20 November: the call was due Monday the 23rd.
    [(title, when, link)] = _rows(store, CYCLE)
    assert title.startswith("发布议题征集通知") and link == f"/app/cycle/{MEETING}"
    assert when == "已逾期4个工作日（2026年11月23日到期）"  # Tuesday to Friday; Saturday the 28th is no working day
    _post(cycle["fgj"], f"/app/cycle/{MEETING}/open-call")
    _submit(cycle["dc"], "issue", _issue(cycle["p1"], "紧急", "请协调用地预审。"))
    rows = _rows(store, CYCLE)
    assert [(t[0][:6], t[2]) for t in rows] == [
        ("审核问题清单", f"/app/issues?meeting={MEETING}"),
        ("拟定并报送建", f"/app/cycle/{MEETING}/plan"),
    ]
    assert all(t[1] == "已逾期2个工作日（2026年11月25日到期）" for t in rows)
    # Seen from the Monday before the list was due, the same step still has days left.
    early = [t.when for t in bureau_todo(store, date(2026, 11, 23)) if t.section == CYCLE]
    assert early[-1] == "还有2个工作日（2026年11月25日到期）"


def test_closures_reports_and_items_turned_worse(store: Store) -> None:
    make_item(store, "2026-10-01", planned="2026-11-10", lead="东城街道")
    make_item(store, "2026-10-02", planned="2026-12-31", lead="西城街道", status="closure_requested")
    make_item(store, "2026-10-03", planned="2026-06-01", lead="西城街道", status="closed", done="2026-06-01")
    take_snapshot(store, date(2026, 11, 23), "meeting", "2026-10")
    [(title, _, link)] = _rows(store, CLOSURES)
    assert title == "2026-10-02 申请销号" and link == "/app/ledger/2026-10-02"
    reports = _rows(store, REPORTS)
    assert [t[0] for t in reports] == ["东城街道"]  # the one asking for closure reports no more
    assert reports[0][1] == "还有1个工作日（2026年11月30日到期）" and reports[0][2] == "/app/reports?month=2026-11"
    assert _rows(store, COLOURS) == []  # nothing changed since the meeting
    # On 12 December the item planned for 10 November is over a month late: yellow since the meeting.
    [(title, _, link)] = _rows(store, COLOURS, date(2026, 12, 12))
    assert title == "2026-10-01 转为滞后" and link == "/app/ledger/2026-10-01"


def test_month_end_is_the_last_working_day() -> None:
    cal = WorkCalendar()
    assert last_workday_of_month(date(2026, 10, 5), cal) == date(2026, 10, 30)  # the 31st is a Saturday
    assert last_workday_of_month(date(2026, 11, 28), cal) == date(2026, 11, 30)


def test_the_workbench_shows_the_rows_with_links(cycle, store: Store, app) -> None:  # type: ignore[no-untyped-def]
    make_item(store, "2026-10-02", planned="2026-12-31", lead="西城街道", status="closure_requested")
    html = login(app, "fgj").get("/app/").text
    assert 'id="todo"' in html and f'href="/app/cycle/{MEETING}"' in html and "已逾期4个工作日" in html
    assert 'href="/app/ledger/2026-10-02"' in html
    assert 'id="todo"' not in login(app, "dc").get("/app/").text  # a unit has its own workbench
