"""Withholding by identity in a real build: a unit's draft cannot blank or break the site, the bureau's
internal records are blanked by name and number wherever free text mentions them, and what the site
counts is what it shows."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_site_build import BUILT, TODAY, add_item, add_meeting, add_project, seed
from test_site_safety import site_texts

from generator.build import publish
from generator.redaction import BLANK, Redactor
from xietiao.cycle.minutes import register_agreed
from xietiao.store.engine import Store


def seed_abuse(store: Store) -> None:
    with store.batch():
        # Units' drafts marked internal, named after things the site shows everywhere.
        for number, name in (("P-2026-0011", "区财政局"), ("P-2026-0012", "P-2026-00"), ("P-2026-0013", "区行政中心")):
            add_project(store, number, name, "东城街道", confidential=True, status="draft")
        add_project(store, "P-2026-0014", "南湖片区道路提升工程", "东城街道", confidential=True, status="submitted")
        # The bureau's own internal project, mentioned in public text in the ways people write.
        add_project(store, "P-2026-0005", "玄鸟一号专项工程", "区经信局", confidential=True)
        add_meeting(
            store,
            "2026-08",
            "2026-09-04",
            approved="2026-09-07",
            projects=("P-2026-0005", "P-2026-0001"),
            minutes="会议研究了“玄鸟一号”专项工程、玄鸟一号 专项工程（P-2026-0005，事项2026-08-02）的推进，"
            "另有P-2026-00051号文件不相干。会址：区行政中心。",
        )
        add_item(store, "2026-08-01", "P-2026-0001", "区财政局落实园区配套资金（见区财政局函）", "区财政局", "2026-12-30")
        add_item(store, "2026-08-02", "P-2026-0005", "玄鸟一号选址报批", "区经信局", "2026-12-30")


@pytest.fixture(scope="module")
def abused(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("abuse")
    with Store(root / "data", create=True) as store:
        seed(store)
        seed_abuse(store)
        result = publish(store, root / "site", TODAY, built_at=BUILT)
    assert result.ok, result.error  # a unit's drafts can never make a publish fail
    return root / "site"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attrs: list[str] = []
        self.open: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs += [v or "" for _, v in attrs]
        if tag in ("span", "a", "div", "table", "p"):
            self.open[tag] = self.open.get(tag, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            self.open[tag] -= 1


def test_a_units_draft_blanks_nothing(abused: Path) -> None:
    ledger = (abused / "ledger/index.html").read_text("utf-8")
    assert "区财政局落实园区配套资金（见区财政局函）" in ledger
    meeting = (abused / "meetings/2026-08/index.html").read_text("utf-8")
    assert "会址：区行政中心。" in meeting
    project = (abused / "projects/P-2026-0002/index.html").read_text("utf-8")
    assert "南湖片区道路提升工程" in project  # a submitted, not accepted, record decides nothing either
    # The draft named "P-2026-00" cut through no number and no link.
    assert (abused / "projects/P-2026-0001/index.html").is_file()
    assert 'href="../../projects/P-2026-0001/"' in meeting and BLANK not in ledger


def test_internal_records_are_blanked_by_name_and_number_only(abused: Path) -> None:
    meeting = (abused / "meetings/2026-08/index.html").read_text("utf-8")
    assert meeting.count(BLANK) == 4, re.findall(r".{12}" + BLANK + r".{12}", meeting)
    assert "P-2026-00051号文件不相干" in meeting  # a longer number is another number
    for path, text in site_texts(abused):
        for secret in ("玄鸟一号", "P-2026-0005<", "P-2026-0005，", "2026-08-02"):
            assert secret not in text, f"{secret} in {path}"
    assert not (abused / "projects/P-2026-0005").exists()


def test_no_blank_inside_markup_and_tags_stay_balanced(abused: Path) -> None:
    for path in abused.rglob("*.html"):
        tags = _Tags()
        tags.feed(path.read_text("utf-8"))
        assert not any(BLANK in a for a in tags.attrs), path
        assert all(n == 0 for n in tags.open.values()), (path, tags.open)


def test_the_meeting_page_counts_what_it_shows(abused: Path) -> None:
    meeting = (abused / "meetings/2026-08/index.html").read_text("utf-8")
    assert "本次例会上会项目 1 个，议定事项 1 项" in meeting
    index = json.loads((abused / "search/search_index.json").read_text("utf-8"))
    text = json.dumps(index, ensure_ascii=False).replace("\u200b", "")
    assert "玄鸟" not in text and "2026-08-02" not in text


def test_redactor_keeps_words_that_only_contain_a_term() -> None:
    redact = Redactor(["城东配套道路"], ["P-2026-0003"], ["城东配套道路二期工程", "区财政局"])
    assert redact("城东配套道路二期工程已开工") == "城东配套道路二期工程已开工"
    assert redact("城东配套道路已开工") == f"{BLANK}已开工"
    assert redact("《城东配套道路》") == f"《{BLANK}》"
    assert redact("P-2026-00031 与 P-2026-0003。") == f"P-2026-00031 与 {BLANK}。"


def test_items_on_internal_projects_take_the_last_numbers(store: Store) -> None:
    add_project(store, "P-2026-0001", "城东智慧产业园一期", "区经信局")
    add_project(store, "P-2026-0005", "玄鸟一号专项工程", "区经信局", confidential=True)
    row = {"content": "x", "lead_unit": "区经信局", "co_units": [], "person": {"name": "甲", "phone": ""}}
    meeting = {
        "number": "2026-08",
        "agreed": [
            {**row, "project": "P-2026-0005", "planned": "2026-12-30"},
            {**row, "project": "P-2026-0001", "planned": "2026-12-30"},
            {**row, "project": "P-2026-0005", "planned": "2026-12-31"},
            {**row, "project": "P-2026-0001", "planned": "2026-12-31"},
        ],
    }
    register_agreed(store, meeting, "fgj", "2026-09-07T10:00:00+08:00")
    by_number = {d["number"]: d["project"] for d in store.all("item")}
    assert by_number == {
        "2026-08-01": "P-2026-0001",
        "2026-08-02": "P-2026-0001",
        "2026-08-03": "P-2026-0005",
        "2026-08-04": "P-2026-0005",
    }
    assert date(2026, 12, 30).isoformat() == store.get("item", "2026-08-01")["planned"]
