"""Material belongs to a meeting: due date on the plan, tasks, prefill, checklist, warning, the leader's pack."""

from __future__ import annotations

import io

import docx
from conftest import TODAY, Client
from cycle_support import MEETING, _issue, _post, _submit

from xietiao.cycle.materials import material_checklist, material_tasks
from xietiao.cycle.todo import MATERIALS, bureau_todo
from xietiao.store.engine import Store

SECRET = "地块北侧涉及军事设施，仅供会上参阅。"


def _material(project: str, **extra: object) -> dict[str, object]:
    return {
        "project": project,
        "overview": "新建厂房及配套设施。",
        "progress": "完成用地预审。",
        "problems": "规划许可未批。",
        "coordination": "已与自然资源分局会商。",
        "ask": "请协调规划许可。",
        "lead_unit": "东城街道",
        "persons": [{"person": {"name": "王建国", "phone": "13800000001"}, "role": "总负责"}],
        "goals": [{"node": "开工", "task": "主体开工", "planned": "2027-03-31"}],
        "confidential": False,
        **extra,
    }


def _planned(store: Store, cycle: dict[str, object], due: str = "2026-11-26") -> str:
    """dc's issue on p1 planned, with xc's p2 added to the plan; approved by the leader."""
    fgj, leader = cycle["fgj"], cycle["leader"]
    assert isinstance(fgj, Client) and isinstance(leader, Client)
    _post(fgj, f"/app/cycle/{MEETING}/open-call")
    q1 = _submit(cycle["dc"], "issue", _issue(str(cycle["p1"]), "紧急", "请协调自然资源分局加快规划许可。"))  # type: ignore[arg-type]
    _post(fgj, f"/app/issues/{q1}/accept")
    plan = {
        "issues": [q1],
        "projects": [cycle["p2"]],
        "attendance": ["东城街道", "西城街道"],
        "materials_due": due,
        "confirm": "early",  # units may still propose: send now all the same
    }
    r = _post(fgj, f"/app/cycle/{MEETING}/plan", plan)
    assert store.get("meeting", MEETING)["status"] == "plan_proposed", r.text  # type: ignore[index, attr-defined]
    _post(leader, f"/app/approvals/{MEETING}/approve", {"stage": "plan_proposed"})
    return q1


def test_the_due_date_is_a_working_day_no_later_than_the_meeting(app, store, cycle) -> None:  # type: ignore[no-untyped-def]
    fgj = cycle["fgj"]
    _post(fgj, f"/app/cycle/{MEETING}/open-call")
    assert 'name="materials_due" value="2026-11-27"' in fgj.get(f"/app/cycle/{MEETING}/plan").text  # the default
    base = {"projects": [cycle["p1"]], "attendance": ["东城街道"]}
    for due, said in (("2026-11-30", "不能晚于会议日期"), ("2026-11-22", "不是工作日"), ("11/26", "不是有效日期")):
        r = _post(fgj, f"/app/cycle/{MEETING}/plan", {**base, "materials_due": due})
        assert r.status_code == 400 and said in r.text, due  # type: ignore[attr-defined]
    assert store.get("meeting", MEETING)["status"] == "call_open"


def test_tasks_prefill_checklist_warning_and_pack(app, store, cycle) -> None:  # type: ignore[no-untyped-def]
    _planned(store, cycle)
    dc, xc, fgj = cycle["dc"], cycle["xc"], cycle["fgj"]
    assert store.get("meeting", MEETING)["materials_due"] == "2026-11-26"
    # Each unit with a project on the plan sees its task, with the link that starts the form.
    home = dc.get("/app/").text
    link = f"/app/forms/material/new?meeting={MEETING}&amp;project={cycle['p1']}"
    assert "上会材料" in home and link in home and "2026年11月26日" in home
    assert [t.row.project for t in material_tasks(store, "西城街道")] == [cycle["p2"]]
    form = dc.get(link.replace("&amp;", "&")).text
    assert f'value="{MEETING}"' in form and "请协调自然资源分局加快规划许可。" in form  # the issue's ask
    assert "用地预审迟迟未批，影响开工节点。" in form and "主体工程开工" in form  # problem, and the project's goals

    m1 = _submit(dc, "material", _material(cycle["p1"], meeting=MEETING, secret_notes=SECRET))
    m2 = _submit(xc, "material", _material(cycle["p2"], lead_unit="西城街道"))  # no meeting named: its plan's
    assert store.get("material", m2)["meeting"] == MEETING
    refused = xc.post("/api/forms/material", json={"action": "submit", "data": _material(cycle["p1"])})
    assert refused.status_code == 422 and "上会材料由项目的责任单位报送" in refused.text  # not xc's project
    _post(fgj, f"/app/records/material/{m2}/return", {"reason": "请补充节点计划。"})

    checklist = material_checklist(store, MEETING)
    assert [(r.project, r.state, r.unit, r.reason) for r in checklist.rows] == [
        (cycle["p1"], "received", "东城街道", ""),
        (cycle["p2"], "returned", "西城街道", "请补充节点计划。"),
    ]
    assert checklist.rows[0].record == m1
    assert "请补充节点计划。" in xc.get("/app/").text and f"/app/records/material/{m2}/edit" in xc.get("/app/").text
    page = fgj.get(f"/app/cycle/{MEETING}").text
    assert "已收到 1" in page and "已退回 1" in page and f"/app/cycle/{MEETING}/materials.docx" in page
    pack = docx.Document(io.BytesIO(fgj.get(f"/app/cycle/{MEETING}/materials.docx").content))
    text = "\n".join(p.text for p in pack.paragraphs)
    assert text.index("东城智能制造产业园") < text.index("西城物流枢纽")  # plan order (the issue's project first)
    assert f"【不公开（仅内部）】内部说明：{SECRET}" in text and "材料已退回修改" in text


def test_material_for_a_project_off_the_plan_is_warned_about_and_listed_apart(app, store, cycle) -> None:  # type: ignore[no-untyped-def]
    _planned(store, cycle)
    dc, fgj = cycle["dc"], cycle["fgj"]
    p3 = _submit(dc, "project", {**_project_of(store, cycle["p1"]), "name": "东城人才公寓"})
    _post(fgj, f"/app/records/project/{p3}/accept")
    form = dc.get(f"/app/forms/material/new?meeting={MEETING}&project={p3}").text
    assert 'id="f-project-plan-warning"' in form and "不在2026年第12次重大项目协调例会的方案上" in form
    m3 = _submit(dc, "material", _material(p3, meeting=MEETING))
    record = dc.get(f"/app/records/material/{m3}").text
    assert "不计入该次例会的上会材料" in record
    checklist = material_checklist(store, MEETING)
    assert [d["number"] for d in checklist.extra] == [m3] and p3 not in [r.project for r in checklist.rows]
    assert checklist.missing == 2  # neither planned project has material yet
    page = fgj.get(f"/app/cycle/{MEETING}").text
    assert "未报送 2" in page and m3 in page and "不计入上会材料" in page
    text = "\n".join(
        p.text for p in docx.Document(io.BytesIO(fgj.get(f"/app/cycle/{MEETING}/materials.docx").content)).paragraphs
    )
    assert text.count("责任单位尚未报送材料") == 2 and "方案外" in text and m3 in text


def _project_of(store: Store, number: str) -> dict[str, object]:
    doc = store.get("project", number)
    assert doc is not None
    return dict(doc["data"])  # type: ignore[arg-type]


def test_the_bureau_to_do_list_names_the_material_still_missing(app, store, cycle) -> None:  # type: ignore[no-untyped-def]
    _planned(store, cycle)
    [row] = [t for t in bureau_todo(store, TODAY) if t.section == MATERIALS]
    assert row.link == f"/app/cycle/{MEETING}#materials"
    assert "还缺 2 个" in row.detail and "东城智能制造产业园（东城街道，未报送）" in row.detail
    assert row.overdue  # due 26 November, seen on the 28th
    assert f'href="/app/cycle/{MEETING}#materials">催报上会材料' in cycle["fgj"].get("/app/").text
    _submit(cycle["dc"], "material", _material(str(cycle["p1"]), meeting=MEETING))
    [row] = [t for t in bureau_todo(store, TODAY) if t.section == MATERIALS]
    assert "还缺 1 个" in row.detail and "西城物流枢纽（西城街道，未报送）" in row.detail
    _submit(cycle["xc"], "material", _material(str(cycle["p2"]), lead_unit="西城街道", meeting=MEETING))
    assert [t for t in bureau_todo(store, TODAY) if t.section == MATERIALS] == []
    page = cycle["fgj"].get("/app/").text
    assert "催报上会材料" not in page
