"""Monthly reports that say something new: what a report repeats from the unit's last one, and what that means.

A report starts from last month's text (view.report_prefill) so that the unit edits rather
than retypes; the risk is a report filed with nothing changed. `check_report` names the fields
left as they were, and flags a report that says 100 % done while promising the same next steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xietiao.jsonvalue import Doc
from xietiao.ledger.view import item_reports
from xietiao.store.engine import Store

# Fields compared with last month's report, in the form's order; the state itself may well stay the same.
COMPARED = ("progress", "next_steps", "difficulties", "percent")
DONE_PERCENT = 100
DONE_STATUS = "已完成"


@dataclass(frozen=True)
class ReportCheck:
    previous: str  # the number of the unit's last report on the item, "" when this is its first
    previous_month: str  # "2026-10", or ""
    unchanged: tuple[str, ...]  # fields of COMPARED that repeat the last report word for word
    done_same_plan: bool  # 100 % done (or 已完成) and "next month's plan" as last month

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.unchanged) or self.done_same_plan


def _data(doc: Doc) -> Doc:
    data = doc.get("data")
    return data if isinstance(data, dict) else {}


def _same(a: object, b: object) -> bool:
    """Equal as the unit would read them: surrounding blanks and line-end styles do not count."""
    if a in (None, "") or b in (None, ""):
        return False
    return " ".join(str(a).split()) == " ".join(str(b).split())


def previous_report(store: Store, item: str, unit: str, month: str) -> Doc | None:
    """The unit's newest filed report on the item for a month before `month`."""
    earlier = [d for d in item_reports(store, item) if d.get("unit") == unit and str(_data(d).get("month")) < month]
    return earlier[0] if earlier else None


def compare(previous: Mapping[str, object] | None, values: Mapping[str, object]) -> tuple[tuple[str, ...], bool]:
    """(unchanged fields, done with the same plan) of `values` against the previous report's data."""
    if previous is None:
        return (), False
    unchanged = tuple(k for k in COMPARED if _same(values.get(k), previous.get(k)))
    done = values.get("percent") == DONE_PERCENT or values.get("status") == DONE_STATUS
    return unchanged, done and "next_steps" in unchanged


def check_report(store: Store, unit: str, values: Mapping[str, object]) -> ReportCheck:
    """How the report in `values` (item, month, texts) compares with the unit's last one on the item."""
    item, month = str(values.get("item") or ""), str(values.get("month") or "")
    last = previous_report(store, item, unit, month) if item and month else None
    if last is None:
        return ReportCheck("", "", (), False)
    unchanged, done_same = compare(_data(last), values)
    return ReportCheck(str(last.get("number") or ""), str(_data(last).get("month") or ""), unchanged, done_same)


def report_flags(reports: list[Doc]) -> dict[str, ReportCheck]:
    """For an item's reports (newest first): each one checked against the same unit's report before it."""
    out: dict[str, ReportCheck] = {}
    for i, doc in enumerate(reports):
        month = str(_data(doc).get("month") or "")
        before = next(
            (d for d in reports[i + 1 :] if d.get("unit") == doc.get("unit") and str(_data(d).get("month")) < month),
            None,
        )
        if before is None:
            continue
        unchanged, done_same = compare(_data(before), _data(doc))
        if unchanged or done_same:
            earlier = str(_data(before).get("month") or "")
            out[str(doc.get("number"))] = ReportCheck(str(before.get("number")), earlier, unchanged, done_same)
    return out
