"""The Starlette application: assembles routes, guards and the built site into one process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from server import bureau_routes, dashboard
from server.auth import routes as auth_routes
from server.auth.sessions import LoginThrottle, SessionTable
from server.context import AppState, LoginRequired, login_redirect, render
from server.cycle import routes as cycle_routes
from server.forms import api
from server.forms import pages as form_pages
from server.ledger import routes as ledger_routes
from server.publisher import Publisher, SiteBuilder
from server.security import BodyLimit, SecurityHeaders
from server.site import SiteFiles
from xietiao.forms.attachments import AttachmentStore
from xietiao.forms.definitions import FormDef
from xietiao.store.engine import Store

JSON_LIMIT = 1024 * 1024
DEFAULT_UPLOAD_MB = 20


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
        *dashboard.routes(),
        *bureau_routes.routes(),
        *form_pages.routes(),
        *api.routes(),
        *cycle_routes.routes(),
        *ledger_routes.routes(),
        Mount("/app/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static"),
        # The site is a symlink swapped at each publish; StaticFiles resolves it per request.
        Mount("/", SiteFiles(directory=str(site_dir), html=True, check_dir=False), name="site"),
    ]


async def _on_login_required(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": "请先登录。"}, status_code=401)
    return login_redirect(request)


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
) -> Starlette:
    """The whole server, given its forms (with their rules) and the site builder (see cli.assemble)."""
    site_dir = Path(site_dir).absolute()
    upload_limit = upload_mb * 1024 * 1024
    app = Starlette(
        routes=_routes(site_dir),
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, json_limit=JSON_LIMIT, upload_limit=FILES_PER_POST * upload_limit + 64 * 1024),
        ],
        exception_handlers={LoginRequired: _on_login_required, HTTPException: _on_http_error},
    )
    app.state.xietiao = AppState(
        store=store,
        forms=forms,
        site_dir=site_dir,
        today=today,
        now=now,
        sessions=SessionTable(),
        throttle=LoginThrottle(),
        publisher=Publisher(store, site_dir, today, now, build_site),
        attachments=AttachmentStore(store.root / "attachments"),
        upload_limit=upload_limit,
    )
    return app
