"""/app/admin/notifications: the reminders' settings, the outbox (pending, failed, sent, with why), e-mail addresses."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import check_write, render, require_user, state
from server.notify.service import NotifyService
from xietiao.jsonvalue import Doc
from xietiao.model import Role
from xietiao.notify import outbox
from xietiao.notify.recipients import AddressError, set_email
from xietiao.notify.run import last_run
from xietiao.notify.settings import NotifySettings

PAGE = "/app/admin/notifications"


def zh_time(stamp: object) -> str:
    """An ISO date or time as pages show it: 2026年11月28日 10:00."""
    text = str(stamp or "")
    if len(text) < 10 or not text[:4].isdigit():
        return text
    day = f"{int(text[:4])}年{int(text[5:7])}月{int(text[8:10])}日"
    return f"{day} {text[11:16]}" if len(text) >= 16 else day


def service_of(request: Request) -> NotifyService | None:
    found = getattr(request.app.state, "notify", None)
    return found if isinstance(found, NotifyService) else None


def _accounts(request: Request) -> list[Doc]:
    rows = state(request).store.all("user")
    for d in rows:
        d.pop("hash", None)
    return sorted(rows, key=lambda d: (str(d.get("role")) != "bureau", str(d.get("unit")), str(d["number"])))


def _page(request: Request, errors: dict[str, str] | None = None, typed: dict[str, str] | None = None) -> Response:
    st = state(request)
    svc = service_of(request)
    status = request.query_params.get("status", "")
    status = status if status in {s.value for s in outbox.NoticeStatus} else ""
    settings = svc.settings if svc else NotifySettings()
    day, at = last_run(st.store)
    return render(
        request,
        "notify_admin.html",
        {
            "svc": svc,
            "settings": settings,
            "problems": svc.problems if svc else [],
            "source": svc.source if svc else "",
            "status": status,
            "statuses": list(outbox.NoticeStatus),
            "counts": outbox.counts(st.store),
            "notices": outbox.listing(st.store, status),
            "channels": outbox.CHANNEL_LABELS,
            "accounts": _accounts(request),
            "last_run": at,
            "last_day": day,
            "errors": errors or {},
            "typed": typed or {},
            "done": request.query_params.get("done", ""),
            "zh_time": zh_time,
        },
        status=400 if errors else 200,
    )  # type: ignore[return-value]


async def notifications_page(request: Request) -> Response:
    require_user(request, Role.ADMIN)
    return await run_in_threadpool(_page, request)


async def notifications_action(request: Request) -> Response:
    """run: today's reminders now; retry: a failed notice again; email: an account's address."""
    user = require_user(request, Role.ADMIN)
    posted = await request.form(max_fields=10, max_files=0)
    check_write(request, str(posted.get("csrf") or ""))
    verb = request.path_params["verb"]
    st = state(request)
    svc = service_of(request)
    if verb == "run":
        if svc is None or not svc.active:
            return await run_in_threadpool(
                _page, request, {"run": "提醒未启用或设置有误：请先按下方说明修正设置并重启服务。"}
            )
        await svc.run_now()
        return RedirectResponse(f"{PAGE}?done=run", status_code=303)
    if verb == "retry":
        number = str(posted.get("number") or "")
        try:
            await run_in_threadpool(outbox.retry, st.store, number, st.now(), actor=user.username)
        except ValueError as exc:
            return await run_in_threadpool(_page, request, {"retry": str(exc)})
        if svc is not None:
            svc.poke()
        return RedirectResponse(f"{PAGE}?status=pending&done=retry", status_code=303)
    if verb == "email":
        username, address = str(posted.get("username") or ""), str(posted.get("email") or "")
        try:
            await run_in_threadpool(lambda: set_email(st.store, username, address, actor=user.username))
        except AddressError as exc:
            return await run_in_threadpool(
                _page, request, {"email": str(exc)}, {"username": username, "email": address}
            )
        return RedirectResponse(f"{PAGE}?done=email#accounts", status_code=303)
    raise HTTPException(404)


def routes() -> list[BaseRoute]:
    return [
        Route(PAGE, notifications_page),
        Route(PAGE + "/{verb}", notifications_action, methods=["POST"]),
    ]
