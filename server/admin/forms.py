"""The form definitions' versions, for the administrator: what each change meant for the records filed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.context import render, require_user, state
from xietiao.forms.definitions import FormDef
from xietiao.forms.versions import filed_version, registered
from xietiao.model import Role
from xietiao.store.engine import Store


@dataclass(frozen=True)
class VersionRow:
    version: int
    registered: str  # ISO time
    title: str
    changes: tuple[str, ...]
    records: int  # records whose current data follows this version


@dataclass(frozen=True)
class FormVersions:
    name: str
    title: str
    current: int
    rows: tuple[VersionRow, ...]  # newest first


ORDER = ("project", "issue", "material", "progress", "closure")  # the order units meet them in


def _versions(store: Store, forms: dict[str, FormDef]) -> list[FormVersions]:
    out = []
    for name, form in sorted(forms.items(), key=lambda kv: (ORDER.index(kv[0]) if kv[0] in ORDER else 99, kv[0])):
        counts = Counter(filed_version(r) for r in store.all(name))
        rows = [
            VersionRow(
                int(str(d.get("version"))),
                str(d.get("created") or ""),
                str(d.get("title") or ""),
                tuple(str(c) for c in d.get("changes") or []),  # type: ignore[union-attr]
                counts.get(int(str(d.get("version"))), 0),
            )
            for d in registered(store, name)
        ]
        out.append(FormVersions(name, form.title, form.version, tuple(reversed(rows))))
    return out


async def forms_page(request: Request) -> Response:
    require_user(request, Role.ADMIN)
    st = state(request)
    found = await run_in_threadpool(_versions, st.store, st.forms)
    return render(request, "admin_forms.html", {"forms": found})  # type: ignore[return-value]


def routes() -> list[BaseRoute]:
    return [Route("/app/admin/forms", forms_page)]
