"""What the meeting-cycle pages share: the working calendar, a meeting with its deadlines, refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from server.context import check_write, state
from server.publisher import PublishStatus
from xietiao.cycle.deadlines import Deadline, days_used, meeting_day, meeting_deadlines, submissions_due
from xietiao.cycle.meetings import get_meeting, mark_published, previous_meeting, status_of
from xietiao.cycle.workdays import CalendarFileError, WorkCalendar, load_calendar
from xietiao.forms.submissions import NotAllowed, NotFound
from xietiao.jsonvalue import Doc
from xietiao.ledger.colours import zh_date
from xietiao.model import MeetingStatus
from xietiao.permissions import RoleRefused
from xietiao.profile import current
from xietiao.store.engine import Store


@dataclass(frozen=True)
class MeetingView:
    doc: Doc
    status: MeetingStatus
    previous: Doc | None
    deadlines: tuple[Deadline, ...]
    submit_by: date

    @property
    def late(self) -> bool:
        return any(d.late for d in self.deadlines)

    @property
    def days(self) -> list[date]:
        return days_used(self.deadlines, meeting_day(self.doc), self.submit_by)


def calendar(store: Store) -> tuple[WorkCalendar, str]:
    """The working calendar; a broken override file is reported and the package's calendar used."""
    try:
        return load_calendar(store.root), ""
    except CalendarFileError as exc:
        return WorkCalendar(), str(exc)


def calendar_warning(cal: WorkCalendar, problem: str, days: list[date]) -> str:
    return "\n".join(m for m in (problem, cal.warning(days) or "") if m)


def view_of(
    store: Store, doc: Doc, cal: WorkCalendar, today: date, *, previous: Doc | bool | None = True
) -> MeetingView:
    """The meeting with its deadlines; pass `previous` when the caller already knows it."""
    if previous is True:
        previous = previous_meeting(store, doc)
    assert previous is None or isinstance(previous, dict)
    return MeetingView(
        doc,
        status_of(doc),
        previous,
        tuple(meeting_deadlines(doc, previous, cal, today, days=current().deadlines)),
        submissions_due(doc, previous, cal, today, days=current().deadlines),
    )


async def meeting_or_404(request: Request) -> Doc:
    try:
        return await run_in_threadpool(get_meeting, state(request).store, request.path_params["number"])
    except NotFound:
        raise HTTPException(404) from None


async def posted(request: Request, max_fields: int = 50) -> FormData:
    """A checked HTML post: CSRF and origin verified before anything is read from it."""
    form = await request.form(max_fields=max_fields, max_files=0, max_part_size=64 * 1024)
    check_write(request, str(form.get("csrf") or ""))
    return form


def refusal_status(exc: NotAllowed) -> int:
    return 403 if isinstance(exc, RoleRefused) else 409


def project_names(store: Store, numbers: list[str] | tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for number in numbers:
        doc = store.get("project", number)
        data = doc.get("data") if doc else None
        out[number] = str(data.get("name") or number) if isinstance(data, dict) else number
    return out


def all_projects(store: Store) -> list[tuple[str, str]]:
    """(number, name) of every project that is not a draft, for pickers."""
    docs = store.all("project", lambda d: d.get("status") in ("submitted", "accepted"))
    return [(str(d["number"]), str((d.get("data") or {}).get("name") or "")) for d in docs]  # type: ignore[union-attr]


def zh(value: object) -> str:
    """A date or an ISO date/time as pages show it; blank stays blank."""
    if isinstance(value, date):
        return zh_date(value)
    text = str(value or "")
    if len(text) < 10:
        return text
    day = zh_date(date.fromisoformat(text[:10]))
    return f"{day} {text[11:16]}" if len(text) > 10 else day


def publish_after_approval(request: Request, number: str, title: str) -> None:
    """Rebuild the site now; the publish that includes the approval marks the meeting published."""
    st = state(request)

    def done(status: PublishStatus) -> None:
        if status.ok:
            mark_published(st.store, number, st.now(), actor="publisher")

    st.publisher.request(f"纪要审定：{title}", on_done=done)
