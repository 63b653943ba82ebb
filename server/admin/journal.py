"""The audit journal in the web: search by who, what, when and record, newest first, in pages (read only)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.context import render, require_user, state
from server.forms.values import posted_count
from xietiao.journal import RETENTION_MONTHS, JournalQuery, search_journal
from xietiao.model import Role

# What the journal's `kind` means to a reader; a kind not listed is shown as it is stored.
KINDS = {
    "user": "账号",
    "project": "项目登记",
    "issue": "议题申报",
    "material": "上会材料",
    "progress": "月度进展",
    "closure": "销号申请",
    "meeting": "例会",
    "item": "议定事项",
    "supervision": "督办",
    "snapshot": "三色快照",
    "setting": "设置",
    "formdef": "表单定义",
}


def _day(value: str) -> tuple[date | None, str]:
    """A date typed into the filter, or an error naming the field."""
    if not value:
        return None, ""
    try:
        return date.fromisoformat(value), ""
    except ValueError:
        return None, f"日期“{value}”无法识别，请写成 2026-11-28 这样的格式。"


async def journal_page(request: Request) -> Response:
    require_user(request, Role.ADMIN)
    params = request.query_params
    text = {k: params.get(k, "").strip()[:64] for k in ("who", "what", "record", "since", "until")}
    since, since_error = _day(text["since"])
    until, until_error = _day(text["until"])
    errors = [e for e in (since_error and f"起始{since_error}", until_error and f"截止{until_error}") if e]
    if since and until and since > until:
        errors.append("起始日期晚于截止日期，没有可显示的记录。")
    query = JournalQuery(text["who"], text["what"], text["record"], since, until, posted_count(params.get("page")) or 1)
    found = await run_in_threadpool(search_journal, state(request).store, query)
    keep = {k: v for k, v in text.items() if v}

    def page_link(n: int) -> str:
        return "/app/admin/journal?" + urlencode({**keep, "page": n})

    context = {
        "q": text,
        "found": found,
        "errors": errors,
        "kinds": KINDS,
        "page_link": page_link,
        "retention": RETENTION_MONTHS,
    }
    return render(request, "admin_journal.html", context)  # type: ignore[return-value]


def routes() -> list[BaseRoute]:
    return [Route("/app/admin/journal", journal_page)]
