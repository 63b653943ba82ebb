"""The ledger's lifecycle against a real store: reports, closure requests, closing, reopening, refusals."""

from __future__ import annotations

from datetime import date

import pytest

from xietiao.accounts import User, get_user
from xietiao.config import FORMS_DIR
from xietiao.forms.attachments import AttachmentStore
from xietiao.forms.submissions import NotAllowed, SaveResult, StoreLookup, return_record, save
from xietiao.jsonvalue import Doc
from xietiao.ledger.items import close_item, next_order, register_item, reject_closure, reopen_item
from xietiao.ledger.supervision import must_explain, record_supervision
from xietiao.ledger.view import LedgerFilter, ledger_rows, owed_reports, parse_filter, reports_by_unit
from xietiao.rulebook import load_domain_forms as load_forms
from xietiao.store.engine import Store

TODAY = date(2026, 11, 28)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FORMS = load_forms(FORMS_DIR)


def make_item(
    store: Store,
    number: str = "2026-10-01",
    *,
    lead: str = "东城街道",
    planned: str = "2026-12-31",
    status: str = "registered",
    project: str = "P-2026-0001",
    co: tuple[str, ...] = (),
    created: str = "2026-10-20T10:00:00+08:00",
    **extra: object,
) -> Doc:
    """An agreed item as the meeting cycle registers it, inserted straight into the store."""
    doc: Doc = {
        "number": number,
        "meeting": number[:7],
        "project": project,
        "issue": "",
        "content": f"议定事项{number}：完成用地报批",
        "lead_unit": lead,
        "co_units": list(co),
        "person": {"name": "王工", "phone": "13800000001"},
        "planned": planned,
        "status": status,
        "done": None,
        "closed_reason": "",
        "reopened_from": "",
        "created": created,
        **extra,
    }  # type: ignore[dict-item]
    return store.insert("item", doc, actor="fgj", action="挂号")


def make_project(
    store: Store,
    number: str = "P-2026-0001",
    *,
    unit: str = "东城街道",
    name: str = "东城智能制造产业园",
    milestones: list[Doc] | None = None,
    confidential: bool = False,
    created: str = "2026-01-10T10:00:00+08:00",
) -> Doc:
    data: Doc = {
        "name": name,
        "lead_unit": unit,
        "milestones": milestones or [],  # type: ignore[dict-item]
        "confidential": confidential,
    }
    return store.insert(
        "project",
        {
            "number": number,
            "form": "project",
            "unit": unit,
            "author": "dc",
            "status": "accepted",
            "data": data,
            "confidential": confidential,
            "versions": [],
            "return_reason": "",
            "created": created,
        },
        actor="dc",
        action="提交",
    )


def user(store: Store, name: str) -> User:
    found = get_user(store, name)
    assert found is not None
    return found


def report(store: Store, who: str, item: str, month: str = "2026-11", **data: object) -> SaveResult:
    values = {
        "item": item,
        "month": month,
        "status": "按计划推进",
        "progress": "已完成土地报批材料。",
        "percent": 60,
        **data,
    }
    return save(store, FORMS["progress"], user(store, who), values, submit=True, today=TODAY, lookup=StoreLookup(store))


def ask_closure(store: Store, who: str, item: str) -> SaveResult:
    files = AttachmentStore(store.root / "attachments")
    ref = files.save(PDF, "批复文件.pdf", ("pdf",), 10**6)
    values = {
        "item": item,
        "solved": "用地批复已取得。",
        "done": "2026-11-20",
        "evidence": [ref.to_json()],
        "contact": {"name": "王工", "phone": "13800000001"},
    }
    return save(
        store, FORMS["closure"], user(store, who), values, submit=True, today=TODAY, lookup=StoreLookup(store, files)
    )


def status(store: Store, number: str) -> str:
    doc = store.get("item", number)
    assert doc is not None
    return str(doc["status"])


def test_full_lifecycle_report_request_close(store: Store) -> None:
    make_item(store)
    first = report(store, "dc", "2026-10-01")
    assert first.ok, first.errors
    assert status(store, "2026-10-01") == "in_progress"
    asked = ask_closure(store, "dc", "2026-10-01")
    assert asked.ok, asked.errors
    item = store.get("item", "2026-10-01")
    assert item and item["status"] == "closure_requested" and item["closure"] == asked.number
    closed = close_item(store, user(store, "fgj"), "2026-10-01", "批复已核实，问题解决。", TODAY)
    assert closed["status"] == "closed" and closed["closed_reason"] == "批复已核实，问题解决。"
    assert closed["closed_at"] == "2026-11-28" and closed["done"] == "2026-11-20"
    record = store.get("closure", asked.number)
    assert record and record["status"] == "accepted"
    actions = [row["action"] for row in store.journal("2026-10-01") if row["kind"] == "item"]
    assert actions == ["挂号", f"开始推进（首次进展{first.number}）", f"申请销号（{asked.number}）", "销号"]
    assert [r.item.number for r in ledger_rows(store, TODAY)] == []  # gone from the open ledger
    assert [r.item.number for r in ledger_rows(store, TODAY, LedgerFilter(status="closed"))] == ["2026-10-01"]


def test_a_unit_cannot_close_its_own_item(store: Store) -> None:
    make_item(store)
    assert ask_closure(store, "dc", "2026-10-01").ok
    with pytest.raises(NotAllowed, match="只有区发展改革局可以销号"):
        close_item(store, user(store, "dc"), "2026-10-01", "已经办完了", TODAY)
    with pytest.raises(NotAllowed):
        close_item(store, user(store, "leader"), "2026-10-01", "同意", TODAY)
    assert status(store, "2026-10-01") == "closure_requested"


def test_a_unit_cannot_report_on_or_close_another_units_item(store: Store) -> None:
    make_item(store, lead="东城街道")
    result = report(store, "xc", "2026-10-01")
    assert not result.ok and "东城街道牵头" in result.errors["item"][0]
    closure = ask_closure(store, "xc", "2026-10-01")
    assert not closure.ok and "只有牵头单位可以申请销号" in closure.errors["item"][0]
    assert status(store, "2026-10-01") == "registered"
    assert store.count("progress") == 0 and store.count("closure") == 0  # nothing saved half-way


def test_no_report_or_closure_on_a_closed_or_unknown_item(store: Store) -> None:
    make_item(store, status="closed", closed_reason="已解决", closed_at="2026-11-01")
    assert "已经销号" in report(store, "dc", "2026-10-01").errors["item"][0]
    assert "已经销号" in ask_closure(store, "dc", "2026-10-01").errors["item"][0]
    assert "没有编号为 2026-10-09" in report(store, "dc", "2026-10-09").errors["item"][0]


def test_the_bureau_cannot_close_before_a_request_nor_twice(store: Store) -> None:
    make_item(store)
    bureau = user(store, "fgj")
    with pytest.raises(NotAllowed, match="尚未申请销号"):
        close_item(store, bureau, "2026-10-01", "理由", TODAY)
    assert ask_closure(store, "dc", "2026-10-01").ok
    with pytest.raises(NotAllowed, match="必须写明理由"):
        close_item(store, bureau, "2026-10-01", "  ", TODAY)
    close_item(store, bureau, "2026-10-01", "已核实", TODAY)
    with pytest.raises(NotAllowed, match="已经销号"):
        close_item(store, bureau, "2026-10-01", "再销一次", TODAY)


def test_one_report_per_item_per_month_and_a_returned_one_may_be_resubmitted(store: Store) -> None:
    make_item(store)
    first = report(store, "dc", "2026-10-01")
    again = report(store, "dc", "2026-10-01", progress="重复报送")
    assert not again.ok and first.number in again.errors["item"][0]
    assert report(store, "dc", "2026-10-01", month="2026-10").ok  # another month is fine
    early = report(store, "dc", "2026-10-01", month="2026-09")  # before it was registered
    assert not early.ok and "不能早于挂号月份" in early.errors["month"][0]
    return_record(store, "progress", first.number, user(store, "fgj"), "请补充完成比例依据")
    fixed = save(
        store,
        FORMS["progress"],
        user(store, "dc"),
        {"item": "2026-10-01", "month": "2026-11", "status": "按计划推进", "progress": "补充后的进展"},
        submit=True,
        today=TODAY,
        lookup=StoreLookup(store),
        number=first.number,
    )
    assert fixed.ok, fixed.errors


def test_a_second_closure_request_is_refused_while_one_is_pending(store: Store) -> None:
    make_item(store)
    first = ask_closure(store, "dc", "2026-10-01")
    again = ask_closure(store, "dc", "2026-10-01")
    assert not again.ok and first.number in again.errors["item"][0]


def test_rejecting_a_closure_request_sends_the_item_back_to_work(store: Store) -> None:
    make_item(store)
    first = ask_closure(store, "dc", "2026-10-01")
    reject_closure(store, user(store, "fgj"), "2026-10-01", "佐证材料不足")
    assert status(store, "2026-10-01") == "in_progress"
    record = store.get("closure", first.number)
    assert record and record["status"] == "returned" and record["return_reason"] == "佐证材料不足"
    with pytest.raises(NotAllowed, match="尚未申请销号"):
        close_item(store, user(store, "fgj"), "2026-10-01", "理由", TODAY)
    assert ask_closure(store, "dc", "2026-10-01").ok  # a new request may follow
    assert status(store, "2026-10-01") == "closure_requested"


def test_reopen_registers_a_linked_item_with_the_next_free_number(store: Store) -> None:
    make_item(store, "2026-10-01", status="closed", closed_reason="已解决", closed_at="2026-11-01")
    make_item(store, "2026-10-02")
    bureau = user(store, "fgj")
    with pytest.raises(NotAllowed, match="尚未销号"):
        reopen_item(store, bureau, "2026-10-02", "问题复现", date(2027, 1, 31), TODAY)
    with pytest.raises(NotAllowed, match="只有区发展改革局"):
        reopen_item(store, user(store, "dc"), "2026-10-01", "问题复现", date(2027, 1, 31), TODAY)
    new = reopen_item(store, bureau, "2026-10-01", "用地指标被收回，问题复现", date(2027, 1, 31), TODAY)
    assert new["number"] == "2026-10-03" and new["reopened_from"] == "2026-10-01"
    assert new["status"] == "registered" and new["planned"] == "2027-01-31" and new["lead_unit"] == "东城街道"
    old = store.get("item", "2026-10-01")
    assert old and old["status"] == "closed" and old["reopened_as"] == "2026-10-03"
    with pytest.raises(NotAllowed, match="已重新挂号为 2026-10-03"):
        reopen_item(store, bureau, "2026-10-01", "再来一次", date(2027, 1, 31), TODAY)


def test_register_item_numbers_in_meeting_order(store: Store) -> None:
    assert next_order(store, "2026-12") == 1
    a = register_item(
        store,
        "fgj",
        meeting="2026-12",
        project="P-2026-0001",
        content="甲",
        lead_unit="区财政局",
        planned=date(2027, 2, 1),
    )
    b = register_item(
        store,
        "fgj",
        meeting="2026-12",
        project="P-2026-0001",
        content="乙",
        lead_unit="区财政局",
        planned=date(2027, 2, 1),
    )
    assert (a["number"], b["number"]) == ("2026-12-01", "2026-12-02")
    assert a["status"] == "registered"


def test_an_alias_of_the_lead_unit_counts_as_the_unit(store: Store) -> None:
    make_item(store, lead="区财政局（区国资办）")
    assert report(store, "czj", "2026-10-01").ok


def test_owed_reports_per_unit_and_month(store: Store) -> None:
    make_item(store, "2026-10-01")
    make_item(store, "2026-10-02")
    make_item(store, "2026-10-03", lead="西城街道")
    make_item(store, "2026-10-04", status="closure_requested")
    make_item(store, "2026-11-01", created="2026-12-02T09:00:00+08:00")  # registered after November
    assert [d["number"] for d in owed_reports(store, "东城街道", "2026-11")] == ["2026-10-01", "2026-10-02"]
    report(store, "dc", "2026-10-01")
    assert [d["number"] for d in owed_reports(store, "东城街道", "2026-11")] == ["2026-10-02"]
    by_unit = {u.unit: u for u in reports_by_unit(store, "2026-11")}
    assert by_unit["东城街道"].owing == 2 and by_unit["东城街道"].reported == 1
    assert [d["number"] for d in by_unit["西城街道"].owed] == ["2026-10-03"]


def test_ledger_filters_by_unit_status_and_colour(store: Store) -> None:
    make_item(store, "2026-05-01", planned="2026-06-01")  # red by November
    make_item(store, "2026-09-01", planned="2026-10-15", lead="西城街道")  # yellow
    make_item(store, "2026-10-01", planned="2026-12-31")  # green
    rows = ledger_rows(store, TODAY)
    assert [r.item.number for r in rows] == ["2026-05-01", "2026-09-01", "2026-10-01"]  # worst first
    assert [r.item.number for r in ledger_rows(store, TODAY, parse_filter("dc"))] == ["2026-05-01", "2026-10-01"]
    assert [r.item.number for r in ledger_rows(store, TODAY, parse_filter(colour="yellow"))] == ["2026-09-01"]
    assert parse_filter("nonsense", "whatever", "purple") == LedgerFilter()


def test_supervision_and_who_must_explain(store: Store) -> None:
    make_item(store, "2026-05-01", planned="2026-06-01")  # red: 东城 must explain
    make_item(store, "2026-09-01", planned="2026-10-15", lead="西城街道")  # yellow
    bureau = user(store, "fgj")
    bad = record_supervision(
        store,
        bureau,
        {"kind": "督办函", "unit": "西城街道", "items": "2026-05-01", "date": "2026-12-01", "note": ""},
        TODAY,
    )
    assert set(bad.errors) == {"items", "date", "note"} and store.count("supervision") == 0
    with pytest.raises(NotAllowed):
        record_supervision(store, user(store, "xc"), {"kind": "约谈"}, TODAY)
    ok = record_supervision(
        store,
        bureau,
        {
            "kind": "督办函",
            "unit": "西城街道",
            "items": "2026-09-01",
            "date": "2026-11-27",
            "note": "请加快推进",
            "must_explain": True,
        },
        TODAY,
    )
    assert ok.ok and ok.number == "S-2026-0001"
    explain = {unit: [d["number"] for d in docs] for unit, docs in must_explain(store, TODAY)}
    assert explain == {"东城街道": ["2026-05-01"], "西城街道": ["2026-09-01"]}
    # Once the meeting named in the record has been held, that explanation is done.
    store.insert(
        "meeting",
        {"number": "2026-13", "date": "2026-11-27", "title": "第13次", "status": "held"},
        actor="fgj",
        action="召开",
    )
    store.update("supervision", "S-2026-0001", lambda d: d.update(explain_at="2026-13"), actor="fgj", action="t")
    assert [u for u, _ in must_explain(store, TODAY)] == ["东城街道"]
