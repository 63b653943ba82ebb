"""Every user changes their own password (and must, after an administrator set it)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.auth.hashing import HashingBusy
from server.auth.sessions import SESSION_COOKIE
from server.context import PASSWORD_PAGE, check_write, render, require_user, state
from xietiao.accounts import AccountError, User, change_own_password
from xietiao.passwords import POLICY_TEXT

THROTTLED = "当前密码输错次数过多，请15分钟后再试。"


def _page(request: Request, user: User, error: str = "", status: int = 200) -> Response:
    done = request.query_params.get("done") == "1" and not error
    context = {"error": error, "policy": POLICY_TEXT, "forced": user.must_change, "done": done}
    return render(request, "password.html", context, status=status)  # type: ignore[return-value]


async def password_page(request: Request) -> Response:
    user = require_user(request)
    if request.method in ("GET", "HEAD"):
        return _page(request, user)
    form = await request.form(max_fields=10, max_files=0)
    check_write(request, str(form.get("csrf") or ""))
    current = str(form.get("current") or "")[:256]
    new = str(form.get("new") or "")[:256]
    if new != str(form.get("repeat") or "")[:256]:
        return _page(request, user, "两次输入的新密码不一致，未修改。", 400)
    st = state(request)
    address = request.client.host if request.client else "?"
    # A stolen session must not become a way to guess the password: wrong answers count as failed
    # logins, reserved before the check like any login attempt, and hashed on the login pool.
    ticket = st.throttle.reserve(user.username, address)
    if ticket is None:
        return _page(request, user, THROTTLED, 429)
    try:
        await st.hashing.run(change_own_password, st.store, user.username, current, new)
    except HashingBusy:
        st.throttle.release(ticket)
        return _page(request, user, "同时登录的人太多，请稍等几秒再试。", 503)
    except AccountError as exc:
        if str(exc).startswith("当前密码"):
            st.throttle.failed(ticket)
        else:
            st.throttle.succeeded(ticket)
        return _page(request, user, str(exc), 400)
    st.throttle.succeeded(ticket)
    # Other sessions of this account (another browser, someone who knew the old password) end here.
    st.sessions.end_user(user.username, keep=request.cookies.get(SESSION_COOKIE))
    return RedirectResponse(f"{PASSWORD_PAGE}?done=1", status_code=303)


def routes() -> list[BaseRoute]:
    return [Route(PASSWORD_PAGE, password_page, methods=["GET", "POST"])]
