"""Fuzzing the API and the HTML forms: schemathesis from /api/openapi.json, hypothesis on form posts."""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, Verbosity, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from starlette.testclient import TestClient

from xietiao.accounts import add_user
from xietiao.config import DISTRICT_TZ
from xietiao.store.engine import Store

PASSWORD = "fuzz-password-1"
TODAY = date(2026, 11, 28)
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\u202e",
        "<script>alert(1)</script>",
        "9" * 40,
        "-1",
        "2026-02-30",
        "１２３",
        "null",
        "[]",
        "{}",
        "é",
        "\ud7ff",
        '--8<-- "/etc/passwd"',
        "a" * 6000,
    ]
)


@dataclass
class FuzzReport:
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"fuzz_cases_tried: {self.cases} cases",
            f"fuzz_server_errors: {len(self.server_errors)} responses",
            f"fuzz_unexplained_refusals: {len(self.unexplained)} responses",
        ]


def _app(workdir: Path):  # type: ignore[no-untyped-def]
    from cli.assemble import assemble_app

    store = Store(workdir / "data", create=True)
    add_user(store, "dc", "东城街道", "unit", PASSWORD)
    app = assemble_app(
        store,
        site_dir=workdir / "site",
        today=lambda: TODAY,
        now=lambda: datetime(2026, 11, 28, 10, tzinfo=DISTRICT_TZ),
        auto_publish=False,  # the fuzzer checks answers, not the site
    )
    return app, store


def _record(report: FuzzReport, label: str, status: int, body: bytes, content_type: str) -> None:
    report.cases += 1
    report.statuses[status] += 1
    if status >= 500:
        report.server_errors.append(f"{label}: {status} {body[:200]!r}")
    elif 400 <= status < 500 and "json" in content_type and b'"error' not in body:
        report.unexplained.append(f"{label}: {status} {body[:200]!r}")


def fuzz_api(report: FuzzReport, app, examples: int) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app, base_url="http://testserver")
    token = client.post("/api/login", json={"username": "dc", "password": PASSWORD}).json()["csrf"]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    for result in schema.get_all_operations():
        op = result.ok()  # type: ignore[union-attr]  # our own schema: every operation loads
        if op.path == "/api/login":
            continue  # fuzzing logins would only exercise the throttle and lock the account out
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            # Quiet: an operation with nothing to make invalid ends in Unsatisfiable, which is expected.
            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                verbosity=Verbosity.quiet,
                suppress_health_check=list(HealthCheck),
            )
            @given(op.as_strategy(generation_mode=mode))
            def one(case) -> None:  # type: ignore[no-untyped-def]
                kw = case.as_transport_kwargs(base_url="http://testserver")
                headers = {k: str(v) for k, v in (kw.get("headers") or {}).items()}
                headers["X-CSRF-Token"] = token
                body = kw.get("json")
                r = client.request(
                    kw["method"],
                    kw["url"],
                    headers=headers,
                    params=kw.get("params"),
                    json=body if "json" in kw else None,
                )
                _record(report, op.label, r.status_code, r.content, r.headers.get("content-type", ""))  # noqa: B023  (called within the loop)

            try:
                one()
            except Unsatisfiable:
                pass  # e.g. no way to make an invalid request to an operation without inputs


def fuzz_html_forms(report: FuzzReport, app, examples: int) -> None:  # type: ignore[no-untyped-def]
    """Random posts to every HTML form: each gets 303 (saved) or 400 (re-shown), never a 500."""
    client = TestClient(app, base_url="http://testserver")
    client.post("/app/login", data={"username": "dc", "password": PASSWORD})
    page = client.get("/app/forms/project/new").text
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    forms = app.state.xietiao.forms
    for name, form in forms.items():
        keys = [f.name for f in form.fields()] + ["milestones-0-planned", "persons-0-person-phone", "x-1-y", "csrf2"]
        posts = st.dictionaries(st.sampled_from(keys), st.one_of(NASTY, st.text(max_size=50)), max_size=12)

        @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(posts, st.sampled_from(["draft", "submit"]))
        def one(data: dict[str, str], action: str) -> None:  # called at once, inside this loop turn
            r = client.post(
                f"/app/forms/{name}/new",  # noqa: B023
                data={**data, "csrf": csrf, "action": action},
                follow_redirects=False,
            )
            _record(report, f"HTML {name}", r.status_code, r.content, r.headers.get("content-type", ""))  # noqa: B023

        one()


def run_fuzz(examples: int) -> FuzzReport:
    report = FuzzReport()
    with tempfile.TemporaryDirectory() as tmp:
        app, store = _app(Path(tmp))
        try:
            fuzz_api(report, app, examples)
            fuzz_html_forms(report, app, examples)
        finally:
            store.close()
    return report
