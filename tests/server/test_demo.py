"""The demo data: sizes, the three colours, confidentiality, determinism, and that the real rules accept it."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from xietiao.accounts import verify_login
from xietiao.config import FORMS_DIR
from xietiao.demo.generate import DEMO_PASSWORD, SECRET_MARKER, DemoSummary, make_demo
from xietiao.forms.attachments import AttachmentStore
from xietiao.forms.check import check_submission
from xietiao.forms.submissions import StoreLookup
from xietiao.ledger import snapshots
from xietiao.ledger.board import item_assessment, project_colour
from xietiao.ledger.colours import Colour
from xietiao.model import ItemStatus, MeetingStatus, item_of, meeting_of, project_of
from xietiao.rulebook import load_domain_forms as load_forms
from xietiao.store.engine import Store
from xietiao.units import town_names, unit_by_name

TODAY = date(2026, 11, 28)
FORM_KINDS = ("project", "issue", "material", "progress", "closure")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, DemoSummary]]:
    with Store(tmp_path_factory.mktemp("demo") / "data", create=True) as store:
        yield store, make_demo(store, TODAY)


def test_sizes_are_in_the_expected_ranges(demo: tuple[Store, DemoSummary]) -> None:
    store, summary = demo
    assert store.count("project") == summary.projects == 60
    assert summary.meetings == 21 and summary.items == 150
    assert 60 <= summary.issues <= 110 and 200 <= summary.reports <= 600
    assert summary.closures >= 20 and summary.supervisions >= 1 and summary.materials >= 60
    meetings = [meeting_of(d) for d in store.all("meeting")]
    assert Counter(m.status for m in meetings) == {MeetingStatus.PUBLISHED: 20, MeetingStatus.PLANNED: 1}
    upcoming = next(m for m in meetings if m.status is MeetingStatus.PLANNED)
    assert upcoming.date > TODAY and upcoming.date.weekday() == 4
    published = sorted(m.date for m in meetings if m.status is MeetingStatus.PUBLISHED)
    assert published[-1] < TODAY and (TODAY - published[0]).days < 200
    statuses = Counter(item_of(d).status for d in store.all("item"))
    assert statuses[ItemStatus.CLOSED] >= 20 and statuses[ItemStatus.IN_PROGRESS] >= 50
    states = Counter(str(d["list_state"]) for d in store.all("issue"))
    assert {"discussed", "proposed", "accepted", "returned"} <= set(states)
    assert store.count("snapshot") == summary.snapshots >= 24  # 20 meetings and every month end


def test_every_colour_occurs_today_for_projects_and_items(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    items = [item_of(d) for d in store.all("item")]
    colours = Counter(
        project_colour(project_of(d), items, TODAY).colour
        for d in store.all("project", lambda d: d["status"] == "accepted")
    )
    assert all(colours[c] >= 3 for c in Colour), colours
    assert {item_assessment(i, TODAY).colour for i in items if i.status.is_open} == set(Colour)
    milestones = [m for d in store.all("project") for m in project_of(d).milestones]
    assert any(m.done for m in milestones) and any(m.done is None and m.planned < TODAY for m in milestones)


def test_two_confidential_projects_and_the_marker_stays_in_them(demo: tuple[Store, DemoSummary]) -> None:
    store, summary = demo
    secret = [d for d in store.all("project") if d["confidential"]]
    assert len(secret) == summary.confidential == 2
    assert all(SECRET_MARKER in str(d["data"]["name"]) for d in secret)  # type: ignore[index]
    numbers = {d["number"] for d in secret}
    materials = [d for d in store.all("material") if d["data"]["project"] in numbers]  # type: ignore[index]
    assert materials and all(d["confidential"] for d in materials)
    # Pages of meetings, items, issues and reports never need to hide words: none carries the marker.
    for kind in ("meeting", "item", "issue", "progress", "closure", "supervision", "snapshot"):
        assert SECRET_MARKER not in json.dumps(store.all(kind), ensure_ascii=False), kind
    public = [d for d in store.all("project") if not d["confidential"]]
    assert SECRET_MARKER not in json.dumps(public, ensure_ascii=False)
    # In open materials the marker sits only in the internal note, which is never published either.
    noted = 0
    for doc in store.all("material", lambda d: not d["confidential"]):
        for data in [doc["data"], *(v["data"] for v in doc["versions"] if v["data"])]:  # type: ignore[union-attr]
            noted += SECRET_MARKER in str(data.pop("secret_notes", ""))  # type: ignore[union-attr]
        assert SECRET_MARKER not in json.dumps(doc, ensure_ascii=False), doc["number"]
    assert noted


def test_units_towns_and_people_are_real_entries(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    for item in (item_of(d) for d in store.all("item")):
        assert unit_by_name(item.lead_unit) is not None, item.number
        assert all(unit_by_name(u) is not None for u in item.co_units), item.number
        assert item.person.name and item.person.phone
    for project in (project_of(d) for d in store.all("project")):
        assert project.town in town_names() and unit_by_name(project.unit) is not None


def test_form_records_pass_the_real_form_checks_unchanged(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    forms = load_forms(FORMS_DIR)
    lookup = StoreLookup(store, AttachmentStore(store.root / "attachments"))
    for kind in FORM_KINDS:
        for doc in store.all(kind):
            data = doc["data"]
            assert isinstance(data, dict)
            checked = check_submission(forms[kind], data, lookup, complete=doc["status"] != "draft")
            assert checked.errors == {}, (doc["number"], checked.errors)
            assert checked.values == data, doc["number"]
            assert doc["versions"] and doc["versions"][0]["data"] == data  # type: ignore[index]


def test_ledger_states_agree_with_closures_and_reports(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    closures = {str(d["number"]): d for d in store.all("closure")}
    live: Counter[tuple[str, str]] = Counter()
    for d in store.all("progress", lambda d: d["status"] in ("submitted", "accepted")):
        live[(str(d["data"]["item"]), str(d["data"]["month"]))] += 1  # type: ignore[index]
    assert max(live.values()) == 1  # one live report per item and month, as the ledger insists
    reported = {item for item, _ in live}
    for doc in store.all("item"):
        status = ItemStatus(str(doc["status"]))
        if status is ItemStatus.CLOSED:
            assert doc["done"] and doc["closed_at"] and closures[str(doc["closure"])]["status"] == "accepted"
            assert str(doc["done"]) <= str(doc["closed_at"]) <= TODAY.isoformat()
        elif status is ItemStatus.CLOSURE_REQUESTED:
            assert doc["done"] is None and closures[str(doc["closure"])]["status"] == "submitted"
        else:
            assert doc["done"] is None and "closure" not in doc
            assert (status is ItemStatus.IN_PROGRESS) == (doc["number"] in reported)


def test_nothing_is_dated_after_today(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    end = TODAY.isoformat()
    for kind in ("project", "issue", "material", "item", "progress", "closure", "supervision", "snapshot"):
        assert all(str(d["created"])[:10] <= end for d in store.all(kind)), kind
    for meeting in store.all("meeting", lambda d: d["status"] == "published"):
        assert all(str(at)[:10] <= end for at in meeting["steps"].values())  # type: ignore[union-attr]


def test_snapshots_match_the_snapshot_module(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    loaded = snapshots._load(store)  # the same as-of rule a month-end snapshot uses
    for snap in store.all("snapshot"):
        expected = snapshots._snapshot_doc(loaded, date.fromisoformat(str(snap["date"])), "month_end", "")
        assert (snap["projects"], snap["items"], snap["counts"]) == (
            expected["projects"],
            expected["items"],
            expected["counts"],
        ), snap["number"]


def test_supervision_presses_red_items_and_asks_for_an_explanation(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    rows = store.all("supervision")
    assert rows and all(d["must_explain"] and d["kind"] in ("约谈", "督办函") for d in rows)
    for row in rows:
        for number in row["items"]:  # type: ignore[union-attr]
            item = store.get("item", str(number))
            assert item is not None and item["lead_unit"] == row["unit"]


def test_demo_logins_work_for_every_role(demo: tuple[Store, DemoSummary]) -> None:
    store, summary = demo
    assert [(u, r) for u, _, r, _ in summary.logins[:3]] == [
        ("fgj", "bureau"),
        ("leader", "leader"),
        ("admin", "admin"),
    ]
    assert len(summary.logins) == store.count("user") >= 38
    for username, unit, role in (
        ("leader", "区政府", "leader"),
        ("czj", "区财政局", "unit"),
        ("dc", "东城街道", "unit"),
    ):
        user = verify_login(store, username, DEMO_PASSWORD)
        assert user is not None and (user.unit, user.role.value) == (unit, role)
    assert verify_login(store, "fgj", "wrong-password") is None


def _files(root: Path) -> dict[str, bytes]:
    # The journal and the numbering counters carry the store's own wall-clock stamps.
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock" and p.relative_to(root).parts[0] not in ("journal", "counter")
    }


def test_same_inputs_give_the_same_files_byte_for_byte(tmp_path: Path) -> None:
    for name in ("a", "b"):
        with Store(tmp_path / name, create=True) as store:
            make_demo(store, TODAY, accounts=False)
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert "project/2026.json" in first and "item/2026.json" in first and "meeting/2026.json" in first
    assert first == second


def test_a_non_empty_store_or_unknown_scale_is_refused(tmp_path: Path, demo: tuple[Store, DemoSummary]) -> None:
    with pytest.raises(ValueError, match="空的数据目录"):
        make_demo(demo[0], TODAY)
    with Store(tmp_path / "x", create=True) as store, pytest.raises(ValueError, match="规模"):
        make_demo(store, TODAY, "10y")


def test_one_year_scale_runs(tmp_path: Path) -> None:
    started = time.perf_counter()
    with Store(tmp_path / "data", create=True) as store:
        summary = make_demo(store, TODAY, "1y", accounts=False)
    print(f"\n1y demo: {time.perf_counter() - started:.1f} s — {summary.describe()}")
    assert summary.projects == 200 and summary.items == 1300 and summary.meetings == 51


def test_nothing_is_stamped_later_than_the_early_morning_of_today(demo: tuple[Store, DemoSummary]) -> None:
    store, _ = demo
    import json
    import re

    stamps = []
    for kind in ("project", "issue", "meeting", "material", "item", "progress", "closure", "supervision"):
        stamps += re.findall(r'"(' + TODAY.isoformat() + r"T\d\d:\d\d)", json.dumps(store.all(kind)))
    assert stamps, "the demo has activity on its last day"
    assert max(s[11:13] for s in stamps) <= "07"


def test_the_days_events_keep_their_order() -> None:
    from xietiao.demo.generate import _early_today

    day = TODAY.isoformat()
    docs = {
        "closure": [
            {
                "created": f"{day}T09:50:00+08:00",
                "versions": [{"at": f"{day}T10:05:00+08:00"}],
                "updated": f"{day}T23:59:00+08:00",
            }
        ]
    }
    _early_today(docs, TODAY)  # type: ignore[arg-type]
    doc = docs["closure"][0]
    assert doc["created"] < doc["versions"][0]["at"] < doc["updated"] <= f"{day}T08:00"  # type: ignore[index,operator]
