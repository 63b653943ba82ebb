"""Changing a unit's details in the web keeps its records and history; the admin pages refuse what would break it."""

from __future__ import annotations

from conftest import Client, login
from cycle_support import _project

from xietiao.jsonvalue import Doc
from xietiao.ledger.view import LedgerFilter, ledger_rows
from xietiao.profile import current, demo_profile
from xietiao.profile.changes import stored_changes, with_changes
from xietiao.profile.usage import names_in_use, unknown_names
from xietiao.store.engine import Store
from xietiao.units import official_unit_name, same_unit, unit_by_code, unit_by_name

NEW_NAME = "东城新区街道"


def _item(store: Store, number: str, lead: str) -> Doc:
    doc: Doc = {
        "number": number,
        "meeting": number[:7],
        "project": "P-2026-0001",
        "issue": "",
        "content": "完成用地报批",
        "lead_unit": lead,
        "co_units": [],
        "person": {"name": "王工", "phone": "13800000001"},
        "planned": "2026-12-31",
        "status": "registered",
        "done": None,
        "closed_reason": "",
        "reopened_from": "",
        "created": "2026-10-20T10:00:00+08:00",
    }
    return store.insert("item", doc, actor="fgj", action="挂号")


def _edit(admin: Client, key: str, **fields: str) -> object:
    unit = unit_by_code(key)
    assert unit is not None
    form = {"name": unit.name, "code": unit.code, "kind": "镇街", "aliases": "\n".join(unit.aliases), **fields}
    return admin.post(f"/app/admin/units/{key}", data={"csrf": admin.csrf, **form})


def test_a_renamed_unit_keeps_its_drafts_items_account_and_history(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    dc = login(app, "dc")
    draft = dc.post("/api/forms/project", json={"action": "draft", "data": _project("东城智能制造产业园", "东城街道")})
    assert draft.status_code == 201, draft.text
    number = draft.json()["number"]
    _item(store, "2026-10-01", "东城街道")
    admin = login(app, "admin")
    done = _edit(admin, "dc", name=NEW_NAME)
    assert done.status_code == 200 and "已保存单位信息" in done.text  # type: ignore[attr-defined]
    # The old name is now an alias: every lookup still finds the unit by it.
    assert unit_by_name("东城街道") is unit_by_code("dc") and unit_by_code("dc").name == NEW_NAME  # type: ignore[union-attr]
    assert same_unit("东城街道", NEW_NAME) and official_unit_name("东城街道") == NEW_NAME
    # The unit's account follows the new name and still reaches its old draft and its item.
    dc = login(app, "dc")
    home = dc.get("/app/")
    assert NEW_NAME in home.text and number in home.text and "2026-10-01" in home.text
    assert dc.get(f"/app/records/project/{number}/edit").status_code == 200
    data = _project("东城智能制造产业园", NEW_NAME)
    version = dc.get(f"/api/submissions/{number}").json()["version"]
    body = {"action": "submit", "data": data, "number": number, "version": version}
    saved = dc.post("/api/forms/project", json=body)
    assert saved.status_code in (200, 201), saved.text
    # The ledger files the old records under the new name.
    rows = ledger_rows(store, app.state.xietiao.today(), LedgerFilter(unit=NEW_NAME))
    assert [r.item.number for r in rows] == ["2026-10-01"]
    # Records keep the name they were filed under (history is not rewritten).
    assert store.get("item", "2026-10-01")["lead_unit"] == "东城街道"  # type: ignore[index]
    # The change is durable and journalled, and a restart lays it over the file again.
    assert any("修改单位信息" in str(row.get("action")) for row in store.journal())
    again, warnings = with_changes(demo_profile(), stored_changes(store))
    assert warnings == [] and again == current()


def test_refusals_name_the_field_and_keep_the_profile(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    _item(store, "2026-10-02", "区国资办")
    admin = login(app, "admin")
    before = current()
    clash = _edit(admin, "dc", name="西城街道")
    assert clash.status_code == 400 and "名称 西城街道 已被" in clash.text  # type: ignore[attr-defined]
    bad_code = _edit(admin, "dc", code="东城")
    assert bad_code.status_code == 400 and "格式不对" in bad_code.text  # type: ignore[attr-defined]
    czj = unit_by_code("czj")
    assert czj is not None
    dropped = admin.post(
        "/app/admin/units/czj",
        data={"csrf": admin.csrf, "name": czj.name, "code": "czj", "kind": "部门", "aliases": "区财政局（区国资办）"},
    )
    assert dropped.status_code == 400 and "“区国资办”（1 条记录）" in dropped.text
    assert current() is before and store.all("unit") == []
    # Only the admin reaches these pages.
    assert login(app, "fgj").get("/app/admin/units").status_code == 403
    assert admin.get("/app/admin/units/nosuch").status_code == 404


def test_names_records_use_that_no_unit_has_can_be_attached_to_a_unit(app, store: Store) -> None:  # type: ignore[no-untyped-def]
    # The profile file renamed 东城街道 without keeping the old name: its records lose their unit.
    _item(store, "2026-10-03", "东城老街道")
    assert unknown_names(current(), names_in_use(store)) == [("东城老街道", 1)]
    admin = login(app, "admin")
    page = admin.get("/app/admin/units")
    assert "找不到所属单位的名称" in page.text and "东城老街道" in page.text
    attached = admin.post("/app/admin/units/attach", data={"csrf": admin.csrf, "name": "东城老街道", "key": "dc"})
    assert attached.status_code == 200 and "找不到所属单位的名称" not in attached.text
    assert same_unit("东城老街道", "东城街道")


def test_a_web_change_that_no_longer_fits_the_file_is_reported_not_applied(store: Store) -> None:
    gone: Doc = {"number": "gone", "name": "撤销的单位", "code": "gone", "kind": "部门", "aliases": []}
    clash: Doc = {"number": "xc", "name": "东城街道", "code": "xc", "kind": "镇街", "aliases": []}
    for doc in (gone, clash):
        store.insert("unit", doc, actor="test", action="测试数据")
    profile, warnings = with_changes(demo_profile(), stored_changes(store))
    assert profile == demo_profile()
    assert len(warnings) == 2 and "gone" in warnings[0] and "西城街道" in warnings[1]
