"""What the meeting-cycle HTTP tests share: seed data, posting helpers, and steps that bring a meeting forward."""

from __future__ import annotations

import io

import docx
from conftest import Client, login

from xietiao.store.engine import Store

PREVIOUS = "2026-11"  # held and published on Friday 20 November 2026
MEETING = "2026-12"  # planned for Friday 27 November 2026; the tests' today is Saturday 28 November


def _project(name: str, unit: str) -> dict[str, object]:
    return {
        "name": name,
        "overview": "新建厂房及配套设施。",
        "category": "产业",
        "owner": "XX经开集团",
        "lead_unit": unit,
        "town": unit,
        "plans": ["区年度重大建设项目计划"],
        "focus_reason": "要素保障有难度",
        "investment": "52000.00",
        "milestones": [{"node": "开工", "task": "主体工程开工", "planned": "2027-03-31"}],
        "persons": [{"person": {"name": "王建国", "phone": "13800000001"}, "role": "总负责"}],
        "confidential": False,
    }


def _issue(project: str, urgency: str, ask: str) -> dict[str, object]:
    return {
        "project": project,
        "kind": "审批",
        "problem": "用地预审迟迟未批，影响开工节点。",
        "urgency": urgency,
        "coordinated": "11月10日区发展改革局召集自然资源部门会商，未解决。",
        "coordinated_by": "区发展改革局",
        "ask": ask,
        "co_units": ["区自然资源和规划分局"],
        "needs_city": False,
        "contact": {"name": "李明", "phone": "13800000002"},
    }


def _meeting(number: str, day: str, status: str, **extra: object) -> dict[str, object]:
    ordinal = int(number[5:])
    return {
        "number": number,
        "date": day,
        "title": f"{day[:4]}年第{ordinal}次重大项目协调例会",
        "status": status,
        "place": "区政府三楼会议室",
        "convener": "常务副区长",
        "attendance": [],
        "projects": [],
        "issues": [],
        "discussions": [],
        "agreed": [],
        "minutes": "",
        "approved": "",
        "doc_number": "",
        "steps": {},
        "review_note": "",
        "created": f"{day}T09:00:00+08:00",
        **extra,
    }


def _seed(store: Store) -> None:
    """A published previous meeting and the next one planned, numbered as the cycle would."""
    with store.batch():
        store.insert(
            "meeting",
            _meeting(
                PREVIOUS, "2026-11-20", "published", approved="2026-11-23", steps={"held": "2026-11-20T09:30:00+08:00"}
            ),
            actor="test",
            action="测试数据",
        )
        store.insert("meeting", _meeting(MEETING, "2026-11-27", "planned"), actor="test", action="测试数据")
        store.insert(
            "counter", {"number": "meeting-2026", "value": 12, "created": "0000"}, actor="test", action="测试数据"
        )


def _submit(c: Client, form: str, data: dict[str, object]) -> str:
    r = c.post(f"/api/forms/{form}", json={"action": "submit", "data": data})
    assert r.status_code == 201, r.text
    return str(r.json()["number"])


def _post(c: Client, path: str, data: dict[str, object] | None = None) -> object:
    return c.post(path, data={"csrf": c.csrf, **(data or {})}, follow_redirects=True)


def seed_cycle(app, store):  # type: ignore[no-untyped-def]
    """Two accepted projects by two towns, a held previous meeting and a planned one; the four clients."""
    _seed(store)
    dc, xc, fgj, leader = (login(app, u) for u in ("dc", "xc", "fgj", "leader"))
    p1 = _submit(dc, "project", _project("东城智能制造产业园", "东城街道"))
    p2 = _submit(xc, "project", _project("西城物流枢纽", "西城街道"))
    for number in (p1, p2):
        assert _post(fgj, f"/app/records/project/{number}/accept").status_code == 200  # type: ignore[attr-defined]
    return {"dc": dc, "xc": xc, "fgj": fgj, "leader": leader, "p1": p1, "p2": p2}


def _minutes_post(p1: str, p2: str, q1: str, **extra: str) -> dict[str, object]:
    return {
        "convener": "常务副区长",
        "place": "区政府三楼会议室",
        "attendance": ["区发展改革局", "东城街道", "区自然资源和规划分局"],
        "minutes": "会议听取了项目推进情况汇报，研究了用地预审等问题。",
        "discussions-0-issue": q1,
        "discussions-0-text": "东城街道汇报了用地预审进展，自然资源分局说明了报批情况。",
        "agreed-0-project": p1,
        "agreed-0-issue": q1,
        "agreed-0-content": "12月15日前完成用地预审报批。",
        "agreed-0-lead_unit": "区自然资源和规划分局",
        "agreed-0-co_units": ["东城街道"],
        "agreed-0-person-name": "赵刚",
        "agreed-0-person-phone": "13800000011",
        "agreed-0-planned": "2026-12-15",
        "agreed-1-project": p2,
        "agreed-1-content": "年底前完成物流枢纽征迁摸底。",
        "agreed-1-lead_unit": "西城街道",
        "agreed-1-person-name": "钱丽",
        "agreed-1-person-phone": "0577-12345678",
        "agreed-1-planned": "2026-12-31",
        **extra,
    }


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _open_call_and_review(store: Store, c: dict[str, Client]) -> tuple[str, str]:
    """The bureau opens the call, two units propose, one issue is accepted and one returned."""
    dc, xc, fgj = c["dc"], c["xc"], c["fgj"]
    page = _post(fgj, f"/app/cycle/{MEETING}/open-call")
    assert page.status_code == 200 and "议题征集中" in page.text  # type: ignore[attr-defined]
    # Called on Saturday the 28th after a meeting on the 20th: it was due Monday the 23rd.
    assert "逾期" in page.text  # type: ignore[attr-defined]
    call = fgj.get(f"/app/cycle/{MEETING}/call.docx")
    assert call.status_code == 200 and "议题申报" in _docx_text(call.content)
    q1 = _submit(dc, "issue", _issue(str(c["p1"]), "紧急", "请协调自然资源分局加快用地预审。"))
    q2 = _submit(xc, "issue", _issue(str(c["p2"]), "特急", "请协调征迁资金。"))
    listed = fgj.get(f"/app/issues?meeting={MEETING}")
    assert listed.text.index(q2) < listed.text.index(q1)  # 特急 before 紧急
    _post(fgj, f"/app/issues/{q1}/accept")
    returned = _post(fgj, f"/app/issues/{q2}/return", {"reason": "尚未经主管部门协调，请先协调后再申报。"})
    assert returned.status_code == 200  # type: ignore[attr-defined]
    assert store.get("issue", q2)["status"] == "returned"  # type: ignore[index]
    assert "尚未经主管部门协调" in xc.get("/app/").text  # the unit sees the reason on its dashboard
    return q1, q2


def _plan_approved_and_held(store: Store, c: dict[str, Client], q1: str, q2: str) -> None:
    fgj, leader = c["fgj"], c["leader"]
    plan_page = fgj.get(f"/app/cycle/{MEETING}/plan")
    assert q1 in plan_page.text and q2 not in plan_page.text
    units = ["区发展改革局", "东城街道", "区自然资源和规划分局"]
    wrong = _post(
        fgj, f"/app/cycle/{MEETING}/plan", {"issues": [q1], "attendance": units, "start": "25:00", "confirm": "early"}
    )
    assert wrong.status_code == 400 and "14:30" in wrong.text  # type: ignore[attr-defined]
    _post(
        fgj,
        f"/app/cycle/{MEETING}/plan",
        {"issues": [q1], "attendance": units, "start": "14:30", "contact": "王芳 0577-12345678", "confirm": "early"},
    )
    assert store.get("meeting", MEETING)["status"] == "plan_proposed"  # type: ignore[index]
    assert store.get("issue", q1)["list_state"] == "scheduled"  # type: ignore[index]
    approvals = leader.get("/app/approvals")
    assert "建议方案" in approvals.text and q1 in approvals.text
    _post(leader, f"/app/approvals/{MEETING}/approve", {"stage": "plan_proposed"})
    assert store.get("meeting", MEETING)["status"] == "plan_approved"  # type: ignore[index]
    notice = _docx_text(fgj.get(f"/app/cycle/{MEETING}/notice.docx").content)
    assert "东城智能制造产业园" in notice
    assert "2026年11月27日下午2:30" in notice and "会务联系人：王芳 0577-12345678" in notice
    _post(fgj, f"/app/cycle/{MEETING}/held", {"date": "2026-11-27"})
    nxt = store.get("meeting", "2026-13")
    assert nxt is not None and nxt["status"] == "call_open" and nxt["date"] == "2026-12-04"


def _to_held(cycle, store) -> str:  # type: ignore[no-untyped-def]
    fgj, leader = cycle["fgj"], cycle["leader"]
    _post(fgj, f"/app/cycle/{MEETING}/open-call")
    q1 = _submit(cycle["dc"], "issue", _issue(cycle["p1"], "紧急", "请协调用地预审。"))
    _post(fgj, f"/app/issues/{q1}/accept")
    _post(fgj, f"/app/cycle/{MEETING}/plan", {"issues": [q1], "attendance": ["东城街道"], "confirm": "early"})
    _post(leader, f"/app/approvals/{MEETING}/approve", {"stage": "plan_proposed"})
    _post(fgj, f"/app/cycle/{MEETING}/held", {"date": "2026-11-27"})
    return q1
