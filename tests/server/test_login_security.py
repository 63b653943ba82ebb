"""Logins under attack: reserved attempts, per-address locks, a separate hashing queue, inactive accounts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from browser import live_server
from conftest import PASSWORD, TODAY, Client

from server.auth.routes import BUSY
from server.auth.throttle import FAILURE_WINDOW, MAX_ACCOUNT_FAILURES, MAX_FAILURES, LoginThrottle
from xietiao.accounts import AccountError, add_user, verify_login
from xietiao.store.engine import Store

WRONG = "not-the-password"
REPO = Path(__file__).resolve().parents[2]


def _login(client: httpx.Client | Client, username: str, password: str) -> int:
    return client.post("/api/login", json={"username": username, "password": password}).status_code


def test_concurrent_guesses_are_counted_before_the_password_is_checked(store: Store, tmp_path: Path) -> None:
    # 40 wrong passwords and the right one at once, from one address: only MAX_FAILURES get a check.
    with live_server(store, tmp_path / "site", TODAY) as (base, _), httpx.Client(base_url=base, timeout=60) as c:
        tries = [WRONG] * 40 + [PASSWORD]
        with ThreadPoolExecutor(max_workers=41) as pool:
            statuses = list(pool.map(lambda pw: _login(c, "dc", pw), tries))
    checked = [s for s in statuses if s in (200, 401)]
    assert len(checked) <= MAX_FAILURES, statuses
    assert statuses.count(429) >= len(tries) - MAX_FAILURES
    assert 500 not in statuses


def test_wrong_guesses_from_elsewhere_do_not_lock_the_owner_out(app) -> None:  # type: ignore[no-untyped-def]
    # Anyone may guess at `fgj` from many machines; the owner at a desk that has not failed still gets in.
    for n in range(MAX_ACCOUNT_FAILURES + 5):
        guesser = Client(app, client=(f"10.9.0.{n % 8}", 40000))
        assert _login(guesser, "fgj", WRONG) in (401, 429)
    failing = Client(app, client=("10.9.0.1", 40000))
    assert _login(failing, "fgj", PASSWORD) == 429  # a machine that has been failing stays locked
    owner = Client(app, client=("10.9.1.50", 40000))
    assert _login(owner, "fgj", PASSWORD) == 200
    # The administrators can see the locks and lift them.
    throttle = app.state.xietiao.throttle
    kinds = {(lock.kind, lock.username) for lock in throttle.locked()}
    assert ("account", "fgj") in kinds
    assert throttle.unlock("fgj") > 0
    assert not [lock for lock in throttle.locked() if lock.username == "fgj"]
    assert _login(failing, "fgj", PASSWORD) == 200


def test_one_address_spraying_names_is_locked(app) -> None:  # type: ignore[no-untyped-def]
    c = Client(app, client=("10.8.0.1", 40000))
    statuses = [_login(c, f"user{n}", WRONG) for n in range(30)]
    assert statuses.count(401) <= 20 and statuses[-1] == 429
    # Another machine is not affected.
    assert _login(Client(app, client=("10.8.0.2", 40000)), "dc", PASSWORD) == 200


def test_the_failure_table_is_bounded_and_forgets() -> None:
    now = [1000.0]
    throttle = LoginThrottle(clock=lambda: now[0], max_entries=200)
    for n in range(5000):
        ticket = throttle.reserve(f"name{n}", f"10.{n // 250}.{n % 250}.1")
        assert ticket is not None
        throttle.failed(ticket)
    assert len(throttle) <= 200
    now[0] += FAILURE_WINDOW + 1
    ticket = throttle.reserve("someone", "10.99.0.1")
    assert ticket is not None and len(throttle) <= 3


def test_a_full_hashing_queue_refuses_logins_at_once_and_others_are_served(app) -> None:  # type: ignore[no-untyped-def]
    pool = app.state.xietiao.hashing
    release = threading.Event()
    with Client(app) as c:
        for _ in range(pool.capacity):
            c.portal.start_task_soon(pool.run, release.wait)  # type: ignore[union-attr]
        deadline = time.monotonic() + 10
        while pool.free() and time.monotonic() < deadline:
            time.sleep(0.01)
        try:
            busy = c.post("/api/login", json={"username": "dc", "password": PASSWORD})
            assert busy.status_code == 503 and busy.json()["error"] == BUSY
            assert busy.headers["retry-after"]
            page = c.post("/app/login", data={"username": "dc", "password": PASSWORD})
            assert page.status_code == 503 and BUSY in page.text
            assert c.get("/health").status_code == 200
        finally:
            release.set()
        # Refusals for a full queue are not failures: the same address logs in once there is room.
        assert _login(c, "dc", PASSWORD) == 200


def test_inactive_and_unknown_accounts_never_verify(store: Store) -> None:
    add_user(store, "retired", "区财政局", "unit", "Pensioned-Clerk-41")
    store.update("user", "retired", lambda d: d.update(active=False), actor="test", action="停用")
    # The placeholder that stood in for an inactive account's hash, and the account's own password.
    for password in ("xietiao-dummy-password", "Pensioned-Clerk-41", ""):
        assert verify_login(store, "retired", password) is None
        assert verify_login(store, "nobody", password) is None
    assert verify_login(store, "dc", PASSWORD) is not None


@pytest.mark.parametrize("name", ["abc\n", "abc\r\n", "ab c", "\nabc", "a"])
def test_usernames_are_matched_whole(store: Store, name: str) -> None:
    with pytest.raises(AccountError):
        add_user(store, name, "区财政局", "unit", "long-enough-1")


def test_csrf_tokens_must_match_exactly(app) -> None:  # type: ignore[no-untyped-def]
    c = Client(app)
    token = c.post("/api/login", json={"username": "dc", "password": PASSWORD}).json()["csrf"]
    for wrong in (token[:-1].encode(), (token + "x").encode(), "令牌".encode(), b""):
        r = c.post("/api/forms/project", json={"action": "draft", "data": {}}, headers={"X-CSRF-Token": wrong})
        assert r.status_code == 403
    ok = c.post("/api/forms/project", json={"action": "draft", "data": {}}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 201


def test_other_host_names_are_refused(app) -> None:  # type: ignore[no-untyped-def]
    c = Client(app)
    assert c.get("/health").status_code == 200
    rebound = c.get("/health", headers={"Host": "evil.example:8000"})
    assert rebound.status_code == 400 and "主机名" in rebound.text
    assert c.get("/app/login", headers={"Host": "attacker.example"}).status_code == 400
    login = c.post(
        "/api/login",
        json={"username": "dc", "password": PASSWORD},
        headers={"Host": "evil.example", "Origin": "http://evil.example"},
    )
    assert login.status_code == 400
    # Origin must name an allowed host and the very host the request went to.
    token = c.post("/api/login", json={"username": "dc", "password": PASSWORD}).json()["csrf"]
    headers = {"X-CSRF-Token": token, "Origin": "http://localhost"}
    assert c.post("/api/forms/project", json={"action": "draft", "data": {}}, headers=headers).status_code == 403
    headers["Origin"] = "http://testserver"
    assert c.post("/api/forms/project", json={"action": "draft", "data": {}}, headers=headers).status_code == 201


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_served_app_trusts_no_forwarded_address_unless_told(tmp_path: Path) -> None:
    """`xietiao serve`: X-Forwarded-For from a local client must not rotate the throttle's address."""
    data = tmp_path / "data"
    env = os.environ | {"PYTHONPATH": str(REPO)}
    cli = [sys.executable, "-m", "cli.main"]
    subprocess.run([*cli, "init", "--data", str(data), "--password", PASSWORD], check=True, env=env, cwd=REPO)
    port = _free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--data", str(data), "--port", str(port), "--site", str(tmp_path / "site")],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as c:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    c.get("/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            statuses = [
                c.post(
                    "/api/login",
                    json={"username": "fgj", "password": WRONG},
                    headers={"X-Forwarded-For": f"203.0.113.{n}"},
                ).status_code
                for n in range(MAX_FAILURES + 1)
            ]
            assert statuses[:MAX_FAILURES] == [401] * MAX_FAILURES
            assert statuses[-1] == 429
            assert c.get("/health", headers={"Host": "rebound.example"}).status_code == 400
    finally:
        server.terminate()
        server.wait(timeout=20)
