"""Shared fixtures: a real store in a temp folder, the real app, logged-in clients."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from xietiao.accounts import add_user
from xietiao.config import DISTRICT_TZ
from xietiao.profile import demo_profile, using
from xietiao.store.engine import Store

TODAY = date(2026, 11, 28)
PASSWORD = "test-password-1"
ACCOUNTS = {
    "fgj": ("区发展改革局", "bureau"),
    "leader": ("区政府", "leader"),
    "admin": ("区发展改革局", "admin"),
    "dc": ("东城街道", "unit"),
    "xc": ("西城街道", "unit"),
    "czj": ("区财政局", "unit"),
}


@pytest.fixture(autouse=True)
def _demo_district() -> Iterator[None]:
    """Each test starts with the demo district's profile installed, and whatever it installs is undone after."""
    with using(demo_profile()):
        yield


@pytest.fixture(autouse=True)
def _nothing_frozen() -> Iterator[None]:
    """A server freezes what is alive after each publish (server/heap.py): right for one server a process,
    but here hundreds of tests share one. What a test's servers froze is collectable again after it, so
    their waiting build processes go with them (their publishers close them when collected)."""
    yield
    gc.unfreeze()


def fixed_now() -> datetime:
    return datetime(2026, 11, 28, 10, 0, tzinfo=DISTRICT_TZ)


@pytest.fixture(scope="session")
def accounts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding only the test accounts; argon2 is slow, so hash them once."""
    folder = tmp_path_factory.mktemp("accounts") / "data"
    with Store(folder, create=True) as s:
        for name, (unit, role) in ACCOUNTS.items():
            add_user(s, name, unit, role, PASSWORD)
    return folder


@pytest.fixture
def store(tmp_path: Path, accounts_dir: Path) -> Iterator[Store]:
    shutil.copytree(accounts_dir, tmp_path / "data", ignore=shutil.ignore_patterns(".lock"))
    with Store(tmp_path / "data") as s:
        yield s


@pytest.fixture
def app(store: Store, tmp_path: Path):  # type: ignore[no-untyped-def]
    from cli.assemble import assemble_app

    # Publishing on every change is tested where it is the subject (tests/site/test_live_publish.py):
    # elsewhere a MkDocs build after each write would only slow the tests down.
    return assemble_app(store, site_dir=tmp_path / "site", today=lambda: TODAY, now=fixed_now, auto_publish=False)


class Client(TestClient):
    csrf: str = ""


@pytest.fixture
def client(app) -> Iterator[Client]:  # type: ignore[no-untyped-def]
    with Client(app, base_url="http://testserver") as c:
        yield c


def login(app, username: str) -> Client:  # type: ignore[no-untyped-def]
    """A client logged in through the JSON API, carrying its CSRF token."""
    c = Client(app, base_url="http://testserver")
    r = c.post("/api/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    c.csrf = r.json()["csrf"]
    c.headers["X-CSRF-Token"] = c.csrf
    return c


@pytest.fixture
def cycle(app, store):  # type: ignore[no-untyped-def]
    """The meeting-cycle seed (see cycle_support): projects accepted, a meeting planned, four clients."""
    from cycle_support import seed_cycle

    return seed_cycle(app, store)
