"""Accounts in the web, for the administrator: list, add, reset a password, deactivate, reactivate, unlock."""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import check_write, render, require_user, state
from xietiao.accounts import USERNAME, AccountError, add_user, list_accounts, reset_password, set_active
from xietiao.model import Role
from xietiao.passwords import generate_password
from xietiao.units import unit_names

USERS_PAGE = "/app/admin/users"
DONE = {
    "deactivate": "已停用账号 {}：该账号已退出登录，不能再登录；其填报和记录全部保留。",
    "reactivate": "已重新启用账号 {}。",
    "unlock": "已解除账号 {} 的登录锁定。",
}


def _page(request: Request, *, error: str = "", posted: dict[str, str] | None = None, status: int = 200) -> Response:
    st = state(request)
    accounts = list_accounts(st.store)
    locked = {lock.username for lock in st.throttle.locked() if lock.username}
    done = request.query_params.get("done", "")
    who = request.query_params.get("who", "")
    message = DONE[done].format(who) if done in DONE and USERNAME.fullmatch(who) else ""
    context: dict[str, object] = {
        "accounts": accounts,
        "locked": locked,
        "units": unit_names(),
        "roles": list(Role),
        "error": error,
        "posted": posted or {},
        "message": message,
    }
    return render(request, "admin_users.html", context, status=status)  # type: ignore[return-value]


def _shown_once(request: Request, username: str, password: str, *, new: bool) -> Response:
    context = {"username": username, "password": password, "new": new}
    return render(request, "admin_password.html", context)  # type: ignore[return-value]


async def users(request: Request) -> Response:
    user = require_user(request, Role.ADMIN)
    if request.method in ("GET", "HEAD"):
        return _page(request)
    form = await request.form(max_fields=10, max_files=0)
    check_write(request, str(form.get("csrf") or ""))
    posted = {k: str(form.get(k) or "").strip()[:64] for k in ("username", "unit", "role", "display")}
    password = generate_password()  # shown once; its owner must replace it at the first login
    try:
        await run_in_threadpool(
            lambda: add_user(
                state(request).store,
                posted["username"],
                posted["unit"],
                posted["role"],
                password,
                actor=user.username,
                display=posted["display"],
                must_change=True,
            )
        )
    except AccountError as exc:
        return _page(request, error=f"未新建账号：{exc}", posted=posted, status=400)
    return _shown_once(request, posted["username"], password, new=True)


async def account_action(request: Request) -> Response:
    admin = require_user(request, Role.ADMIN)
    form = await request.form(max_fields=5, max_files=0)
    check_write(request, str(form.get("csrf") or ""))
    st = state(request)
    username, verb = request.path_params["username"], request.path_params["verb"]
    if verb not in ("reset", "deactivate", "reactivate", "unlock") or st.store.get("user", username) is None:
        raise HTTPException(404)
    if verb == "reset" and username == admin.username:
        return _page(request, error="自己的密码请用页头的“更改密码”修改。", status=409)
    try:
        if verb == "reset":
            password = await run_in_threadpool(reset_password, st.store, username, actor=admin.username)
            st.sessions.end_user(username)  # whoever held the old password is logged out with it
            st.throttle.unlock(username)
            return _shown_once(request, username, password, new=False)
        if verb == "unlock":
            st.throttle.unlock(username)
            await run_in_threadpool(st.store.note, admin.username, "解除登录锁定", "user", username)
        else:
            await run_in_threadpool(set_active, st.store, username, verb == "reactivate", actor=admin.username)
            if verb == "deactivate":
                st.sessions.end_user(username)
    except AccountError as exc:
        return _page(request, error=f"账号 {username}：{exc}", status=409)
    return RedirectResponse(f"{USERS_PAGE}?done={verb}&who={quote(username)}", status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route(USERS_PAGE, users, methods=["GET", "POST"]),
        Route(USERS_PAGE + "/{username}/{verb}", account_action, methods=["POST"]),
    ]
