"""Access matrix: every role against every route and method, other units' numbers, CSRF and Origin probes."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from httpx2 import Response
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.testclient import TestClient

from checks.access_policy import (
    ACCOUNTS,
    EVIL,
    FORBIDDEN,
    NOW,
    PASSWORD,
    POST_OK,
    PROBE_PDF,
    ROLES,
    TODAY,
    AccessReport,
    Seed,
    Target,
    expected,
    outcome,
    seed,
    targets,
)
from checks.access_rules import POLICY, Rule
from xietiao.forms.definitions import FieldType
from xietiao.store.engine import Store
from xietiao.store.partition import PARTITIONING

# -- running the matrix --------------------------------------------------------------------------

FILLED = {
    "name",
    "form",
    "number",
    "sha",
    "username",
    "key",
}  # the params a Target fills; any other takes the rule's choices


@dataclass(frozen=True)
class Cell:
    rule: Rule
    route: Route
    top: BaseRoute  # what the app's own router must match first: the route, or its mount
    method: str
    path: str
    target: Target


@dataclass
class Session:
    role: str
    unit: str
    html: TestClient
    api: TestClient
    html_csrf: str = ""
    api_csrf: str = ""


def app_routes(routes: list[BaseRoute]) -> Iterator[tuple[str, Route, BaseRoute]]:
    """(full path, route, top-level route) for every route, through mounts, but not the static files or the site."""
    for top in routes:
        if isinstance(top, Mount):
            if top.path in ("", "/app/static"):
                continue
            yield from ((top.path + path, route, top) for path, route, _ in app_routes(top.routes))
        elif isinstance(top, Route):
            yield top.path, top, top


def _fill(path: str, params: dict[str, str]) -> str:
    """The route's path with each {name} (or {name:converter}) replaced by its value."""
    return re.sub(r"{(\w+)(:\w+)?}", lambda m: params[m.group(1)], path)


def plan_cells(app: Starlette, sd: Seed, report: AccessReport) -> list[Cell]:
    """Each route and method against its policy rows, with every fill; safe methods first, session-enders last."""
    cells: list[Cell] = []
    used: set[tuple[str, str]] = set()
    for path, route, top in app_routes(app.routes):
        free = sorted(set(route.param_convertors) - FILLED)
        assert len(free) <= 1, f"{path}: more unfilled path parameters than the policy can name"
        for method in sorted(route.methods or ()):
            base = "GET" if method == "HEAD" else method
            rules = [r for r in POLICY if r.path == path and base in r.methods.split()]
            if not rules:
                report.wrong.append(f"{method} {path}: no row in the access policy (checks/access.py POLICY)")
            for rule in rules:
                used.add((rule.path, base))
                for target in targets(rule, sd):
                    for choice in rule.choices or ("",):
                        params = {**target.params, **({free[0]: choice} if choice else {})}
                        filled = _fill(path, params)
                        cells.append(Cell(rule, route, top, method, filled, target))
    report.wrong += [
        f"{m} {r.path}: in the access policy but no such route"
        for r in POLICY
        for m in r.methods.split()
        if (r.path, m) not in used
    ]

    def order(c: Cell) -> tuple[int, str]:
        return (0 if c.method != "POST" else 3 if "logout" in c.path else 2 if c.rule.last else 1), c.path

    return sorted(cells, key=order)


def _client(app: Starlette, stack: ExitStack) -> TestClient:
    # Entered once: one event loop for all of a role's requests instead of one per request.
    return stack.enter_context(TestClient(app, base_url="http://testserver", follow_redirects=False))


def _login(app: Starlette, role: str, stack: ExitStack) -> Session:
    """HTML through the login form (token read from the page), API through /api/login."""
    s = Session(role, ACCOUNTS.get(role, ("", ""))[0], _client(app, stack), _client(app, stack))
    if role == "anonymous":
        return s
    r = s.html.post("/app/login", data={"username": role, "password": PASSWORD})
    assert r.status_code == 303, f"HTML login of {role}: {r.status_code}"
    found = re.search(r'name="csrf" value="([^"]+)"', s.html.get("/app/").text)
    assert found, f"no CSRF token on {role}'s dashboard"
    s.html_csrf = found.group(1)
    r = s.api.post("/api/login", json={"username": role, "password": PASSWORD})
    assert r.status_code == 200, f"API login of {role}: {r.status_code}"
    s.api_csrf = r.json()["csrf"]
    return s


Files = dict[str, tuple[str, bytes, str]]


def _probe_files(app: Starlette, path: str, nonce: int) -> Files | None:
    """For a form post, a new file in the form's attachment field: a refused post must not store it."""
    m = re.fullmatch(r"/app/(?:forms/(\w+)/new|records/(\w+)/[^/]+/edit)", path)
    form = app.state.xietiao.forms.get(m.group(1) or m.group(2)) if m else None
    upload = next((f for f in form.fields() if f.type is FieldType.ATTACHMENT), None) if form else None
    return {upload.name: ("probe.pdf", PROBE_PDF.format(nonce).encode(), "application/pdf")} if upload else None


def _send(s: Session, cell: Cell, *, csrf: bool = True, origin: str = "", files: Files | None = None) -> Response:
    """The cell's request with an empty body (API: the least JSON it takes); token and Origin as asked."""
    headers = {"Origin": origin} if origin else {}
    if cell.path.startswith("/api/"):
        if csrf and s.api_csrf:
            headers["X-CSRF-Token"] = s.api_csrf
        body: dict[str, object] | None = None
        if cell.method == "POST":
            body = {"action": "draft", "data": {}} if cell.rule.body else {}
            if cell.rule.body == "edit":
                # As a client that read the record first: the number, and the version it read (dc's draft has one).
                body.update(number=cell.target.params["number"], version=1)
        return s.api.request(cell.method, cell.path, headers=headers, json=body)
    data = {"csrf": s.html_csrf} if csrf and cell.method == "POST" and s.html_csrf else {}
    return s.html.request(cell.method, cell.path, headers=headers, data=data or None, files=files)


def digest(app: Starlette, store: Store) -> str:
    """Every record of every kind, and the attachment files: what a refused write must leave alone."""
    app.state.xietiao.publisher.wait()  # a build's after-hook may still mark the meeting published
    h = hashlib.sha256()
    for kind in PARTITIONING:
        for doc in sorted(store.all(kind), key=lambda d: str(d.get("number"))):
            h.update(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode())
    folder = store.root / "attachments"
    h.update("\n".join(sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())).encode())
    return h.hexdigest()


def _line(s: Session, cell: Cell, variant: str, want: frozenset[str], r: Response, extra: str = "") -> str:
    location = r.headers.get("location", "")
    if cell.rule.body == "edit":
        variant = ", ".join(v for v in (f"body number {cell.target.params['number']}", variant) if v)
    tag = f" [{variant}]" if variant else ""
    got = f"{r.status_code}" + (f" → {location}" if location else "")
    return f"{s.role} {cell.method} {cell.path}{tag}: expected {'/'.join(sorted(want))}, got {got}{extra}"


def _leaks(s: Session, r: Response, sd: Seed) -> str:
    """Another unit, or nobody logged in, must never be shown dc's numbers or words; the unit that
    coordinates dc's item sees the item, but never what dc filed on it."""
    words = {"xc": sd.private, "anonymous": sd.private, "czj": sd.filings}.get(s.role)
    if not words or not 200 <= r.status_code < 300:
        return ""
    text = r.text if r.headers.get("content-type", "").startswith(("text/", "application/json")) else ""
    shown = [p for p in words if p in text]
    return f" (shows dc's {'、'.join(shown)})" if shown else ""


def _record(report: AccessReport, line: str, ok: bool) -> None:
    report.cells += 1
    report.log.append(line)
    if not ok:
        report.wrong.append(line)


def check_cell(report: AccessReport, app: Starlette, store: Store, s: Session, cell: Cell, sd: Seed) -> None:
    scope = {"type": "http", "path": cell.path, "method": cell.method, "root_path": ""}
    first = next((r for r in app.routes if r.matches(scope)[0] is Match.FULL), None)
    if first is not cell.top:
        report.wrong.append(f"{s.role} {cell.method} {cell.path}: answered by another route than {cell.route.path}")
        return
    want = expected(cell.rule, cell.method, s.role, s.unit, cell.target, store)
    if cell.method == "POST" and want == POST_OK and cell.rule.write == "csrf":
        for variant, csrf, origin in (("no CSRF token", False, ""), (f"Origin {EVIL}", True, EVIL)):
            before = digest(app, store)
            r = _send(s, cell, csrf=csrf, origin=origin, files=_probe_files(app, cell.path, report.cells))
            changed = digest(app, store) != before
            _record(
                report,
                _line(s, cell, variant, FORBIDDEN, r, " (data changed)" if changed else ""),
                r.status_code == 403 and not changed,
            )
    before = digest(app, store) if cell.method == "POST" and want != POST_OK else ""
    r = _send(s, cell)
    changed = bool(before) and digest(app, store) != before
    leak = _leaks(s, r, sd)
    line = _line(s, cell, "", want, r, (" (data changed)" if changed else "") + leak)
    _record(report, line, outcome(r.status_code, r.headers.get("location", "")) in want and not changed and not leak)


def check_login_origin(report: AccessReport, app: Starlette, store: Store, stack: ExitStack) -> None:
    """A login posted from another site must not start a session (login CSRF), even with a right password."""
    creds = {"username": "dc", "password": PASSWORD}
    for path in ("/app/login", "/api/login"):
        before = digest(app, store)
        body = {"json": creds} if path.startswith("/api/") else {"data": creds}
        r = _client(app, stack).post(path, headers={"Origin": EVIL}, **body)  # type: ignore[arg-type]
        cookie = "set-cookie" in r.headers
        line = (
            f"anonymous POST {path} [Origin {EVIL}, dc's valid password]: expected 403 and no session, "
            f"got {r.status_code}{' with a session cookie' if cookie else ''}"
        )
        _record(report, line, r.status_code == 403 and not cookie and digest(app, store) == before)


def run_role(report: AccessReport, role: str, base: Path, work: Path, sd: Seed) -> None:
    """One role on its own copy of the data, so what it changes cannot colour another role's cells."""
    from cli.assemble import assemble_app

    folder = work / role
    shutil.copytree(base, folder / "data", ignore=shutil.ignore_patterns(".lock"))
    with Store(folder / "data") as store, ExitStack() as stack:
        app = assemble_app(store, site_dir=folder / "site", today=lambda: TODAY, now=lambda: NOW)
        stack.callback(app.state.xietiao.publisher.wait)  # no build may outlive its data folder
        session = _login(app, role, stack)
        # The route/policy coverage lines are the same for every role: report them once.
        for cell in plan_cells(app, sd, report if role == "anonymous" else AccessReport()):
            check_cell(report, app, store, session, cell, sd)
        if role == "anonymous":
            check_login_origin(report, app, store, stack)


def run_access(workdir: Path | None = None) -> AccessReport:
    """The whole matrix; roles run side by side (each on its own data) so their site builds overlap."""
    started = time.monotonic()
    parts = {role: AccessReport() for role in ROLES}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(workdir) if workdir is not None else Path(tmp)
        sd = seed(work / "base")
        with ThreadPoolExecutor(max_workers=3) as pool:
            for done in [pool.submit(run_role, parts[r], r, work / "base", work, sd) for r in ROLES]:
                done.result()
    report = AccessReport()
    for part in parts.values():  # in ROLES order, whatever order the threads finished in
        report.cells += part.cells
        report.wrong += part.wrong
        report.log += part.log
    report.seconds = time.monotonic() - started
    return report
