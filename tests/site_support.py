"""A small store for site tests: two public projects, meetings with and without approved minutes, items."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import brotli

from xietiao.store.engine import Store

CREATED = "2026-06-01T09:00:00+08:00"


def form_doc(
    form: str,
    number: str,
    unit: str,
    data: dict,
    *,
    status: str = "accepted",
    confidential: bool = False,
    created: str = CREATED,
) -> dict:
    return {
        "number": number,
        "form": form,
        "unit": unit,
        "author": "tester",
        "status": status,
        "data": data,
        "confidential": confidential,
        "versions": [],
        "return_reason": "",
        "created": created,
        "updated": created,
    }


def add_project(
    store: Store,
    number: str,
    name: str,
    unit: str,
    *,
    confidential: bool = False,
    status: str = "accepted",
    milestones: list[dict] | None = None,
    **extra: object,
) -> None:
    data = {
        "name": name,
        "overview": extra.pop("overview", f"{name}的概况。"),
        "category": "产业",
        "plans": ["区年度重大建设项目计划"],
        "owner": "XX经开集团",
        "lead_unit": unit,
        "town": "东城街道",
        "investment": "12500.00",
        "milestones": milestones or [],
        "persons": [{"person": {"name": "王五", "phone": "13800000000"}, "role": "项目负责人"}],
        "confidential": confidential,
        **extra,
    }
    store.insert(
        "project",
        form_doc("project", number, unit, data, status=status, confidential=confidential),
        actor="test",
        action="登记",
    )


def add_meeting(
    store: Store,
    number: str,
    day: str,
    *,
    approved: str = "",
    status: str = "published",
    projects: tuple[str, ...] = (),
    issues: tuple[str, ...] = (),
    minutes: str = "",
    discussions: tuple[dict, ...] = (),
    **extra: object,
) -> None:
    order = int(number[5:])
    doc = {
        "number": number,
        "date": day,
        "title": f"2026年第{order}次重大项目协调例会",
        "status": status,
        "place": "区行政中心3号会议室",
        "convener": "区政府",
        "attendance": ["区发展改革局", "区财政局"],
        "projects": list(projects),
        "issues": list(issues),
        "discussions": list(discussions),
        "minutes": minutes,
        "approved": approved,
        "doc_number": f"区政府专题会议纪要〔2026〕{order}号",
        "steps": {},
        "created": f"{day}T09:00:00+08:00",
        **extra,
    }
    store.insert("meeting", doc, actor="test", action="例会")


def add_item(
    store: Store,
    number: str,
    project: str,
    content: str,
    lead: str,
    planned: str,
    *,
    status: str = "in_progress",
    done: str | None = None,
) -> None:
    doc = {
        "number": number,
        "meeting": number[:7],
        "project": project,
        "issue": "",
        "content": content,
        "lead_unit": lead,
        "co_units": ["区财政局"],
        "person": {"name": "李四", "phone": "13900000000"},
        "planned": planned,
        "status": status,
        "done": done,
        "closed_reason": "",
        "reopened_from": "",
        "created": CREATED,
    }
    store.insert("item", doc, actor="test", action="挂号")


def add_issue(
    store: Store,
    number: str,
    project: str,
    problem: str,
    *,
    meeting: str = "",
    confidential: bool = False,
    state: str = "discussed",
) -> None:
    data = {
        "project": project,
        "kind": "土地",
        "problem": problem,
        "coordinated": "已多次对接",
        "coordinated_by": "区发展改革局",
        "ask": f"请协调解决：{problem}",
        "urgency": "紧急",
        "needs_city": False,
        "city_reason": "",
        "co_units": ["区财政局"],
        "contact": {"name": "赵六", "phone": ""},
    }
    doc = form_doc("issue", number, "区经信局", data, confidential=confidential)
    doc.update(list_state=state, meeting=meeting, merged_into="", list_note="")
    store.insert("issue", doc, actor="test", action="议题")


def add_progress(store: Store, number: str, item: str, text: str, *, confidential: bool = False) -> None:
    data = {
        "item": item,
        "month": "2026-11",
        "status": "存在困难",
        "progress": text,
        "next_steps": "继续推进",
        "difficulties": "",
        "percent": 40,
    }
    store.insert(
        "progress",
        form_doc(
            "progress",
            number,
            "区经信局",
            data,
            status="submitted",
            confidential=confidential,
            created="2026-11-20T09:00:00+08:00",
        ),
        actor="test",
        action="进展",
    )


def add_material(
    store: Store,
    number: str,
    project: str,
    progress: str,
    secret_notes: str,
    *,
    confidential: bool = False,
    status: str = "accepted",
    created: str = CREATED,
) -> None:
    data = {
        "project": project,
        "overview": "材料概况",
        "progress": progress,
        "problems": "用地指标不足",
        "coordination": "已对接",
        "ask": "请区里协调新增用地指标",
        "lead_unit": "区经信局",
        "co_units": [],
        "persons": [],
        "goals": [],
        "attachments": [],
        "secret_notes": secret_notes,
        "confidential": confidential,
    }
    store.insert(
        "material",
        form_doc("material", number, "区经信局", data, status=status, confidential=confidential, created=created),
        actor="test",
        action="材料",
    )


def seed(store: Store) -> None:
    """Two public projects, two published meetings and one whose minutes are still a draft."""
    with store.batch():
        add_project(
            store,
            "P-2026-0001",
            "城东智慧产业园一期",
            "区经信局",
            milestones=[
                {"node": "开工", "task": "取得施工许可", "planned": "2026-08-01"},
                {"node": "前期工作", "task": "完成用地预审", "planned": "2026-03-01", "done": "2026-02-20"},
            ],
        )
        add_project(
            store,
            "P-2026-0002",
            "南湖片区道路提升工程",
            "区交通运输局",
            milestones=[{"node": "竣工", "task": "完成竣工验收", "planned": "2027-06-30"}],
        )
        add_issue(store, "Q-2026-0001", "P-2026-0001", "用地指标尚未落实", meeting="2026-11")
        add_meeting(store, "2026-10", "2026-10-16", approved="2026-10-19", projects=("P-2026-0002",))
        add_meeting(
            store,
            "2026-11",
            "2026-11-13",
            approved="2026-11-16",
            projects=("P-2026-0001",),
            issues=("Q-2026-0001",),
            minutes="会议听取了项目推进情况汇报。",
            discussions=({"issue": "Q-2026-0001", "project": "P-2026-0001", "text": "自然资源部门表示将优先保障。"},),
        )
        add_meeting(store, "2026-12", "2026-11-20", status="minutes_drafted", minutes="DRAFTMINUTESX 未审定")
        add_item(
            store, "2026-10-01", "P-2026-0002", "区交通运输局完成道路提升工程初步设计审查", "区交通运输局", "2026-12-15"
        )
        add_item(
            store,
            "2026-10-02",
            "P-2026-0002",
            "区财政局落实财政预算资金",
            "区财政局（区国资办）",
            "2026-10-30",
            status="closed",
            done="2026-10-28",
        )
        add_item(
            store,
            "2026-10-03",
            "P-2026-0002",
            "很早以前已销号的资金事项",
            "区财政局",
            "2025-08-30",
            status="closed",
            done="2025-09-01",
        )
        add_item(
            store,
            "2026-11-01",
            "P-2026-0001",
            "请区自然资源和规划分局加快办理用地预审手续",
            "区自然资源和规划分局",
            "2026-10-15",
        )
        add_item(store, "2026-12-01", "P-2026-0001", "DRAFTITEMX 未审定纪要中的事项", "区经信局", "2026-12-30")
        add_progress(store, "R-2026-0001", "2026-11-01", "已提交用地预审材料，等待审查")
        add_material(store, "M-2026-0001", "P-2026-0001", "厂房基础已完成", "仅供会上参阅的说明")
        # Filed but not yet accepted by the bureau: not on the site.
        add_material(
            store,
            "M-2026-0009",
            "P-2026-0001",
            "未经受理的材料说法",
            "—",
            status="submitted",
            created="2026-11-01T09:00:00+08:00",
        )  # newer than the accepted one
        store.insert(
            "supervision",
            {
                "number": "S-2026-0001",
                "kind": "督办函",
                "unit": "区自然资源和规划分局",
                "items": ["2026-11-01"],
                "date": "2026-11-20",
                "note": "用地预审滞后",
                "must_explain": True,
                "explain_at": "2026-11",
                "created": CREATED,
            },
            actor="test",
            action="督办",
        )
        for month, red in (("2026-09", 0), ("2026-10", 1)):
            store.insert(
                "snapshot",
                {
                    "number": f"month-{month}",
                    "date": f"{month}-28",
                    "reason": "month_end",
                    "meeting": "",
                    "projects": {"P-2026-0001": "red" if red else "green", "P-2026-0002": "green"},
                    "items": {},
                    "counts": {},
                    "created": CREATED,
                },
                actor="test",
                action="快照",
            )


def site_texts(site: Path) -> Iterator[tuple[Path, str]]:
    """Every built file as text, as a reader or the search would see it."""
    for path in sorted(site.resolve().rglob("*")):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        elif path.suffix == ".br":
            raw = brotli.decompress(raw)
        text = raw.decode("utf-8", errors="ignore")
        if path.suffix == ".json":
            text = json.dumps(json.loads(text), ensure_ascii=False)  # JSON may escape non-ASCII
        yield path, text
