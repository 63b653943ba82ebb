"""What must never reach the built site: confidential records (markup from user text and outside hosts:
test_site_markup.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from site_support import site_texts
from test_site_build import (
    BUILT,
    TODAY,
    add_issue,
    add_item,
    add_material,
    add_meeting,
    add_progress,
    add_project,
    seed,
)

from generator.build import publish
from generator.search.query import SiteSearch
from xietiao.store.engine import Store

SECRETS = (
    "XTSECRETPROJ",
    "XTSECRETOVERVIEW",
    "XTSECRETFLAG",
    "XTSECRETISSUE",
    "XTSECRETTALK",
    "XTSECRETITEM",
    "XTSECRETPROGRESS",
    "XTSECRETNOTE",
    "XTSECRETMATERIAL",
    "XTSECRETSUPERVISION",
    "绝密甲乙丙丁戊",
)


# -- confidential ---------------------------------------------------------------


def seed_secrets(store: Store) -> None:
    with store.batch():
        add_project(
            store,
            "P-2026-0003",
            "XTSECRETPROJ绝密甲乙丙丁戊",
            "区经信局",
            confidential=True,
            overview="XTSECRETOVERVIEW 不得公开",
        )
        # The record's own flag says public, the form's 涉密 answer says secret: secret wins.
        add_project(store, "P-2026-0004", "XTSECRETFLAG项目", "区经信局")
        store.update("project", "P-2026-0004", lambda d: d.update(confidential=False), actor="t", action="t")
        store.update("project", "P-2026-0004", lambda d: d["data"].update(confidential=True), actor="t", action="t")
        add_issue(store, "Q-2026-0003", "P-2026-0003", "XTSECRETISSUE 用地问题", meeting="2026-09", confidential=True)
        add_meeting(
            store,
            "2026-09",
            "2026-10-09",
            approved="2026-10-12",
            projects=("P-2026-0003", "P-2026-0001"),
            issues=("Q-2026-0003",),
            minutes="会议研究了XTSECRETPROJ绝密甲乙丙丁戊的推进。",
            discussions=(
                {"issue": "Q-2026-0003", "project": "P-2026-0003", "text": "XTSECRETTALK"},
                {"issue": "", "project": "P-2026-0003", "text": "XTSECRETTALK 二"},
            ),
        )
        add_item(store, "2026-09-01", "P-2026-0003", "XTSECRETITEM 落实配套", "区经信局", "2026-09-30")
        add_item(store, "2026-09-02", "P-2026-0001", "公开事项：完善园区配套", "区经信局", "2026-12-30")
        add_progress(store, "R-2026-0002", "2026-09-01", "XTSECRETPROGRESS")
        add_material(store, "M-2026-0002", "P-2026-0001", "公开进展", "XTSECRETNOTE")
        add_material(store, "M-2026-0003", "P-2026-0001", "XTSECRETMATERIAL", "", confidential=True)
        store.insert(
            "supervision",
            {
                "number": "S-2026-0002",
                "kind": "约谈",
                "unit": "区经信局",
                "items": ["2026-09-01"],
                "date": "2026-11-01",
                "note": "XTSECRETSUPERVISION",
                "must_explain": True,
                "explain_at": "",
                "created": "2026-11-01T09:00:00+08:00",
            },
            actor="t",
            action="督办",
        )
        store.insert(
            "snapshot",
            {
                "number": "month-2026-11",
                "date": "2026-11-27",
                "reason": "month_end",
                "meeting": "",
                "projects": {"P-2026-0001": "green", "P-2026-0002": "green", "P-2026-0003": "red"},
                "items": {},
                "counts": {"green": 2, "yellow": 0, "red": 1},
                "created": "2026-11-27T09:00:00+08:00",
            },
            actor="t",
            action="快照",
        )


@pytest.fixture(scope="module")
def secret_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("secret")
    with Store(root / "data", create=True) as store:
        seed(store)
        seed_secrets(store)
        result = publish(store, root / "site", TODAY, built_at=BUILT)
    assert result.ok, result.error
    return root / "site"


def test_confidential_records_reach_no_file_of_the_site(secret_site: Path) -> None:
    checked = 0
    for path, text in site_texts(secret_site):
        checked += 1
        for secret in SECRETS:
            assert secret not in text, f"{secret} in {path}"
    assert checked > 50
    assert (secret_site / "search" / "index.json").is_file()
    assert not (secret_site / "projects" / "P-2026-0003").exists()
    assert not (secret_site / "projects" / "P-2026-0004").exists()


def test_a_confidential_projects_words_find_nothing(secret_site: Path) -> None:
    search = SiteSearch(secret_site)
    for word in (
        "XTSECRETPROJ",
        "绝密甲乙丙丁戊",
        "甲乙丙",
        "XTSECRETITEM",
        "XTSECRETTALK",
        "P-2026-0003",
        "XTSECRETFLAG",
    ):
        assert search.find(word) == [], word
    assert search.find("完善园区配套")  # the public item of the same meeting is found


def test_public_parts_around_secrets_are_still_published(secret_site: Path) -> None:
    meeting = (secret_site / "meetings/2026-09/index.html").read_text("utf-8")
    assert "完善园区配套" in meeting and "P-2026-0001" in meeting
    assert "会议研究了【不公开内容已隐去】的推进" in meeting  # the secret project's name in free text
    project = (secret_site / "projects/P-2026-0001/index.html").read_text("utf-8")
    assert "公开进展" in project or "厂房基础已完成" in project
    board = (secret_site / "board/index.html").read_text("utf-8")
    assert "2026年11月 严重滞后 1" not in board  # the trend is recounted without P-2026-0003
