"""The Starlette application: assembles routes, guards and the built site into one process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from server import bureau_routes, dashboard, unit_admin
from server.admin import accounts as admin_accounts
from server.admin import forms as admin_forms
from server.admin import journal as admin_journal
from server.auth import password as auth_password
from server.auth import routes as auth_routes
from server.auth.hashing import HashingPool
from server.auth.sessions import IDLE_MINUTES, SessionTable
from server.auth.throttle import LoginThrottle
from server.context import PASSWORD_PAGE, AppState, LoginRequired, PasswordChangeRequired, login_redirect, render
from server.cycle import routes as cycle_routes
from server.forms import api
from server.forms import pages as form_pages
from server.ledger import routes as ledger_routes
from server.notify import routes as notify_routes
from server.publisher import Publisher, SiteBuilder
from server.schedule import DailyPublish
from server.security import AllowedHosts, BodyLimit, SecurityHeaders
from server.site import SiteFiles
from xietiao.forms.attachments import AttachmentStore
from xietiao.forms.definitions import FormDef
from xietiao.store.engine import Store

JSON_LIMIT = 1024 * 1024
DEFAULT_UPLOAD_MB = 20
DEFAULT_UNIT_QUOTA_MB = 500
# The names an app made in-process answers to: the loopback names, and the one Starlette's test
# client sends. `xietiao serve` always passes its own list (see cli.main).
IN_PROCESS_HOSTS = ("localhost", "127.0.0.1", "[::1]", "testserver")


def health(request: Request) -> Response:
    st: AppState = request.app.state.xietiao
    return JSONResponse({"status": "ok", "records": st.store.count(), "site": (st.site_dir / "index.html").exists()})


def _routes(site_dir: Path) -> list[BaseRoute]:
    return [
        Route("/health", health),
        Route("/app/login", auth_routes.login_page, methods=["GET", "POST"]),
        Route("/app/logout", auth_routes.logout, methods=["POST"]),
        Route("/api/login", auth_routes.api_login, methods=["POST"]),
        Route("/api/logout", auth_routes.api_logout, methods=["POST"]),
        *auth_password.routes(),
        *admin_accounts.routes(),
        *admin_journal.routes(),
        *admin_forms.routes(),
        *dashboard.routes(),
        *bureau_routes.routes(),
        *form_pages.routes(),
        *api.routes(),
        *cycle_routes.routes(),
        *ledger_routes.routes(),
        *notify_routes.routes(),
        *unit_admin.routes(),
        Mount("/app/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static"),
        # The site is a symlink swapped at each publish; StaticFiles resolves it per request. Its text
        # files (pages, the search index) are sent as the publish precompressed them (server/site.py).
        Mount("/", SiteFiles(directory=str(site_dir), html=True, check_dir=False), name="site"),
    ]


async def _on_login_required(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": "请先登录。"}, status_code=401)
    return login_redirect(request)


async def _on_password_change(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        message = "您的密码由系统管理员设置，须先在网页上修改密码（/app/password）后才能继续使用。"
        return JSONResponse({"error": message}, status_code=403)
    return RedirectResponse(PASSWORD_PAGE, status_code=303)


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if exc.status_code != 404 else "没有找到这个页面或记录。"
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=exc.status_code)
    if not request.url.path.startswith("/app"):
        return HTMLResponse(
            f"<!doctype html><html lang=zh-CN><meta charset=utf-8><title>{exc.status_code}</title>"
            f"<p>{exc.status_code}：没有找到这个页面（站点可能尚未发布）。"
            "<a href='/'>站点首页</a> · <a href='/app/'>办公页面</a></p>",
            status_code=exc.status_code,
        )
    return render(request, "error.html", {"status": exc.status_code, "message": message}, status=exc.status_code)  # type: ignore[return-value]


class Service(Protocol):
    """Something that runs beside the requests for the app's lifetime (the reminder scheduler)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def _lifespan(
    services: Sequence[Service], daily: DailyPublish | None
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        started: list[Service] = []
        if daily is not None:
            daily.start()
        try:
            for service in services:
                await service.start()
                started.append(service)
            yield
        finally:
            for service in reversed(started):
                await service.stop()
            if daily is not None:
                daily.stop()

    return lifespan


# A form may carry several attachments, each up to the per-file limit (checked file by file).
FILES_PER_POST = 4


def create_app(
    store: Store,
    *,
    site_dir: Path,
    today: Callable[[], date],
    now: Callable[[], datetime],
    forms: dict[str, FormDef],
    build_site: SiteBuilder,
    upload_mb: int = DEFAULT_UPLOAD_MB,
    services: Sequence[Service] = (),
    notify: object = None,
    idle_minutes: int = IDLE_MINUTES,
    allowed_hosts: Collection[str] = IN_PROCESS_HOSTS,
    unit_quota_mb: int = DEFAULT_UNIT_QUOTA_MB,
    daily_publish: bool = False,
    last_published: Callable[[], date | None] | None = None,
) -> Starlette:
    """The whole server, given its forms (with their rules) and the site builder (see cli.assemble).

    With `daily_publish`, the site is published every day after midnight (server.schedule), and at
    start when `last_published` (the day the live site was published) is before today.
    """
    site_dir = Path(site_dir).absolute()
    upload_limit = upload_mb * 1024 * 1024
    publisher = Publisher(store, site_dir, today, now, build_site)
    daily = DailyPublish(publisher, now, last_published) if daily_publish else None
    app = Starlette(
        routes=_routes(site_dir),
        middleware=[
            Middleware(AllowedHosts, hosts=allowed_hosts),
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, json_limit=JSON_LIMIT, upload_limit=FILES_PER_POST * upload_limit + 64 * 1024),
        ],
        lifespan=_lifespan(services, daily),
        exception_handlers={
            LoginRequired: _on_login_required,
            PasswordChangeRequired: _on_password_change,
            HTTPException: _on_http_error,
        },
    )
    app.state.notify = notify  # the reminder service its admin page reads (server.notify.routes)
    app.state.xietiao = AppState(
        store=store,
        forms=forms,
        site_dir=site_dir,
        today=today,
        now=now,
        sessions=SessionTable(idle_seconds=idle_minutes * 60),
        throttle=LoginThrottle(),
        publisher=publisher,
        attachments=AttachmentStore(store.root / "attachments"),
        upload_limit=upload_limit,
        allowed_hosts=frozenset(allowed_hosts),
        hashing=HashingPool(),
        unit_quota=unit_quota_mb * 1024 * 1024,
    )
    return app
