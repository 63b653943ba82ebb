"""Logging in and out, from the browser form and from the JSON API."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from server.auth.hashing import HashingBusy
from server.auth.sessions import SESSION_COOKIE, SESSION_SECONDS
from server.context import check_write, render, safe_next, session_of, state
from server.security import same_origin
from xietiao.accounts import User, verify_login

BAD_LOGIN = "用户名或密码错误。"
THROTTLED = "从这台电脑登录失败的次数过多，请15分钟后再试；急用请联系系统管理员解除。"
BUSY = "同时登录的人太多，请稍等几秒再试。"
STATUS = {THROTTLED: 429, BUSY: 503}


async def _attempt(request: Request, username: str, password: str) -> tuple[User | None, str]:
    st = state(request)
    address = request.client.host if request.client else "?"
    # The attempt is counted before the password is checked: concurrent guesses cannot all slip in.
    ticket = st.throttle.reserve(username, address)
    if ticket is None:
        return None, THROTTLED
    try:
        user = await st.hashing.run(verify_login, st.store, username, password)
    except HashingBusy:
        st.throttle.release(ticket)  # not a guess that was checked: it does not count
        return None, BUSY
    if user is None:
        st.throttle.failed(ticket)
        return None, BAD_LOGIN
    st.throttle.succeeded(ticket)
    return user, ""


def _retry(error: str) -> dict[str, str]:
    return {"Retry-After": "5"} if error == BUSY else {}


def _set_cookie(request: Request, response: Response, username: str) -> str:
    old = request.cookies.get(SESSION_COOKIE)
    session = state(request).sessions.start(username, old_token=old)
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return session.csrf


async def login_page(request: Request) -> Response:
    if request.method in ("GET", "HEAD"):
        expired = request.query_params.get("expired") == "1"
        context = {"next": safe_next(request.query_params.get("next")), "error": "", "username": "", "expired": expired}
        return render(request, "login.html", context)  # type: ignore[return-value]
    if not same_origin(request.headers, state(request).allowed_hosts):
        raise HTTPException(403, "登录请求来自其他站点，已拒绝。")
    form = await request.form(max_fields=10, max_files=0)
    username = str(form.get("username") or "")[:64]
    password = str(form.get("password") or "")[:256]
    target = safe_next(str(form.get("next") or ""))
    user, error = await _attempt(request, username, password)
    if user is None:
        page = render(
            request, "login.html", {"next": target, "error": error, "username": username}, status=STATUS.get(error, 400)
        )
        page.headers.update(_retry(error))  # type: ignore[attr-defined]
        return page  # type: ignore[return-value]
    response = RedirectResponse(target, status_code=303)
    _set_cookie(request, response, user.username)
    return response


async def logout(request: Request) -> Response:
    form = await request.form(max_fields=5, max_files=0)
    check_write(request, str(form.get("csrf") or ""))
    state(request).sessions.end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/app/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def api_login(request: Request) -> Response:
    if not same_origin(request.headers, state(request).allowed_hosts):
        return JSONResponse({"error": "登录请求来自其他站点，已拒绝。"}, status_code=403)
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return JSONResponse({"error": "请求体不是有效的 JSON。"}, status_code=400)
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("username"), str)
        or not isinstance(body.get("password"), str)
    ):
        return JSONResponse({"error": "需要 username 和 password 两个字符串字段。"}, status_code=400)
    user, error = await _attempt(request, body["username"][:64], body["password"][:256])
    if user is None:
        return JSONResponse({"error": error}, status_code=STATUS.get(error, 401), headers=_retry(error))
    response = JSONResponse({"csrf": "", "username": user.username, "unit": user.unit, "role": user.role.value})
    csrf = _set_cookie(request, response, user.username)
    response.body = response.render(
        {"csrf": csrf, "username": user.username, "unit": user.unit, "role": user.role.value}
    )
    response.headers["content-length"] = str(len(response.body))
    return response


async def api_logout(request: Request) -> Response:
    check_write(request, request.headers.get("x-csrf-token"))
    state(request).sessions.end(request.cookies.get(SESSION_COOKIE))
    return JSONResponse({"ok": True})


def whoami(request: Request) -> Response:
    session = session_of(request)
    return JSONResponse({"logged_in": session is not None})
