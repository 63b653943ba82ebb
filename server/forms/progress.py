"""Monthly reports on the form pages: last month's text marked where it is still unchanged, and a confirmation.

The check itself is the domain's (xietiao.ledger.monthly); here it becomes what the form shows:
each carried field highlighted while it equals last month's, and before an unchanged report is
submitted, a box naming the fields and asking the unit to confirm.
"""

from __future__ import annotations

from collections.abc import Mapping

from xietiao.forms.definitions import FormDef
from xietiao.jsonvalue import Doc
from xietiao.ledger.monthly import COMPARED, ReportCheck, check_report, previous_report
from xietiao.store.engine import Store

FORM = "progress"
CONFIRM = "confirm_unchanged"  # posted with "yes" once the unit has confirmed


def _month(values: Mapping[str, object]) -> str:
    return str(values.get("month") or "")


def last_values(store: Store, unit: str, values: Mapping[str, object]) -> tuple[str, dict[str, str]]:
    """(last report's month, its compared fields as the form shows them) for the report in `values`."""
    item = str(values.get("item") or "")
    last = previous_report(store, item, unit, _month(values)) if item and _month(values) else None
    data = last.get("data") if last is not None else None
    if not isinstance(data, dict):
        return "", {}
    shown = {k: str(data[k]) for k in COMPARED if data.get(k) not in (None, "")}
    return str(data.get("month") or ""), shown


def form_context(store: Store, form: FormDef, unit: str, values: Mapping[str, object]) -> dict[str, object]:
    """What form.html needs to mark the fields still as last month's (nothing for other forms)."""
    if form.name != FORM:
        return {}
    month, shown = last_values(store, unit, values)
    return {"same_as_last": shown, "last_month": month}


def needs_confirmation(store: Store, unit: str, values: Doc, posted: Mapping[str, object]) -> ReportCheck | None:
    """The check to show when a report is submitted unchanged and not yet confirmed; else None."""
    if posted.get(CONFIRM) == "yes":
        return None
    check = check_report(store, unit, values)
    return check if check.needs_confirmation else None


def confirmation_context(form: FormDef, check: ReportCheck) -> dict[str, object]:
    labels = {f.name: f.label for f in form.fields()}
    return {
        "confirm_unchanged": [labels.get(k, k) for k in check.unchanged],
        "done_same_plan": check.done_same_plan,
        "confirm_key": CONFIRM,
    }
