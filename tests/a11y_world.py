"""The district the device tests walk: demo data, every meeting state, reminders sent, one live server.

Also the walk itself: each page of tests/pages_catalog.py for each role in its own session, the page's own
form sent back empty, and the pages only a post reaches (BEHIND_POST).
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from a11y_support import search, send_empty, tab
from browser import live_server
from conftest import PASSWORD, TODAY, fixed_now
from pages_catalog import ROLES, Visit, app_visits, site_visits
from playwright.sync_api import Browser, Page

from generator.build import publish
from xietiao.accounts import add_user, get_user
from xietiao.cycle.meetings import all_meetings, create_meeting, open_call, save_minutes, status_of
from xietiao.cycle.workdays import load_calendar
from xietiao.demo.generate import make_demo
from xietiao.model import MeetingStatus
from xietiao.notify.recipients import set_email
from xietiao.notify.run import deliver_pass, limiter_for, schedule_pass
from xietiao.notify.settings import read_settings_file, settings_path
from xietiao.store.engine import Store
from xietiao.units import UnitKind, all_units, bureau_name, government_name

TESTS = Path(__file__).resolve().parent
sys.path[:0] = [str(TESTS / "ledger"), str(TESTS / "notify")]  # sample workbook; loopback receivers
from receivers import http_receiver, smtp_server  # noqa: E402
from test_ledger_import import old_ledger  # noqa: E402

EDITABLE = ("draft", "returned")


@dataclass(frozen=True)
class World:
    base: str
    store: Store
    accounts: dict[str, str]  # role -> username
    unit: str  # the unit the unit account belongs to
    visits: tuple[Visit, ...]


def _busiest_unit(store: Store) -> str:
    """An ordinary unit with a draft or returned record to edit, leading the most agreed items."""
    editable = {
        str(d["unit"]) for f in ("project", "issue", "progress") for d in store.all(f) if d["status"] in EDITABLE
    }
    led: dict[str, int] = {}
    for item in store.all("item"):
        led[str(item["lead_unit"])] = led.get(str(item["lead_unit"]), 0) + 1
    ordinary = {u.name for u in all_units() if u.kind not in (UnitKind.BUREAU, UnitKind.GOVERNMENT)}
    return max(ordinary & editable, key=lambda u: (led.get(u, 0), u))


def _meetings_in_every_state(store: Store, unit: str) -> None:
    """Beside the demo's published meetings: the next one with its call open (the plan form can be sent),
    one held (the minutes form) and one with minutes before the leader (something to approve)."""
    upcoming = [m for m in all_meetings(store) if status_of(m) is MeetingStatus.PLANNED]
    fgj = get_user(store, "fgj")
    assert upcoming and fgj
    open_call(store, fgj, str(upcoming[-1]["number"]), fixed_now())
    project = str(next(p for p in store.all("project") if p["status"] == "accepted")["number"])
    minutes = {
        "convener": "常务副区长",
        "place": "区政府三楼会议室",
        "attendance": [bureau_name(), unit],
        "minutes": "会议听取了项目推进情况汇报，研究了用地和资金保障问题。",
        "agreed": [
            {
                "project": project,
                "content": "12月底前完成用地报批",
                "lead_unit": unit,
                "person": {"name": "王工", "phone": "13800000001"},
                "planned": "2026-12-31",
            }
        ],
    }
    drafted, _held = (
        create_meeting(store, day, actor="fgj", now=fixed_now(), status=MeetingStatus.HELD)
        for day in (date(2026, 11, 26), date(2026, 11, 27))
    )
    save_minutes(store, fgj, str(drafted["number"]), minutes, fixed_now(), submit=True)


def _reminders_sent(store: Store, code: str, unit: str) -> None:
    """Reminders on, and today's pass sent through real loopback receivers (one robot answers 500), so the
    admin's reminder page shows its settings and a log with sent and failed notices."""
    with smtp_server() as (_box, smtp_port), http_receiver() as (inbox, http_port):
        inbox.answers["/broken"] = (500, {"errcode": -1})
        robots = [
            {"unit": unit, "kind": "wecom", "url": f"http://127.0.0.1:{http_port}/wecom?key=a11y"},
            {"unit": unit, "kind": "webhook", "url": f"http://127.0.0.1:{http_port}/broken"},
        ]
        email = {"host": "127.0.0.1", "port": smtp_port, "security": "none", "sender": "xt@example.gov.cn"}
        raw = {"notifications": {"enabled": True, "email": email, "robots": robots}}
        settings_path(store.root).write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
        set_email(store, code, f"{code}@example.gov.cn", actor="admin")
        settings, problems = read_settings_file(settings_path(store.root))
        assert problems == []
        queued = schedule_pass(store, settings, load_calendar(store.root), fixed_now())
        sent = deliver_pass(store, settings, fixed_now, limiter_for(settings))
    assert queued.queued >= 2 and sent.sent >= 1 and sent.failed >= 1, (queued, sent)


@contextmanager
def open_world(root: Path) -> Iterator[World]:
    """Build the district in `root`, publish its site and serve both until the block ends."""
    with Store(root / "data", create=True) as store:
        make_demo(store, TODAY, "demo", accounts=False)
        unit = _busiest_unit(store)
        code = next(u.code for u in all_units() if u.name == unit)
        accounts = {"unit": code, "bureau": "fgj", "leader": "leader", "admin": "admin"}
        add_user(store, code, unit, "unit", PASSWORD)
        add_user(store, "fgj", bureau_name(), "bureau", PASSWORD)
        add_user(store, "leader", government_name(), "leader", PASSWORD)
        add_user(store, "admin", bureau_name(), "admin", PASSWORD)
        _meetings_in_every_state(store, unit)
        _reminders_sent(store, code, unit)
        result = publish(store, root / "site", TODAY)
        assert result.ok, result.error
        with live_server(store, root / "site", TODAY) as (base, app):
            units = {"unit": unit, "bureau": bureau_name(), "leader": government_name(), "admin": bureau_name()}
            forms = sorted(app.state.xietiao.forms)  # type: ignore[attr-defined]
            visits = site_visits(root / "site") + app_visits(app.routes, store, units, forms)  # type: ignore[attr-defined]
            yield World(base, store, accounts, unit, tuple(visits))


def _visit(page: Page, base: str, visit: Visit) -> bool:
    """Open the page; False when a role the policy does not name is refused (the visit is dropped)."""
    response = page.goto(base + visit.path)
    status = response.status if response else 0
    if visit.path == "/404.html":
        return True
    if not visit.sure and status in (403, 404):
        return False
    assert status < 400, f"{visit.name}: {visit.path} answered {status}"
    if visit.search:
        search(page, visit.search)
    return True


_ACCOUNTS = itertools.count(1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload_old_ledger(page: Page, world: World) -> None:
    """A hand-kept ledger (title rows, merged headers, rows it cannot read): the preview with its problems."""
    page.set_input_files("main input[type=file]", {"name": "旧台账.xlsx", "mimeType": XLSX, "buffer": old_ledger()})
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("#row-problems").count() == 1, "the import preview shows no problem rows"


def _new_account(page: Page, world: World) -> None:
    """The admin makes an account: the page that shows its first password once."""
    page.fill("#new-username", f"a11y{next(_ACCOUNTS)}")
    page.select_option("#new-unit", label=world.unit)
    with page.expect_navigation():
        page.click("#add button[type=submit]")
    assert page.locator("#shown-password").count() == 1, "no new password shown"


# Pages only a post reaches, after the page (by path) whose form sends it: (name suffix, the sending).
BEHIND_POST: dict[str, tuple[str, Callable[[Page, World], None]]] = {
    "/app/ledger/import": ("preview", _upload_old_ledger),
    "/app/admin/users": ("created", _new_account),
}


def walk(browser: Browser, world: World, viewport: dict[str, int], look: Callable[[Page, str], None]) -> list[str]:
    """Every page of the catalogue, each role in its own session; `look` sees each page (and its errors)."""
    seen: list[str] = []
    for who in ("reader", "anonymous", *ROLES):
        mine = [v for v in world.visits if v.who == who]
        if not mine:
            continue
        with tab(browser, viewport, world.base, world.accounts.get(who, "")) as page:
            for visit in mine:
                if not _visit(page, world.base, visit):
                    continue
                look(page, visit.name)
                seen.append(visit.name)
                if visit.errors and send_empty(page):  # still on the page: send its own form back empty
                    look(page, visit.name + "-errors")
                    seen.append(visit.name + "-errors")
                if visit.path in BEHIND_POST:
                    suffix, send = BEHIND_POST[visit.path]
                    page.goto(world.base + visit.path)
                    try:
                        send(page, world)
                    except Exception as exc:  # name the page: a later change to its form lands here
                        raise AssertionError(f"{visit.name}: its form for the {suffix} page failed: {exc}") from exc
                    look(page, f"{visit.name}-{suffix}")
                    seen.append(f"{visit.name}-{suffix}")
    return seen
