"""What must never reach the built site: confidential records, markup from user text, outside hosts."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from html.parser import HTMLParser
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.build import publish
from xietiao.config import MKDOCS_YML
from xietiao.store.engine import Store

from test_site_build import (BUILT, TODAY, add_issue, add_item, add_material, add_meeting, add_progress,
                             add_project, seed)

SECRETS = ("XTSECRETPROJ", "XTSECRETOVERVIEW", "XTSECRETFLAG", "XTSECRETISSUE", "XTSECRETTALK", "XTSECRETITEM",
           "XTSECRETPROGRESS", "XTSECRETNOTE", "XTSECRETMATERIAL", "XTSECRETSUPERVISION", "绝密甲乙丙丁戊")


def site_texts(site: Path) -> Iterator[tuple[Path, str]]:
    """Every built file as text, as a reader or the search would see it."""
    for path in sorted(site.resolve().rglob("*")):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8", errors="ignore")
        if path.suffix == ".json":
            # Segmented words are joined by U+200B; JSON may escape non-ASCII.
            text = json.dumps(json.loads(text), ensure_ascii=False).replace("\u200b", "")
        yield path, text


# -- confidential ---------------------------------------------------------------

def seed_secrets(store: Store) -> None:
    with store.batch():
        add_project(store, "P-2026-0003", "XTSECRETPROJ绝密甲乙丙丁戊", "区经信局", confidential=True,
                    overview="XTSECRETOVERVIEW 不得公开")
        # The record's own flag says public, the form's 涉密 answer says secret: secret wins.
        add_project(store, "P-2026-0004", "XTSECRETFLAG项目", "区经信局")
        store.update("project", "P-2026-0004", lambda d: d.update(confidential=False), actor="t", action="t")
        store.update("project", "P-2026-0004", lambda d: d["data"].update(confidential=True), actor="t", action="t")
        add_issue(store, "Q-2026-0003", "P-2026-0003", "XTSECRETISSUE 用地问题", meeting="2026-09", confidential=True)
        add_meeting(store, "2026-09", "2026-10-09", approved="2026-10-12", projects=("P-2026-0003", "P-2026-0001"),
                    issues=("Q-2026-0003",), minutes="会议研究了XTSECRETPROJ绝密甲乙丙丁戊的推进。",
                    discussions=({"issue": "Q-2026-0003", "project": "P-2026-0003", "text": "XTSECRETTALK"},
                                 {"issue": "", "project": "P-2026-0003", "text": "XTSECRETTALK 二"}))
        add_item(store, "2026-09-01", "P-2026-0003", "XTSECRETITEM 落实配套", "区经信局", "2026-09-30")
        add_item(store, "2026-09-02", "P-2026-0001", "公开事项：完善园区配套", "区经信局", "2026-12-30")
        add_progress(store, "R-2026-0002", "2026-09-01", "XTSECRETPROGRESS")
        add_material(store, "M-2026-0002", "P-2026-0001", "公开进展", "XTSECRETNOTE")
        add_material(store, "M-2026-0003", "P-2026-0001", "XTSECRETMATERIAL", "", confidential=True)
        store.insert("supervision", {"number": "S-2026-0002", "kind": "约谈", "unit": "区经信局",
                                     "items": ["2026-09-01"], "date": "2026-11-01", "note": "XTSECRETSUPERVISION",
                                     "must_explain": True, "explain_at": "", "created": "2026-11-01T09:00:00+08:00"},
                     actor="t", action="督办")
        store.insert("snapshot", {"number": "month-2026-11", "date": "2026-11-27", "reason": "month_end",
                                  "meeting": "", "projects": {"P-2026-0001": "green", "P-2026-0002": "green",
                                                              "P-2026-0003": "red"},
                                  "items": {}, "counts": {"green": 2, "yellow": 0, "red": 1},
                                  "created": "2026-11-27T09:00:00+08:00"}, actor="t", action="快照")


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
    assert (secret_site / "search" / "search_index.json").is_file()
    assert not (secret_site / "projects" / "P-2026-0003").exists()
    assert not (secret_site / "projects" / "P-2026-0004").exists()


def test_public_parts_around_secrets_are_still_published(secret_site: Path) -> None:
    meeting = (secret_site / "meetings/2026-09/index.html").read_text("utf-8")
    assert "完善园区配套" in meeting and "P-2026-0001" in meeting
    assert "会议研究了【涉密内容已隐去】的推进" in meeting   # the secret project's name in free text
    project = (secret_site / "projects/P-2026-0001/index.html").read_text("utf-8")
    assert "公开进展" in project or "厂房基础已完成" in project
    board = (secret_site / "board/index.html").read_text("utf-8")
    assert "2026年11月 严重滞后 1" not in board          # the trend is recounted without P-2026-0003


# -- user text is data ----------------------------------------------------------

ATTACKS = (
    "<script>alert('xss1')</script>",
    "[点我](javascript:alert(2))",
    "<img src=x onerror=alert(3)>",
    "普通文字 {: onclick=\"alert(4)\" }",
    "<div onclick=\"alert(5)\">原始HTML块</div>",
    "| 列1 | 列2 |\n|---|---|\n| a | b |",
    "# 伪造标题\n## 伪造二级标题",
    '--8<-- "/etc/passwd"',
    "<a href=\"javascript:alert(7)\">链接</a>",
    "![图](http://evil.example.com/x.png)",
    "<http://evil.example.com/auto>",
    "> 引用\n- 列表\n1. 有序\n\n        缩进代码",
    "```\n代码块\n```\n~~~\n代码\n~~~",
    "标题行\n===\n---",
    "<style>body{display:none}</style><iframe src=\"http://evil.example.com\"></iframe>",
    "&lt;script&gt;alert(8)&lt;/script&gt;",
    "\x02wzxhzdk:0\x03 \x02klzzwxh:0\x03",
    "[x]\n\n[x]: http://evil.example.com/ref",
    "*强调* _下划线_ **粗体** `代码` ==标记== ~~删除~~",
    "<!-- 注释 --> <svg onload=alert(9)>",
    "{{ 7*7 }} {% if x %}",
    "!!! note \"提示\"\n    内容",
    "[TOC]",
)
ATTACK = "\n".join(ATTACKS)
INLINE = ATTACKS[0] + ATTACKS[1] + ATTACKS[2] + ATTACKS[3] + '--8<-- "/etc/passwd"'


def seed_attack(store: Store, text: str, inline: str, number: str, meeting: str) -> None:
    with store.batch():
        add_project(store, number, inline, inline, overview=text, category=inline, town=inline, owner=inline,
                    milestones=[{"node": inline, "task": inline, "planned": "2026-08-01"}],
                    persons=[{"person": {"name": inline, "phone": ""}, "role": inline}])
        issue = "Q-" + number[2:]
        add_issue(store, issue, number, text, meeting=meeting)
        add_meeting(store, meeting, "2026-11-06", approved="2026-11-09", projects=(number,), issues=(issue,),
                    minutes=text, place=inline, attendance=[inline, "区财政局"],
                    discussions=({"issue": issue, "project": number, "text": text},))
        item = f"{meeting}-01"
        add_item(store, item, number, text, inline, "2026-10-01")
        add_progress(store, "R-" + number[2:], item, text)
        store.insert("supervision", {"number": "S-" + number[2:], "kind": inline, "unit": inline, "items": [item],
                                     "date": "2026-11-20", "note": text, "must_explain": True,
                                     "explain_at": inline, "created": "2026-11-20T09:00:00+08:00"},
                     actor="t", action="督办")


@pytest.fixture(scope="module")
def attack_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("attack")
    with Store(root / "data", create=True) as store:
        seed(store)
        seed_attack(store, ATTACK, INLINE, "P-2026-0008", "2026-08")
        # The same shapes with harmless text: the structure of its pages is the yardstick.
        plain = "\n".join("普通的一行文字" for _ in ATTACKS)
        seed_attack(store, plain, "普通文字", "P-2026-0009", "2026-09")
        result = publish(store, root / "site", TODAY, built_at=BUILT)
    assert result.ok, result.error
    return root / "site"


def article(html: str) -> str:
    start = html.index("<article")
    return html[start:html.index("</article>", start)]


STRUCTURE = ("table", "tr", "th", "td", "h1", "h2", "h3", "h4", "li", "a", "blockquote", "pre", "code",
             "img", "script", "iframe", "style", "hr", "em", "strong", "svg", "div", "details", "p")


def structure(html: str) -> Counter[str]:
    return Counter(t for t in re.findall(r"<([a-z0-9]+)[\s>/]", html) if t in STRUCTURE)


@pytest.mark.parametrize("pages", [("projects/P-2026-0008", "projects/P-2026-0009"),
                                   ("meetings/2026-08", "meetings/2026-09")])
def test_attack_text_changes_no_page_structure(attack_site: Path, pages: tuple[str, str]) -> None:
    attacked, plain = (article((attack_site / p / "index.html").read_text("utf-8")) for p in pages)
    a, b = structure(attacked), structure(plain)
    a.pop("p", None), b.pop("p", None)      # blank lines in the text make more paragraphs, nothing else
    assert a == b


def same_from_any_folder(script: str) -> str:
    """A theme script as it would read on a top-level page (relative paths differ by depth)."""
    script = re.sub(r"(\.\./)+", "", script)
    script = re.sub(r'"/(?=[a-z])', '"', script)          # 404.html links from the site root
    return re.sub(r'"(\.\.|\.|/|\./)"', '"BASE"', script)


class Tags(HTMLParser):
    """Every start tag with its attributes, as a browser would parse the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def parsed(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    tags.close()
    return tags


def test_no_script_handler_or_javascript_link_from_user_text(attack_site: Path) -> None:
    about = (attack_site / "about/index.html").read_text("utf-8")
    theme_scripts = {same_from_any_folder(s) for s in re.findall(r"<script\b[^>]*>.*?</script>", about, re.S)}
    assert len(theme_scripts) >= 5
    for path in attack_site.resolve().rglob("*.html"):
        html = path.read_text("utf-8")
        body = article(html) if "<article" in html else ""
        for tag, attrs in parsed(body).tags:
            assert tag not in ("script", "img", "iframe", "style", "object", "embed", "form", "base"), (path, tag)
        page = parsed(html)
        for tag, attrs in page.tags:
            assert not [a for a in attrs if a.startswith("on")], (path, tag, attrs)
            for name in ("href", "src", "action", "formaction", "xlink:href"):
                value = attrs.get(name, "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (path, tag, attrs)
                assert "evil.example.com" not in value, (path, tag, attrs)
        # The theme writes the page title through striptags, which un-escapes &lt;: the
        # title must still be one text node (a "</title>" in it would end it early).
        assert "</title>" not in page.title and "＜script＞" in page.title if "P-2026-0008" in str(path) else True
        assert "root:x:0:0" not in html, path
        for script in re.findall(r"<script\b[^>]*>.*?</script>", html, re.S):
            assert same_from_any_folder(script) in theme_scripts, (path, script)


def test_attack_text_is_shown_as_text(attack_site: Path) -> None:
    project = (attack_site / "projects/P-2026-0008/index.html").read_text("utf-8")
    body = article(project)
    assert "&lt;script&gt;alert(" in body
    assert "&lt;img src&#61;x onerror&#61;alert(3)&gt;" in body
    assert "[点我](javascript&#58;alert(2))" in body
    assert "{&#58; onclick&#61;" in body
    assert '--8&lt;-- &quot;/etc/passwd&quot;' in body
    assert "# 伪造标题" in body and "伪造二级标题</h2>" not in body
    assert "&amp;lt;script&amp;gt;" in body          # typed entities stay as typed
    meeting = article((attack_site / "meetings/2026-08/index.html").read_text("utf-8"))
    assert "| 列1 | 列2 |" in meeting


def test_search_index_holds_no_markup_from_user_text(attack_site: Path) -> None:
    index = json.loads((attack_site / "search/search_index.json").read_text("utf-8"))
    for doc in index["docs"]:
        for field in ("title", "text", "subwords"):
            value = doc.get(field, "")
            assert not re.search(r"<(script|img|iframe|style|a|div|svg)\b", value), (doc["location"], value[:200])


# -- offline --------------------------------------------------------------------

LOCAL = {"127.0.0.1", "localhost"}
CDNS = ("fonts.googleapis", "fonts.gstatic", "unpkg.com", "cdn.jsdelivr", "cdnjs")


def referenced_urls(path: Path, text: str) -> list[str]:
    if path.suffix == ".html":
        refs = re.findall(r"(?:src|href|srcset|action|poster|data)\s*=\s*[\"']([^\"']+)", text, re.I)
        return refs + re.findall(r"url\(\s*[\"']?([^\"')]+)", text)
    if path.suffix == ".css":
        return re.findall(r"url\(\s*[\"']?([^\"')]+)", text) + re.findall(r"@import\s+[\"']([^\"']+)", text)
    return []


def test_built_site_references_no_outside_host(attack_site: Path) -> None:
    for path, text in site_texts(attack_site):
        for url in referenced_urls(path, text):
            parts = urlsplit(url.strip())
            if parts.scheme in ("http", "https") or url.strip().startswith("//"):
                assert parts.hostname in LOCAL, f"{path}: {url}"
        # Material's on-demand loaders (Mermaid, a ResizeObserver polyfill) are sealed too.
        for cdn in CDNS:
            assert cdn not in text, f"{cdn} in {path}"
        if path.suffix == ".html":
            assert 'class="mermaid"' not in text and "fonts.googleapis" not in text


def test_config_keeps_the_site_offline() -> None:
    config = MKDOCS_YML.read_text("utf-8")
    assert re.search(r"^\s+font: false", config, re.M)
    assert "assets_fetch: false" in config and re.search(r"^strict: true", config, re.M)
    assert "mermaid" not in config.split("assets_exclude")[0]
