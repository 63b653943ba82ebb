"""What a record page shows beyond the form's fields: the step each kind of record continues into.

A closure request shows its item and the two decisions; an issue shows its escalation to the
city; a material says whether its project is on the plan of its meeting.
"""

from __future__ import annotations

from datetime import date

from server.forms.closure import closure_context
from xietiao.accounts import User
from xietiao.cycle.escalation import OUTCOMES, STEP_LABELS, city_history, city_of, next_city_step
from xietiao.cycle.materials import material_meeting, off_plan_warning
from xietiao.jsonvalue import Doc
from xietiao.store.engine import Store


def _issue(doc: Doc) -> dict[str, object]:
    return {
        "city": city_of(doc),
        "city_history": city_history(doc),
        "city_next": next_city_step(doc),
        "city_steps": STEP_LABELS,
        "city_outcomes": OUTCOMES,
    }


def record_extras(store: Store, user: User, form: str, record: Doc, today: date) -> dict[str, object]:
    if form == "closure":
        return closure_context(store, user, record, today)
    if form == "issue":
        return _issue(record)
    if form == "material" and record.get("status") != "draft":
        meeting = store.get("meeting", material_meeting(record)) if material_meeting(record) else None
        return {"material_warning": off_plan_warning(store, record), "material_meeting": meeting}
    return {}
