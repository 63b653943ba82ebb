"""Changing forms/*.yml never breaks old records: pages, history, drafts, API, exports and a real site build."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from conftest import TODAY, Client, fixed_now, login
from starlette.applications import Starlette

from cli.assemble import assemble_app, form_report, versioned_forms
from cli.main import main
from generator.build import publish
from xietiao.config import DISTRICT_TZ, FORMS_DIR
from xietiao.forms.check import redact
from xietiao.forms.definitions import FormDefinitionError
from xietiao.forms.loader import load_form_text
from xietiao.rulebook import load_domain_forms
from xietiao.store.engine import Store

PROJECT = {
    "name": "南湖智慧物流园",
    "overview": "建设冷链仓储12万平方米。",
    "category": "产业",
    "owner": "XX经开集团",
    "lead_unit": "东城街道",
    "town": "东城街道",
    "plans": ["区年度重大建设项目计划"],
    "focus_reason": "要素保障有难度",
    "focus_note": "用地指标尚缺30亩，需区里统筹。",
    "investment": "52000.00",
    "year_investment": "8000.00",
    "milestones": [{"node": "开工", "task": "主体工程开工", "planned": "2027-03-31"}],
    "persons": [{"person": {"name": "王建国", "phone": "13800000001"}, "role": "总负责"}],
    "confidential": False,
}


def _edit(folder: Path, name: str, change: Callable[[dict[str, object]], None]) -> None:
    path = folder / f"{name}.yml"
    doc = yaml.safe_load(path.read_text("utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")


def _fields(doc: dict[str, object]) -> list[dict[str, object]]:
    return [f for s in doc["sections"] for f in s["fields"]]  # type: ignore[attr-defined,index]


def _second_version(folder: Path) -> None:
    """focus_note renamed (was:), focus_reason retyped to integer, year_investment removed, coordination a group."""

    def project(doc: dict[str, object]) -> None:
        for f in _fields(doc):
            if f["name"] == "focus_note":
                f.update(name="focus_detail", label="卡点说明", was="focus_note")
            if f["name"] == "focus_reason":
                f.update(type="integer", label="重点研究类型代码", min=1, max=9)
                f.pop("choices")
        for s in doc["sections"]:  # type: ignore[attr-defined]
            s["fields"] = [f for f in s["fields"] if f["name"] != "year_investment"]

    def material(doc: dict[str, object]) -> None:
        for f in _fields(doc):
            if f["name"] == "coordination":
                f.clear()
                f.update(
                    name="coordination",
                    type="group",
                    label="已开展的协调（逐次）",
                    fields=[
                        {"name": "when", "type": "date", "label": "日期"},
                        {"name": "what", "type": "textarea", "label": "协调内容"},
                    ],
                )

    _edit(folder, "project", project)
    _edit(folder, "material", material)


def _app(store: Store, tmp_path: Path, forms: Path) -> Starlette:
    return assemble_app(store, site_dir=tmp_path / "site", today=lambda: TODAY, now=fixed_now, forms_dir=forms)


def _save(c: Client, form: str, data: dict[str, object], action: str = "submit") -> str:
    r = c.post(f"/api/forms/{form}", json={"action": action, "data": data})
    assert r.status_code == 201, r.text
    return str(r.json()["number"])


@pytest.fixture
def changed(store: Store, tmp_path: Path) -> dict[str, object]:
    """Records filed under version 1 of the forms, then the forms changed and the app started again."""
    v1 = tmp_path / "forms-v1"
    shutil.copytree(FORMS_DIR, v1)
    app1 = _app(store, tmp_path, v1)
    dc, fgj = login(app1, "dc"), login(app1, "fgj")
    accepted = _save(dc, "project", PROJECT)
    assert fgj.post(f"/app/records/project/{accepted}/accept", data={"csrf": fgj.csrf}).status_code == 200
    draft = _save(dc, "project", {**PROJECT, "name": "南湖冷链二期"}, "draft")
    material = _save(
        dc,
        "material",
        {"project": accepted, "overview": "物流园概况。", "coordination": "10月已召开两次现场会。"},
        "draft",
    )
    v2 = tmp_path / "forms-v2"
    shutil.copytree(v1, v2)
    _second_version(v2)
    _, registrations = versioned_forms(store, v2)
    app2 = _app(store, tmp_path, v2)
    return {"app": app2, "accepted": accepted, "draft": draft, "material": material, "report": registrations}


def test_the_start_up_report_says_what_the_change_means_for_the_data(changed: dict[str, object], store: Store) -> None:
    lines = "\n".join(form_report(changed["report"]))  # type: ignore[arg-type]
    assert "表单 project（项目登记）：第 2 版（新登记，原为第 1 版）" in lines
    assert "改名为 focus_detail：2 条记录填有此项" in lines
    assert "类型由 select 改为 integer：2 条记录填有此项" in lines and "其中 2 条的值不符合新类型" in lines
    assert "删除字段“本年计划投资（万元）”（year_investment）：2 条记录填有此项（其中草稿或退回件 1 条）" in lines
    assert "表单 material（上会材料）：第 2 版" in lines and "类型由 textarea 改为 group" in lines
    assert "issue" not in lines  # unchanged forms are not listed among the changes
    _, again = versioned_forms(store, Path(str(changed["app"].state.xietiao.forms["project"].path.parent)))  # type: ignore[attr-defined]
    assert form_report(again)[0].startswith("表单定义未变化（") and "project 第2版" in form_report(again)[0]
    admin = login(changed["app"], "admin")
    page = admin.get("/app/admin/forms").text
    assert "现为第 2 版" in page and "改名为 focus_detail" in page and "按此版本填写的记录 2 条" in page


def test_old_records_show_as_filed(changed: dict[str, object]) -> None:
    dc = login(changed["app"], "dc")
    page = dc.get(f"/app/records/project/{changed['accepted']}").text
    assert "本填报按第 1 版表单填写（表单现为第 2 版）" in page
    assert "补充说明" in page and "用地指标尚缺30亩" in page  # the old label and value
    assert "要素保障有难度" in page and "8000.00" in page  # retyped and removed fields, as filed
    material = dc.get(f"/app/records/material/{changed['material']}")
    assert material.status_code == 200 and "10月已召开两次现场会。" in material.text


def test_a_new_record_follows_the_new_version(changed: dict[str, object], store: Store) -> None:
    dc = login(changed["app"], "dc")
    data = {k: v for k, v in PROJECT.items() if k not in ("focus_note", "year_investment")}
    number = _save(dc, "project", {**data, "focus_reason": 3, "focus_detail": "新版说明"})
    assert store.get("project", number)["form_version"] == 2  # type: ignore[index]
    page = dc.get(f"/app/records/project/{number}").text
    assert "按第 1 版" not in page and "卡点说明" in page and "新版说明" in page


def test_an_old_draft_opens_on_the_new_form_with_what_no_longer_fits_shown(changed: dict[str, object]) -> None:
    dc = login(changed["app"], "dc")
    page = dc.get(f"/app/records/project/{changed['draft']}/edit").text
    carried = re.search(r'<textarea[^>]*name="focus_detail"[^>]*>([^<]*)<', page)
    assert carried and "用地指标尚缺30亩" in carried.group(1)  # the rename carried the value over
    left = page.split('id="left-over"', 1)[1].split("</section>", 1)[0]
    assert "重点研究类型" in left and "要素保障有难度" in left  # could not become a number
    assert "本年计划投资" in left and "8000.00" in left  # its field is gone
    material = dc.get(f"/app/records/material/{changed['material']}/edit").text
    assert "10月已召开两次现场会。" in material.split('id="left-over"', 1)[1]


def test_the_api_tells_which_version_a_record_follows(changed: dict[str, object]) -> None:
    dc = login(changed["app"], "dc")
    record = dc.get(f"/api/submissions/{changed['accepted']}").json()
    assert record["form_version"] == 1 and record["data"]["focus_note"].startswith("用地指标")
    old = dc.get("/api/forms/project/versions/1").json()
    new = dc.get("/api/forms/project/versions/2").json()
    assert "focus_note" in old["schema"]["properties"] and "focus_detail" not in old["schema"]["properties"]
    assert "focus_detail" in new["schema"]["properties"]
    assert dc.get("/api/forms/project/versions/3").status_code == 404
    assert next(f for f in dc.get("/api/forms").json() if f["name"] == "project")["version"] == 2
    paths = dc.get("/api/openapi.json").json()["paths"]
    assert "/api/forms/{name}/versions/{version}" in paths


def test_exports_and_a_real_site_build_still_work(changed: dict[str, object], store: Store, tmp_path: Path) -> None:
    fgj = login(changed["app"], "fgj")
    assert fgj.get("/app/ledger.xlsx").status_code == 200
    assert fgj.get("/app/bulletin.docx").status_code == 200
    site = tmp_path / "built"
    result = publish(store, site, TODAY, built_at=datetime(2026, 11, 28, 10, tzinfo=DISTRICT_TZ))
    assert result.ok, result.error
    pages = "".join(p.read_text("utf-8") for p in site.resolve().rglob("*.html"))
    assert "南湖智慧物流园" in pages


def test_a_record_whose_version_is_unknown_still_shows(changed: dict[str, object], store: Store) -> None:
    """Data from elsewhere (a version this store never saw): read by today's form, nothing lost or broken."""
    record = store.get("material", str(changed["material"]))
    assert record is not None
    store.insert(
        "material",
        {**record, "number": "M-2026-0999", "form_version": 99, "versions": []},
        actor="test",
        action="测试数据",
    )
    page = login(changed["app"], "dc").get("/app/records/material/M-2026-0999")
    assert page.status_code == 200
    assert "其他内容" in page.text and "10月已召开两次现场会。" in page.text


def test_fields_the_product_reads_cannot_be_removed_or_retyped(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(FORMS_DIR, forms)

    def break_it(doc: dict[str, object]) -> None:
        for s in doc["sections"]:  # type: ignore[attr-defined]
            s["fields"] = [f for f in s["fields"] if f["name"] != "name"]
        for f in _fields(doc):
            if f["name"] == "milestones":
                for cell in f["fields"]:  # type: ignore[attr-defined]
                    if cell["name"] == "planned":
                        cell["type"] = "text"

    _edit(forms, "project", break_it)
    with pytest.raises(FormDefinitionError) as caught:
        load_domain_forms(forms)
    text = str(caught.value)
    assert "project.yml: name: 缺少字段 name" in text and "只想改显示的名称就改 label" in text
    assert "project.yml: milestones.planned: 字段 milestones.planned 的类型 text 系统无法读取" in text


def test_a_field_secret_in_any_version_stays_off_the_site() -> None:
    head = "title: 材料\nprefix: M\nsections:\n- title: 一\n  fields:\n  - {name: note, type: text, label: 说明"
    old = load_form_text("m", head + ", confidential: true}\n")
    new = load_form_text("m", head + "}\n")
    assert redact(new, {"note": "内部情况"}) == {"note": "内部情况"}
    assert redact(new, {"note": "内部情况"}, [old]) == {}


def test_build_prints_the_form_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "data")
    assert main(["init", "--data", data, "--password", "First-Account-9"]) == 0
    assert main(["build", "--data", data, "--site", str(tmp_path / "site")]) == 0
    out = capsys.readouterr().out
    assert "表单定义检查" in out and "表单 project（项目登记）：第 1 版（首次登记）" in out and "站点已发布" in out
