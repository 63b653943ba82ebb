"""What every handler needs: the app's state, the current user, and the guards around writes."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

from markupsafe import Markup, escape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.templating import Jinja2Templates

from server.auth.hashing import HashingPool
from server.auth.sessions import SESSION_COOKIE, Session, SessionTable
from server.auth.throttle import LoginThrottle
from server.publisher import Publisher
from server.security import same_origin
from xietiao.accounts import User, get_user
from xietiao.forms.attachments import AttachmentStore
from xietiao.forms.definitions import FormDef
from xietiao.model import Role
from xietiao.profile import current
from xietiao.store.engine import Store
from xietiao.units import all_units, official_unit_name

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# Unit names as the installed profile has them now: a record may carry an old name or an alias.
TEMPLATES.env.filters["official_unit"] = official_unit_name
TEMPLATES.env.globals["unit_choices"] = lambda kinds: [u.name for u in all_units() if u.kind.label in kinds]

# An agreed item's number wherever it stands in a sentence: 2026-12-03, not part of a longer run.
ITEM_NUMBER = re.compile(r"(?<![\d-])(\d{4}-\d{2}-\d{2})(?![\d-])", re.ASCII)


def link_items(text: object) -> Markup:
    """Text with every agreed item's number made a link to the item; the rest escaped as text."""
    return Markup(ITEM_NUMBER.sub(r'<a href="/app/ledger/\1">\1</a>', str(escape(str(text or "")))))


TEMPLATES.env.filters["link_items"] = link_items
DATE_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}:\d{2})")


def zh_time(value: object) -> str:
    """A stored time ("2026-12-03 00:05", ISO with T and seconds too) as officials write it: 2026年12月3日 00:05."""
    found = DATE_TIME.match(str(value or ""))
    if found is None:
        return str(value or "")
    year, month, day, clock = found.groups()
    return f"{year}年{int(month)}月{int(day)}日 {clock}"


TEMPLATES.env.filters["zh_time"] = zh_time


@dataclass
class AppState:
    store: Store
    forms: dict[str, FormDef]
    site_dir: Path
    today: Callable[[], date]
    now: Callable[[], datetime]
    sessions: SessionTable
    throttle: LoginThrottle
    publisher: Publisher
    attachments: AttachmentStore
    upload_limit: int
    allowed_hosts: frozenset[str]
    hashing: HashingPool
    unit_quota: int  # bytes of attachments one unit may keep


def state(request: Request) -> AppState:
    return request.app.state.xietiao  # type: ignore[no-any-return]


def session_of(request: Request) -> Session | None:
    return state(request).sessions.find(request.cookies.get(SESSION_COOKIE))


def current_user(request: Request) -> User | None:
    session = session_of(request)
    if session is None:
        return None
    return get_user(state(request).store, session.username)


class LoginRequired(Exception):
    """Raised where a page needs a user; turned into a redirect or a 401 at the edge."""


class PasswordChangeRequired(Exception):
    """The user holds a password an administrator gave them: nothing else until they pick their own."""


PASSWORD_PAGE = "/app/password"


def require_user(request: Request, *roles: Role) -> User:
    user = current_user(request)
    if user is None:
        raise LoginRequired()
    if user.must_change and request.url.path != PASSWORD_PAGE:
        raise PasswordChangeRequired()
    if roles and user.role not in roles:
        deny()
    return user


def deny() -> NoReturn:
    raise HTTPException(403, "没有权限执行此操作。")


def check_write(request: Request, token: str | None) -> None:
    """CSRF token plus an Origin / Sec-Fetch-Site check on every state-changing request."""
    session = session_of(request)
    fresh = session is not None and secrets.compare_digest((token or "").encode(), session.csrf.encode())
    if not fresh or not same_origin(request.headers, state(request).allowed_hosts):
        raise HTTPException(403, "请求校验失败（CSRF）：请刷新页面后重试。")


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    from urllib.parse import quote

    # A cookie without a live session: it ran out (idle or 8 hours) or was ended; the login page says so.
    expired = "&expired=1" if request.cookies.get(SESSION_COOKIE) else ""
    return RedirectResponse(f"/app/login?next={quote(target)}{expired}", status_code=303)


def safe_next(value: str | None) -> str:
    """Only our own paths: no open redirect after login."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/app/"
    return value


def render(request: Request, name: str, context: dict[str, object], status: int = 200) -> object:
    user = current_user(request)
    session = session_of(request)
    base = {
        "user": user,
        "csrf": session.csrf if session else "",
        "today": state(request).today(),
        "district": current(),  # the profile: names, deadlines and thresholds the pages mention
    }
    return TEMPLATES.TemplateResponse(request, name, {**base, **context}, status_code=status)
