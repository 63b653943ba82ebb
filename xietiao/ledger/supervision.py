"""Supervision of late items (督办): interviews, supervision letters, bulletins; who must explain next.

A unit must explain at the next meeting (落实不力) when it leads an open item that is seriously
late (red), or when the bureau's supervision record says so and the meeting it was to explain
at has not been held yet. Closed items drop off the list by themselves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from xietiao.accounts import User
from xietiao.forms.fieldtypes import clean_text
from xietiao.forms.submissions import NotAllowed
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.ledger.board import item_assessment, official_name
from xietiao.ledger.colours import Assessment, Colour
from xietiao.ledger.items import status_of, takes_part
from xietiao.model import ItemStatus, MeetingStatus, item_of, record_number
from xietiao.store.engine import Store
from xietiao.units import all_units, bureau_name, unit_by_name

KINDS: tuple[str, ...] = ("约谈", "督办函", "通报")
NEEDS_ITEMS = ("约谈", "督办函")  # a bulletin may speak of a unit's work as a whole
NOTE_MAX = 1000
MEETING = re.compile(r"\d{4}-\d{2}", re.ASCII)
ITEM = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
NOT_YET_HELD = (
    MeetingStatus.PLANNED,
    MeetingStatus.CALL_OPEN,
    MeetingStatus.PLAN_PROPOSED,
    MeetingStatus.PLAN_APPROVED,
)


@dataclass(frozen=True)
class Recorded:
    number: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def item_numbers(raw: object) -> list[str]:
    """Item numbers from a list or from text separated by commas, spaces or new lines."""
    parts = raw if isinstance(raw, list) else re.split(r"[\s,，、;；]+", str(raw or ""))
    return list(dict.fromkeys(p.strip() for p in parts if isinstance(p, str) and p.strip()))


def _check_items(store: Store, unit: str, kind: str, numbers: list[str]) -> list[str]:
    errors: list[str] = []
    if not numbers and kind in NEEDS_ITEMS:
        errors.append(f"{kind}须列明所涉议定事项编号。")
    for number in numbers[:50]:
        doc = store.get("item", number) if ITEM.fullmatch(number) else None
        if doc is None:
            errors.append(f"没有编号为 {number} 的议定事项。")
        elif status_of(doc) is ItemStatus.CLOSED:
            errors.append(f"议定事项 {number} 已经销号，无需督办。")
        elif unit and not takes_part(unit, doc):
            errors.append(f"议定事项 {number} 不由{unit}牵头或配合。")
    if len(numbers) > 50:
        errors.append("一次最多列50个议定事项。")
    return errors


def check_supervision(store: Store, values: Mapping[str, object], today: date) -> tuple[Doc, dict[str, list[str]]]:
    """Clean values and per-field Chinese errors for a supervision record."""
    errors: dict[str, list[str]] = {}
    kind = str(values.get("kind") or "")
    if kind not in KINDS:
        errors["kind"] = ["请选择督办方式：" + "、".join(KINDS) + "。"]
    found = unit_by_name(str(values.get("unit") or ""))
    unit = found.name if found else ""
    if not found:
        errors["unit"] = ["请选择被督办的单位。"]
    numbers = item_numbers(values.get("items"))
    if item_errors := _check_items(store, unit, kind, numbers):
        errors["items"] = item_errors
    day_text = str(values.get("date") or "").strip()
    try:
        day = date.fromisoformat(day_text)
        if day > today:
            errors["date"] = ["督办日期不能晚于今天。"]
    except ValueError:
        errors["date"] = ["请填写督办日期，格式如 2026-11-28。"]
    note = clean_text(str(values.get("note") or ""), multiline=True)
    if not note:
        errors["note"] = ["请写明督办内容：发现的问题和提出的要求。"]
    elif len(note) > NOTE_MAX:
        errors["note"] = [f"督办内容最多{NOTE_MAX}个字，现有{len(note)}个字。"]
    explain_at = str(values.get("explain_at") or "").strip()
    if explain_at and not MEETING.fullmatch(explain_at):
        errors["explain_at"] = ["例会编号格式如 2026-12（年份-当年第几次）。"]
    must = values.get("must_explain") in (True, "yes", "on", "1")
    clean: Doc = {
        "kind": kind,
        "unit": unit,
        "items": numbers,  # type: ignore[dict-item]
        "date": day_text,
        "note": note,
        "must_explain": must,
        "explain_at": explain_at if must else "",
    }
    return clean, errors


def record_supervision(store: Store, user: User, values: Mapping[str, object], today: date) -> Recorded:
    """The bureau records an interview, letter or bulletin; nothing is stored if any field is wrong."""
    if not user.is_bureau:
        raise NotAllowed(f"只有{bureau_name()}可以登记督办。")
    clean, errors = check_supervision(store, values, today)
    if errors:
        return Recorded(errors=errors)
    with store.batch():
        seq = store.next_number(f"S-{today.year}")
        clean["number"] = record_number("S", today.year, seq)
        clean["by"] = user.username
        store.insert("supervision", clean, actor=user.username, action=f"登记{clean['kind']}")
    return Recorded(number=str(clean["number"]))


def supervision_list(store: Store, unit: str = "") -> list[Doc]:
    """Supervision records, newest first; only one unit's when `unit` is given."""
    rows = store.all("supervision", lambda d: not unit or official_name(str(d.get("unit") or "")) == unit)
    rows.sort(key=lambda d: (str(d.get("date")), str(d.get("number"))), reverse=True)
    return rows


def late_items(store: Store, today: date, unit: str = "") -> list[tuple[Doc, Assessment]]:
    """Open items that are yellow or red today, worst first; only one lead unit's when given."""
    out: list[tuple[Doc, Assessment]] = []
    for doc in store.all("item", lambda d: d.get("status") != ItemStatus.CLOSED.value):
        if unit and official_name(str(doc.get("lead_unit") or "")) != unit:
            continue
        a = item_assessment(item_of(doc), today)
        if a.colour is not Colour.GREEN:
            out.append((doc, a))
    out.sort(key=lambda p: (-p[1].colour.severity, -p[1].days_late, str(p[0]["number"])))
    return out


def _pending(store: Store, record: Doc) -> bool:
    if record.get("must_explain") is not True:
        return False
    at = record.get("explain_at")
    if not isinstance(at, str) or not at:
        return True
    meeting = store.get("meeting", at)
    if meeting is None:
        return True
    try:
        return MeetingStatus(str(meeting.get("status"))) in NOT_YET_HELD
    except ValueError:
        return True


def must_explain(store: Store, today: date) -> list[tuple[str, list[Doc]]]:
    """Units that must explain at the next meeting, each with the open items concerned.

    Reasons: an open item it leads is red today, or a supervision record asks for an
    explanation at a meeting not yet held (or at none named yet). Units in official order.
    """
    concerned: dict[str, dict[str, Doc]] = {}
    for doc, a in late_items(store, today):
        if a.colour is Colour.RED:
            concerned.setdefault(official_name(str(doc.get("lead_unit") or "")), {})[str(doc["number"])] = doc
    for record in store.all("supervision"):
        if not _pending(store, record):
            continue
        unit = official_name(str(record.get("unit") or ""))
        listed: JSONValue = record.get("items")
        numbers = [n for n in listed if isinstance(n, str)] if isinstance(listed, list) else []
        docs = [d for d in (store.get("item", n) for n in numbers) if d is not None and status_of(d).is_open]
        if numbers and not docs:
            continue  # everything it was about is closed
        bucket = concerned.setdefault(unit, {})
        bucket.update({str(d["number"]): d for d in docs})
    known = [u.name for u in all_units() if u.name in concerned]
    order = known + sorted(set(concerned) - set(known))
    return [(unit, sorted(concerned[unit].values(), key=lambda d: str(d["number"]))) for unit in order]
