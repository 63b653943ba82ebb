"""The ledger of agreed items (台账): registration, monthly reports, closure requests, closing, reopening.

An item moves registered -> in_progress (first monthly report) -> closure_requested (the lead
unit files a closure form with evidence) -> closed (the bureau confirms, with a reason). A closed
item is never edited back to open: reopening registers a new item that points to the old one.

Monthly reports: one live report (submitted or accepted) per item and month. A second submit
for the same item and month is refused, naming the report already filed; to correct a report
the bureau returns it, and the unit edits and resubmits that same record.
"""

from __future__ import annotations

from datetime import date

from xietiao.accounts import User
from xietiao.forms.fieldtypes import clean_text
from xietiao.forms.rules import FormRule
from xietiao.forms.submissions import NotAllowed, NotFound, accept_record, return_record
from xietiao.jsonvalue import Doc
from xietiao.ledger.board import official_name
from xietiao.model import ItemStatus, Role, item_number
from xietiao.store.engine import Store
from xietiao.units import bureau_name

LIVE = ("submitted", "accepted")  # form records that count: filed and not sent back
MAX_ORDER = 99  # item numbers keep two digits for the order in the meeting
REASON_MAX = 500


# -- reading --------------------------------------------------------------


def get_item(store: Store, number: str) -> Doc:
    doc = store.get("item", number)
    if doc is None:
        raise NotFound(number)
    return doc


def status_of(doc: Doc) -> ItemStatus:
    return ItemStatus(str(doc.get("status") or "registered"))


def leads(unit: str, doc: Doc) -> bool:
    """Whether `unit` (an official name) is the item's lead unit, aliases included."""
    return official_name(str(doc.get("lead_unit") or "")) == unit


def takes_part(unit: str, doc: Doc) -> bool:
    co = doc.get("co_units")
    names = [official_name(c) for c in co if isinstance(c, str)] if isinstance(co, list) else []
    return leads(unit, doc) or unit in names


def may_see(user: User, doc: Doc) -> bool:
    """The bureau and leaders see every item; a unit only those it leads or helps with."""
    return user.role is not Role.UNIT or takes_part(user.unit, doc)


def sees_filings(user: User, doc: Doc) -> bool:
    """Whether the user may read what the lead unit filed on the item (reports, closure requests).

    Those are the lead unit's own records: like every record, only its unit and the district
    read them. A coordinating unit sees the item itself and when and how far it was reported,
    not the reports' text, their contacts or their evidence.
    """
    return user.role is not Role.UNIT or leads(user.unit, doc)


def _data(record: Doc) -> Doc:
    data = record.get("data")
    return data if isinstance(data, dict) else {}


def live_reports(store: Store, number: str, month: str | None = None) -> list[Doc]:
    """Filed monthly reports on an item (optionally for one month), newest month first."""

    def wanted(d: Doc) -> bool:
        data = _data(d)
        return d.get("status") in LIVE and data.get("item") == number and (month is None or data.get("month") == month)

    rows = store.all("progress", wanted)
    rows.sort(key=lambda d: (str(_data(d).get("month")), str(d.get("created"))), reverse=True)
    return rows


def live_closure(store: Store, item: Doc) -> Doc | None:
    """The item's closure request that is filed and not sent back, if any.

    The item names its request once one is filed; an empty name means the bureau sent the
    last one back. Items registered before that link existed are matched by the form's field.
    """
    link = item.get("closure")
    if isinstance(link, str) and link:
        record = store.get("closure", link)
        return record if record is not None and record.get("status") in LIVE else None
    if link == "":
        return None
    number = item.get("number")
    rows = store.all("closure", lambda d: d.get("status") in LIVE and _data(d).get("item") == number)
    rows.sort(key=lambda d: str(d.get("created")))
    return rows[-1] if rows else None


# -- registering ----------------------------------------------------------


def next_order(store: Store, meeting: str) -> int:
    """The first order not yet used by an item of this meeting."""
    prefix = f"{meeting}-"
    used = [
        int(n[len(prefix) :])
        for n in (str(d["number"]) for d in store.all("item", lambda d: str(d.get("number", "")).startswith(prefix)))
        if n[len(prefix) :].isdigit()
    ]
    return max(used, default=0) + 1


def register_item(
    store: Store,
    actor: str,
    *,
    meeting: str,
    project: str,
    content: str,
    lead_unit: str,
    planned: date,
    co_units: tuple[str, ...] | list[str] = (),
    person: Doc | None = None,
    issue: str = "",
    reopened_from: str = "",
    created: str | None = None,
    extra: Doc | None = None,
) -> Doc:
    """Give an agreed item the next number of its meeting and put it on the ledger (挂号)."""
    with store.batch():
        order = next_order(store, meeting)
        if order > MAX_ORDER:
            raise NotAllowed(f"第{meeting}次例会的议定事项已达{MAX_ORDER}项，无法再编号。")
        doc: Doc = {
            "number": item_number(meeting, order),
            "meeting": meeting,
            "project": project,
            "issue": issue,
            "content": content,
            "lead_unit": lead_unit,
            "co_units": list(co_units),
            "person": person or {"name": "", "phone": ""},
            "planned": planned.isoformat(),
            "status": ItemStatus.REGISTERED.value,
            "done": None,
            "closed_reason": "",
            "reopened_from": reopened_from,
            **(extra or {}),
        }
        if created:
            doc["created"] = created
        action = f"重新挂号（原{reopened_from}）" if reopened_from else "挂号"
        return store.insert("item", doc, actor=actor, action=action)


# -- the two forms' rules -------------------------------------------------


def _item_errors(store: Store, user: User, number: str, verb: str) -> tuple[Doc | None, list[str]]:
    doc = store.get("item", number) if number else None
    if doc is None:
        return None, [f"没有编号为 {number} 的议定事项，请核对台账上的编号。"]
    if status_of(doc) is ItemStatus.CLOSED:
        return doc, [f"议定事项 {number} 已经销号，不能再{verb}；如问题再次出现，请联系{bureau_name()}重新挂号。"]
    if not leads(user.unit, doc):
        return doc, [f"议定事项 {number} 由{doc.get('lead_unit')}牵头，只有牵头单位可以{verb}。"]
    return doc, []


def check_progress(store: Store, user: User, values: Doc) -> dict[str, list[str]]:
    number, month = str(values.get("item") or ""), str(values.get("month") or "")
    doc, errors = _item_errors(store, user, number, "报送进展")
    registered = str(doc.get("created") or "")[:7] if doc else ""
    if not errors and month and registered and month < registered:
        return {
            "month": [f"议定事项 {number} 于{registered[:4]}年{int(registered[5:7])}月挂号，报告月份不能早于挂号月份。"]
        }
    if not errors and month:
        filed = live_reports(store, number, month)
        if filed:
            errors.append(
                f"议定事项 {number} 的{month[:4]}年{int(month[5:7])}月进展已经报送"
                f"（{filed[0]['number']}）；如需更正，请联系{bureau_name()}退回后修改。"
            )
    return {"item": errors} if errors else {}


def after_progress(store: Store, user: User, record: Doc) -> None:
    number = str(_data(record).get("item"))
    if status_of(get_item(store, number)) is ItemStatus.REGISTERED:
        store.update(
            "item",
            number,
            lambda d: d.update(status=ItemStatus.IN_PROGRESS.value),
            actor=user.username,
            action=f"开始推进（首次进展{record['number']}）",
        )


def check_closure(store: Store, user: User, values: Doc) -> dict[str, list[str]]:
    number = str(values.get("item") or "")
    doc, errors = _item_errors(store, user, number, "申请销号")
    if not errors and doc is not None and status_of(doc) is ItemStatus.CLOSURE_REQUESTED:
        pending = live_closure(store, doc)
        if pending is not None:
            errors.append(f"议定事项 {number} 已有销号申请（{pending['number']}）正在办理，请勿重复提交。")
    return {"item": errors} if errors else {}


def after_closure(store: Store, user: User, record: Doc) -> None:
    number = str(_data(record).get("item"))

    def change(d: Doc) -> None:
        d.update(status=ItemStatus.CLOSURE_REQUESTED.value, closure=record["number"])

    store.update("item", number, change, actor=user.username, action=f"申请销号（{record['number']}）")


PROGRESS_RULE = FormRule(check=check_progress, after_submit=after_progress)
CLOSURE_RULE = FormRule(check=check_closure, after_submit=after_closure)


# -- the bureau's decisions -----------------------------------------------


def _require_bureau(user: User, verb: str) -> None:
    if not user.is_bureau:
        raise NotAllowed(f"只有{bureau_name()}可以{verb}；责任单位请通过销号申请表报送。")


def _reason(reason: str, what: str) -> str:
    text = clean_text(reason, multiline=True)
    if not text:
        raise NotAllowed(f"{what}时必须写明理由。")
    if len(text) > REASON_MAX:
        raise NotAllowed(f"理由最多{REASON_MAX}个字，现有{len(text)}个字。")
    return text


def _open_request(store: Store, number: str) -> tuple[Doc, Doc]:
    doc = get_item(store, number)
    status = status_of(doc)
    if status is ItemStatus.CLOSED:
        raise NotAllowed(f"议定事项 {number} 已经销号，不能重复办理。")
    if status is not ItemStatus.CLOSURE_REQUESTED:
        raise NotAllowed(f"议定事项 {number} 尚未申请销号（当前状态：{status.label}），须由牵头单位先提交销号申请。")
    closure = live_closure(store, doc)
    if closure is None:
        raise NotAllowed(f"议定事项 {number} 的销号申请已被退回，须等牵头单位重新提交。")
    return doc, closure


def close_item(store: Store, user: User, number: str, reason: str, today: date) -> Doc:
    """The bureau confirms the item solved (销号); its closure request is accepted with it."""
    _require_bureau(user, "销号")
    text = _reason(reason, "销号")
    with store.batch():
        _, closure = _open_request(store, number)
        if closure.get("status") == "submitted":
            accept_record(store, "closure", str(closure["number"]), user, text)
        solved = _data(closure).get("done")
        done = solved if isinstance(solved, str) and solved <= today.isoformat() else today.isoformat()

        def change(d: Doc) -> None:
            d.update(
                status=ItemStatus.CLOSED.value,
                closed_reason=text,
                closed_at=today.isoformat(),
                closed_by=user.username,
                done=done,
                closure=closure["number"],
            )

        return store.update("item", number, change, actor=user.username, action="销号")


def reject_closure(store: Store, user: User, number: str, reason: str) -> Doc:
    """The bureau sends the closure request back: the item is worked on again."""
    _require_bureau(user, "退回销号申请")
    text = _reason(reason, "退回销号申请")
    with store.batch():
        _, closure = _open_request(store, number)
        # A request already accepted on the record page cannot be returned; the item's
        # cleared link is then what says it no longer counts.
        if closure.get("status") == "submitted":
            return_record(store, "closure", str(closure["number"]), user, text)

        def change(d: Doc) -> None:
            d.update(status=ItemStatus.IN_PROGRESS.value, closure="", closure_refused=text)

        return store.update("item", number, change, actor=user.username, action="退回销号申请")


def reopen_item(store: Store, user: User, number: str, reason: str, planned: date, today: date) -> Doc:
    """A closed item whose problem came back: a new item, linked both ways to the old one."""
    _require_bureau(user, "重新挂号")
    text = _reason(reason, "重新挂号")
    if planned < today:
        raise NotAllowed("新的计划节点不能早于今天。")
    with store.batch():
        old = get_item(store, number)
        if status_of(old) is not ItemStatus.CLOSED:
            raise NotAllowed(f"议定事项 {number} 尚未销号，无需重新挂号。")
        if old.get("reopened_as"):
            raise NotAllowed(f"议定事项 {number} 已重新挂号为 {old['reopened_as']}，请在新事项上办理。")
        co = old.get("co_units")
        person = old.get("person")
        new = register_item(
            store,
            user.username,
            meeting=str(old["meeting"]),
            project=str(old.get("project") or ""),
            content=str(old.get("content") or ""),
            lead_unit=str(old.get("lead_unit") or ""),
            planned=planned,
            co_units=[c for c in co if isinstance(c, str)] if isinstance(co, list) else [],
            person=person if isinstance(person, dict) else None,
            issue=str(old.get("issue") or ""),
            reopened_from=number,
            extra={"reopen_reason": text},
        )

        def link(d: Doc) -> None:
            d["reopened_as"] = new["number"]

        store.update("item", number, link, actor=user.username, action=f"重新挂号为{new['number']}")
        return get_item(store, str(new["number"]))
