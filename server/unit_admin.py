"""The admin's unit pages: every unit of the profile, and a form to change one's name, code, kind and aliases.

Changes are kept in the store over the profile file's entries (see xietiao.profile.changes); a
renamed unit keeps its old name as an alias, so its records and history stay attached to it.
"""

from __future__ import annotations

from dataclasses import replace

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import check_write, render, require_user, state
from xietiao.model import Role
from xietiao.profile import current
from xietiao.profile.changes import (
    ChangeRefused,
    UnitChange,
    change_unit,
    changed_keys,
    details_of,
    entry_of,
    kinds_offered,
)
from xietiao.profile.usage import names_in_use, unknown_names
from xietiao.store.engine import Store

ALIASES_MAX = 20


def _overview(store: Store) -> dict[str, object]:
    profile = current()
    counts = names_in_use(store)
    return {
        "units": profile.all_units,
        "changed": changed_keys(store),
        "lost": unknown_names(profile, counts),
        "records": {u.key: sum(counts.get(n, 0) for n in u.names) for u in profile.all_units},
    }


async def units_page(request: Request) -> Response:
    require_user(request, Role.ADMIN)
    ctx = await run_in_threadpool(_overview, state(request).store)
    done = request.query_params.get("done", "")
    return render(request, "admin_units.html", {**ctx, "done": done, "error": ""})  # type: ignore[return-value]


def _typed(key: str, form: dict[str, str]) -> UnitChange:
    aliases = tuple(a.strip() for a in form.get("aliases", "").splitlines() if a.strip())
    return UnitChange(key, form.get("name", ""), form.get("code", ""), form.get("kind", ""), aliases)


async def _posted(request: Request) -> dict[str, str]:
    form = await request.form(max_fields=10, max_files=0, max_part_size=16 * 1024)
    check_write(request, str(form.get("csrf") or ""))
    return {k: str(v) for k, v in form.items() if isinstance(v, str)}


def _save(store: Store, change: UnitChange, actor: str) -> None:
    counts = names_in_use(store)
    change_unit(store, change, actor=actor, in_use=lambda name: counts.get(name, 0))


async def unit_page(request: Request) -> Response:
    user = require_user(request, Role.ADMIN)
    key = request.path_params["key"]
    details = details_of(current(), key)
    if details is None:
        raise HTTPException(404)
    errors: dict[str, list[str]] = {}
    typed = details
    if request.method == "POST":
        form = await _posted(request)
        typed = _typed(key, form)
        if len(typed.aliases) > ALIASES_MAX:
            errors = {"aliases": [f"别名最多 {ALIASES_MAX} 个，现有 {len(typed.aliases)} 个。"]}
        else:
            try:
                await run_in_threadpool(_save, state(request).store, typed, user.username)
            except ChangeRefused as exc:
                errors = exc.errors
            else:
                return RedirectResponse(f"/app/admin/units?done={key}", status_code=303)
    found = entry_of(current(), key)
    assert found is not None
    unit = current().by_key[key]
    ctx = {"unit": details, "typed": typed, "errors": errors, "kinds": kinds_offered(found[1]), "login": unit.login}
    return render(request, "admin_unit.html", ctx, status=400 if errors else 200)  # type: ignore[return-value]


async def attach_name(request: Request) -> Response:
    """A name records use but no unit has: make it an alias of the unit the admin picks."""
    user = require_user(request, Role.ADMIN)
    form = await _posted(request)
    name, key = form.get("name", "").strip(), form.get("key", "")
    details = details_of(current(), key)
    if details is None or not name:
        ctx = await run_in_threadpool(_overview, state(request).store)
        return render(request, "admin_units.html", {**ctx, "done": "", "error": "请选择要归入的单位。"}, status=400)  # type: ignore[return-value]
    change = replace(details, aliases=(*details.aliases, name))
    try:
        await run_in_threadpool(_save, state(request).store, change, user.username)
    except ChangeRefused as exc:
        ctx = await run_in_threadpool(_overview, state(request).store)
        return render(request, "admin_units.html", {**ctx, "done": "", "error": str(exc)}, status=400)  # type: ignore[return-value]
    return RedirectResponse(f"/app/admin/units?done={key}", status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route("/app/admin/units", units_page),
        Route("/app/admin/units/attach", attach_name, methods=["POST"]),
        Route("/app/admin/units/{key}", unit_page, methods=["GET", "POST"]),
    ]
