"""Word downloads of a meeting: the topic call, the meeting notice, the minutes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.context import require_user, state
from server.cycle.common import calendar, meeting_or_404, project_names, view_of
from server.downloads import disposition
from xietiao.cycle import documents as docs_meeting
from xietiao.cycle.deadlines import step_day
from xietiao.cycle.issuelist import data_of
from xietiao.cycle.materialpack import material_pack_docx
from xietiao.cycle.meetings import HELD_OR_LATER, plan_issue_docs, projects_named, status_of
from xietiao.forms.definitions import FormDef
from xietiao.jsonvalue import Doc
from xietiao.model import MeetingStatus, Role
from xietiao.store.engine import Store

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
APPROVED = (MeetingStatus.MINUTES_APPROVED, MeetingStatus.PUBLISHED)


def _call(store: Store, doc: Doc, today: date) -> bytes:
    cal, _ = calendar(store)
    view = view_of(store, doc, cal, today)
    return docs_meeting.call_notice(doc, view.submit_by, step_day(doc, "call_opened") or today)


def _notice(store: Store, doc: Doc, today: date) -> bytes:
    if not doc.get("issues") and not doc.get("projects"):
        raise HTTPException(409, "建议方案尚未拟定，还不能生成会议通知。")
    numbers = [str(p) for p in doc.get("projects") or []]  # type: ignore[union-attr]
    names = project_names(store, numbers)
    issues = []
    for issue in plan_issue_docs(store, doc):
        d = data_of(issue)
        project = str(d.get("project") or "")
        issues.append(
            docs_meeting.IssueLine(
                str(issue["number"]),
                names.get(project, project),
                str(d.get("kind") or ""),
                str(d.get("urgency") or ""),
                str(d.get("ask") or ""),
            )
        )
    projects = [docs_meeting.ProjectLine(n, names[n]) for n in numbers]
    return docs_meeting.meeting_notice(doc, projects, issues, step_day(doc, "plan_approved") or today)


def _minutes(store: Store, doc: Doc, today: date) -> bytes:
    if status_of(doc) not in HELD_OR_LATER:
        raise HTTPException(409, "例会召开后才能生成会议纪要。")
    names = project_names(store, projects_named(doc))
    return docs_meeting.minutes_docx(doc, names, draft=status_of(doc) not in APPROVED)


MAKERS: dict[str, tuple[str, Callable[[Store, Doc, date], bytes]]] = {
    "call": ("{title}议题征集通知", _call),
    "notice": ("关于召开{title}的通知", _notice),
    "minutes": ("{title}会议纪要", _minutes),
}
PACK = "{title}上会材料汇编"  # the material pack, laid out by the material form's own sections


def _materials(store: Store, doc: Doc, form: FormDef) -> bytes:
    if status_of(doc) not in (MeetingStatus.PLAN_APPROVED, *HELD_OR_LATER) or not doc.get("projects"):
        raise HTTPException(409, "建议方案审定后才能汇编上会材料。")
    return material_pack_docx(store, str(doc["number"]), form)


async def download(request: Request) -> Response:
    require_user(request, Role.BUREAU, Role.ADMIN, Role.LEADER)
    doc = await meeting_or_404(request)
    kind = request.path_params["kind"]
    if kind not in MAKERS and kind != "materials":
        raise HTTPException(404)
    st = state(request)
    if kind == "materials":
        data = await run_in_threadpool(_materials, st.store, doc, st.forms["material"])
    else:
        data = await run_in_threadpool(MAKERS[kind][1], st.store, doc, st.today())
    # Named from our own meeting number and title, never from anything a user typed.
    shown = (PACK if kind == "materials" else MAKERS[kind][0]).format(title=doc.get("title") or doc["number"]) + ".docx"
    return Response(data, media_type=DOCX, headers=disposition(f"{kind}-{doc['number']}.docx", shown))


def routes() -> list[BaseRoute]:
    return [Route("/app/cycle/{number}/{kind}.docx", download)]
