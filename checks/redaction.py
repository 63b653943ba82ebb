"""Redaction abuse through unit drafts: drafts marked internal, named after what the site shows everywhere.

A unit saves drafts (through the same save() as its form pages) marked not for the intranet site and
named after unit names, a record number's prefix and a meeting place; the bureau accepts one internal
project of its own and the public minutes mention it. Then the site is built for real. A breach: the
build fails, a draft's name is blanked anywhere, the bureau's internal project shows anywhere, a blank
lands inside a tag's attribute, or a page's tags do not balance.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from checks.access_policy import FORMS, TODAY, _project_data, seed
from generator.build import publish
from generator.redaction import BLANK
from xietiao.accounts import get_user
from xietiao.config import DISTRICT_TZ
from xietiao.forms.submissions import StoreLookup, accept_record, save
from xietiao.store.engine import Store

# What units name their internal drafts, to deface or break the site (all of it shown there otherwise).
DRAFT_NAMES = ("区发展改革局", "东城街道", "P-2026-00", "区政府三楼会议室", "东城智能制造产业园")
SECRET = "玄鸟一号专项工程"


@dataclass
class RedactionReport:
    drafts: int = 0
    pages: int = 0
    blanks: int = 0
    seconds: float = 0.0
    breaches: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"redaction_unit_drafts: {self.drafts} internal drafts",
            f"redaction_pages_checked: {self.pages} pages",
            f"redaction_blanks: {self.blanks} blanks (name and number of the accepted internal project)",
            f"redaction_build: {self.seconds:.1f} s",
            f"redaction_breaches: {len(self.breaches)} breaches",
        ]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attrs: list[str] = []
        self.depth: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs += [v or "" for _, v in attrs]
        if tag in ("span", "a", "div", "table", "p", "ul", "ol"):
            self.depth[tag] = self.depth.get(tag, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.depth:
            self.depth[tag] -= 1


def _abuse(store: Store) -> int:
    dc, fgj = get_user(store, "dc"), get_user(store, "fgj")
    assert dc and fgj
    lookup = StoreLookup(store)
    for name in DRAFT_NAMES:
        data = {**_project_data(), "name": name, "confidential": True}
        assert save(store, FORMS["project"], dc, data, submit=False, today=TODAY, lookup=lookup).ok
    secret = save(
        store, FORMS["project"], dc, {**_project_data(), "name": SECRET, "confidential": True},
        submit=True, today=TODAY, lookup=lookup,
    )  # fmt: skip
    accept_record(store, "project", secret.number, fgj, "内部项目，不上内网")
    meeting = next(iter(store.all("meeting")))
    store.update(
        "meeting", str(meeting["number"]),
        lambda d: d.update(minutes=f"会议还听取了“玄鸟一号”专项工程（{secret.number}）的汇报。" + str(d["minutes"])),
        actor="fgj", action="测试数据",
    )  # fmt: skip
    return len(DRAFT_NAMES)


def run_redaction() -> RedactionReport:
    report = RedactionReport()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        seed(root / "data")
        with Store(root / "data") as store:
            report.drafts = _abuse(store)
            started = time.perf_counter()
            from datetime import datetime

            result = publish(store, root / "site", TODAY, built_at=datetime(2026, 11, 28, 15, tzinfo=DISTRICT_TZ))
            report.seconds = time.perf_counter() - started
        if not result.ok:
            report.breaches.append(f"站点构建失败：{result.error}")
            return report
        _inspect(root / "site", report)
    return report


def _inspect(site: Path, report: RedactionReport) -> None:
    texts = {p: p.read_text("utf-8") for p in site.resolve().rglob("*.html")}
    report.pages = len(texts)
    everything = "\n".join(texts.values()) + (site / "search/search_index.json").read_text("utf-8")
    everything = everything.replace("\u200b", "")
    report.blanks = everything.count(BLANK)
    if "玄鸟一号" in everything or "玄鸟" in everything:
        report.breaches.append("内部项目的名称出现在站点上")
    for name in ("东城街道", "区发展改革局", "东城智能制造产业园", "区政府三楼会议室"):
        if name not in everything:
            report.breaches.append(f"单位草稿让站点上的“{name}”消失了")
    for path, text in texts.items():
        page = _Page()
        page.feed(text)
        if any(BLANK in a for a in page.attrs):
            report.breaches.append(f"{path.relative_to(site.resolve())}: 隐去标记出现在标签属性里")
        if any(n != 0 for n in page.depth.values()):
            report.breaches.append(f"{path.relative_to(site.resolve())}: 标签不配对 {page.depth}")
