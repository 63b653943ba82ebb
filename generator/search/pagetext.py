"""The searchable text of one built page: its title, its sections, and the links it makes to other pages.

Read from the HTML MkDocs wrote, so the search holds exactly what the site shows and nothing else
(whatever the build withheld never reaches it). Regular expressions instead of an HTML parser:
the pages are MkDocs' own well-formed output, and this is ten times faster on five years of pages.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

# A page the theme marks as kept out of the site search (front matter, see overrides/main.html).
EXCLUDE_MARK = '<meta name="xietiao-search" content="exclude">'

_ARTICLE_OPEN = re.compile(r"<article\b[^>]*>")
_SKIPPED = re.compile(r"<(script|style|svg|template)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_MARKED = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\sdata-search-exclude\b[^>]*>")
_HEADING = re.compile(r"<h([1-3])\b([^>]*)>(.*?)</h\1\s*>", re.S | re.I)
_ID = re.compile(r'\bid="([^"]*)"')
_LINK = re.compile(r'<a\b[^>]*?\shref="([^"]*)"[^>]*>(.*?)</a\s*>', re.S | re.I)
# Tags that end a block of text: words on either side of them are not one phrase.
_BLOCK = re.compile(
    r"</?(?:p|li|ul|ol|dl|dt|dd|td|th|tr|table|thead|tbody|tfoot|caption|div|section|article|aside|nav|"
    r"header|footer|figure|figcaption|blockquote|pre|h[1-6]|hr|br|details|summary)\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"<[^>]*>")
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col", "source", "area", "embed"})
# A relative link made of "./", "../" and plain folder names, then an optional query or fragment.
_SEGMENT = r"[^/?#:\\\s\x00-\x1f\x7f.][^/?#:\\\s\x00-\x1f\x7f]*"
_RELATIVE = re.compile(rf"(?:\./)?((?:\.\./)*)((?:{_SEGMENT}/)*(?:{_SEGMENT})?)(?:[?#].*)?", re.S)
MAX_LINK_TEXT = 40  # longer link texts are sentences, not names of the page they point to


@dataclass(frozen=True)
class Section:
    anchor: str  # the heading's id ("" for the top of the page)
    heading: str
    text: str  # the heading followed by the section's text, blocks separated by spaces


@dataclass(frozen=True)
class PageText:
    url: str  # relative to the site root, as the site links it: "meetings/2026-21/"
    title: str
    sections: tuple[Section, ...]
    links: tuple[tuple[str, str], ...]  # (page the link points to, the link's text), in page order


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment: block boundaries become spaces, inline tags vanish."""
    return " ".join(html.unescape(_TAG.sub("", _BLOCK.sub(" ", fragment))).split())


def _drop_marked(fragment: str) -> str:
    """The fragment without the elements marked `data-search-exclude` (and everything inside them)."""
    out: list[str] = []
    at = 0
    while (m := _MARKED.search(fragment, at)) is not None:
        out.append(fragment[at : m.start()])
        name = m.group(1).lower()
        at = m.end() if name in _VOID else _close_of(fragment, name, m.end())
    out.append(fragment[at:])
    return "".join(out)


def _close_of(fragment: str, name: str, start: int) -> int:
    depth = 1
    for tag in re.finditer(rf"<(/?){name}\b[^>]*>", fragment[start:], re.I):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return start + tag.end()
    return len(fragment)


def page_url(path: str) -> str:
    """A page's address as the site links it: "meetings/2026-21/" for meetings/2026-21/index.html."""
    return path[: -len("index.html")] if path.endswith("index.html") else path


def _target(url: str, href: str) -> str | None:
    """The page a link on `url` points to, relative to the site root; None for outside links."""
    simple = _RELATIVE.fullmatch(href)
    if simple is None:
        return _target_by_urljoin(url, href)
    # MkDocs writes "../../projects/P-2026-0041/": resolved here without urljoin, which took most of
    # the time of reading a page (70,000 links at five years). Anything else goes the general way.
    ups, rest = simple.group(1).count("../"), simple.group(2)
    folders = url.split("/")[:-1]
    folders = folders[: max(0, len(folders) - ups)]
    return page_url("/".join([*folders, rest]))


def _target_by_urljoin(url: str, href: str) -> str | None:
    parts = urlsplit(urljoin("http://site/" + url, href))
    if parts.netloc != "site" or not parts.path.startswith("/"):
        return None
    return page_url(parts.path[1:])


def _links(url: str, article: str) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for m in _LINK.finditer(article):
        target, text = _target(url, html.unescape(m.group(1))), text_of(m.group(2))
        if target is not None and text and len(text) <= MAX_LINK_TEXT:
            found.append((target, text))
    return tuple(found)


def searchable_html(source: str) -> str | None:
    """The part of a built page the search reads: its article without scripts and without what is
    marked `data-search-exclude`. None when the page has no article or is kept out of the search.

    A page's search entry is a function of this part and its address alone, so the stage keys its
    cache by them: the generation time every page shows (marked) does not make a page new.
    """
    head_end = source.find("</head>")
    if EXCLUDE_MARK in source[: head_end if head_end >= 0 else 0]:
        return None
    opened = _ARTICLE_OPEN.search(source)
    closed = source.rfind("</article>")
    if opened is None or closed < opened.end():
        return None
    return _drop_marked(_SKIPPED.sub(" ", source[opened.end() : closed]))


def read_article(article: str, url: str) -> PageText | None:
    """The searchable text of a page's article (from `searchable_html`); None when it has no title."""
    sections: list[Section] = []
    anchor, heading, at = "", "", 0
    title = ""
    for m in _HEADING.finditer(article):
        _add_section(sections, anchor, heading, article[at : m.start()])
        found = _ID.search(m.group(2))
        anchor, heading, at = (found.group(1) if found else ""), text_of(m.group(3)), m.end()
        if m.group(1) == "1" and not title:
            title, anchor = heading, ""  # the top of the page needs no anchor
    _add_section(sections, anchor, heading, article[at:])
    if not title:
        return None
    return PageText(url, title, tuple(sections), _links(url, article))


def read_page(source: str, url: str) -> PageText | None:
    """The page's searchable text, or None when it has no article or is kept out of the search."""
    article = searchable_html(source)
    return read_article(article, url) if article is not None else None


def _add_section(sections: list[Section], anchor: str, heading: str, fragment: str) -> None:
    body = text_of(fragment)
    text = f"{heading} {body}".strip()
    if text:
        sections.append(Section(anchor, heading, text))
