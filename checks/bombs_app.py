"""The app side of the bomb check: a unit posts each bomb as a material attachment (run in the capped child)."""

from __future__ import annotations

import re
import resource
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

from starlette.testclient import TestClient

from xietiao.accounts import add_user
from xietiao.config import DISTRICT_TZ
from xietiao.store.engine import Store

PASSWORD = "bomb-password-1"
TODAY = date(2026, 11, 28)
FIELD = "附件"  # the material form's attachment field, which the refusal must name


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def post_bombs(tmp: Path, bombs: dict[str, Callable[[], bytes]], names: dict[str, str]) -> Iterator[dict[str, object]]:
    from cli.assemble import assemble_app

    with Store(tmp / "data", create=True) as store:
        add_user(store, "dc", "东城街道", "unit", PASSWORD)
        app = assemble_app(
            store,
            site_dir=tmp / "site",
            today=lambda: TODAY,
            now=lambda: datetime(2026, 11, 28, 10, tzinfo=DISTRICT_TZ),
        )
        files = store.root / "attachments"
        with TestClient(app, raise_server_exceptions=False) as client:
            csrf = client.post("/api/login", json={"username": "dc", "password": PASSWORD}).json()["csrf"]
            for name, make in bombs.items():
                data = make()
                before = _peak_mb()
                started = time.perf_counter()
                try:
                    r = client.post(
                        "/app/forms/material/new",
                        data={"csrf": csrf, "action": "draft"},
                        files={"attachments": (names[name[:3]], data, "application/octet-stream")},
                        follow_redirects=False,
                    )
                    status: int | str = r.status_code
                    text = r.text
                except MemoryError:
                    status, text = "MemoryError", ""
                ms = round((time.perf_counter() - started) * 1000)
                errors = re.findall(r'class="field-error"[^>]*>([^<]*)<', text)
                named = status == 303 or any(FIELD in e for e in errors)
                kept = sum(1 for p in files.rglob("*") if p.is_file()) if files.exists() else 0
                yield {
                    "name": name,
                    "bytes": len(data),
                    "status": status,
                    "ms": ms,
                    "grew_mb": round(max(0.0, _peak_mb() - before), 1),
                    "named": named,
                    "detail": (errors[0] if errors else text[:120]).strip(),
                    "files_kept": kept,
                }
