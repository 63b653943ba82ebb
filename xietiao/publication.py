"""What the intranet site may show: the one rule for projects, meetings and agreed items, and its wording.

The flag stored as `confidential` means "internal only" (不公开): the record stays in this system
and off the site. It is not a state-secret classification: state secrets never enter the system.
The site generator filters with these functions, and the counts that say "published only" use
them too, so the app and the site cannot disagree about what the site shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from xietiao.jsonvalue import Doc
from xietiao.model import MeetingStatus, SubmissionStatus, is_internal
from xietiao.store.engine import Store

INTERNAL = "不公开（仅内部）"  # the flag's name wherever users see it
INTERNAL_SHORT = "不公开"
INTERNAL_MEANING = "只在本系统内部流转，不出现在内网站点及其搜索中"
NO_STATE_SECRETS = "属于国家秘密的内容一律不得录入本系统，按保密规定另行报送"
NOT_ACCEPTED = "项目尚未受理，内网站点暂不显示"

# Numbers become file names and link targets on the site, so only the shapes the system itself
# issues are published; a record with any other number is left off.
NUMBER_SHAPES = {
    "project": re.compile(r"P-\d{4}-\d{4}"),
    "issue": re.compile(r"Q-\d{4}-\d{4}"),
    "meeting": re.compile(r"\d{4}-\d{2}"),
    "item": re.compile(r"\d{4}-\d{2}-\d{2}"),
}
APPROVED_MEETING = (MeetingStatus.MINUTES_APPROVED.value, MeetingStatus.PUBLISHED.value)


def is_confidential(doc: Doc) -> bool:
    """Internal only as a whole: the record's flag or its form's answer (see `xietiao.model.is_internal`)."""
    return is_internal(doc)


def shaped(kind: str, number: str) -> bool:
    return bool(NUMBER_SHAPES[kind].fullmatch(number))


def _text(doc: Doc, key: str) -> str:
    value = doc.get(key)
    return value if isinstance(value, str) else ""


def public_project(doc: Doc) -> bool:
    """An accepted project that is not internal only."""
    return (
        not is_confidential(doc)
        and _text(doc, "status") == SubmissionStatus.ACCEPTED.value
        and shaped("project", _text(doc, "number"))
    )


def public_meeting(doc: Doc) -> bool:
    """A meeting whose minutes a leader approved."""
    return (
        shaped("meeting", _text(doc, "number")) and bool(doc.get("approved")) and doc.get("status") in APPROVED_MEETING
    )


def public_item(doc: Doc, projects: set[str] | frozenset[str], meetings: set[str] | frozenset[str]) -> bool:
    """An item of an approved meeting, tied to no project or to a public one."""
    project = _text(doc, "project")
    return (
        _text(doc, "meeting") in meetings
        and shaped("item", _text(doc, "number"))
        and (not project or project in projects)
    )


@dataclass(frozen=True)
class Published:
    """The numbers of what the site shows."""

    projects: frozenset[str]
    meetings: frozenset[str]
    items: frozenset[str]


def _numbers(store: Store, kind: str, keep: Callable[[Doc], bool]) -> frozenset[str]:
    found: set[str] = set()

    def look(doc: Doc) -> bool:
        if keep(doc):
            found.add(_text(doc, "number"))
        return False  # nothing copied: only the numbers are kept

    store.all(kind, look)
    return frozenset(found)


def published(store: Store) -> Published:
    projects = _numbers(store, "project", public_project)
    meetings = _numbers(store, "meeting", public_meeting)
    return Published(projects, meetings, _numbers(store, "item", lambda d: public_item(d, projects, meetings)))


def withheld_projects(store: Store) -> dict[str, str]:
    """Project number -> why the site does not show it, for every project it leaves out."""
    out: dict[str, str] = {}

    def look(doc: Doc) -> bool:
        number = _text(doc, "number")
        if is_confidential(doc):
            out[number] = INTERNAL
        elif not public_project(doc):
            out[number] = NOT_ACCEPTED
        return False

    store.all("project", look)
    return out
