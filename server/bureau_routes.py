"""Bureau actions that are not about one record: publishing the site."""

from __future__ import annotations

from dataclasses import asdict

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import check_write, render, require_user, state
from xietiao.model import Role
from xietiao.units import bureau_name


async def publish_page(request: Request) -> Response:
    require_user(request, Role.BUREAU, Role.ADMIN)
    if request.method == "POST":
        form = await request.form(max_fields=5, max_files=0)
        check_write(request, str(form.get("csrf") or ""))
        state(request).publisher.request(f"{bureau_name()}手动发布")
        return RedirectResponse("/app/publish", status_code=303)
    return render(request, "publish.html", {"publish": state(request).publisher.status})  # type: ignore[return-value]


async def publish_status(request: Request) -> Response:
    require_user(request, Role.BUREAU, Role.ADMIN, Role.LEADER)
    return JSONResponse(asdict(state(request).publisher.status))


def routes() -> list[BaseRoute]:
    return [
        Route("/app/publish", publish_page, methods=["GET", "POST"]),
        Route("/api/publish/status", publish_status),
    ]
