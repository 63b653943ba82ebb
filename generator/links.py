"""Links between generated pages, and the small pieces of trusted markup every page uses."""

from __future__ import annotations

import hashlib
import posixpath
from datetime import date
from decimal import Decimal, InvalidOperation

from generator.markdown_safe import Md, html_text, md
from xietiao.ledger.colours import Colour, zh_date
from xietiao.units import unit_by_name

# Project categories as the project form offers them, with the ASCII keys the project
# list's filters use in links (never the Chinese text itself in a URL).
CATEGORY_KEYS = {"产业": "cy", "交通": "jt", "能源": "ny", "水利": "sl", "社会事业": "sh"}


def key_for(name: str) -> str:
    """An ASCII key for a unit, town or category name: its code, or a digest for unknown names."""
    unit = unit_by_name(name)
    if unit:
        return unit.code
    if name in CATEGORY_KEYS:
        return CATEGORY_KEYS[name]
    return "k" + hashlib.sha1(name.encode()).hexdigest()[:10]


def amount(value: str) -> str:
    """An amount in 万元 as people read it: 52,000.00 (the stored text when it is not a number)."""
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, ValueError):
        return value


def zh(day: date | None) -> Md:
    return Md(zh_date(day)) if day else Md("—")


def _badge(colour: Colour) -> Md:
    return Md(
        f'<span class="xt-c xt-{colour.value}" data-k="{colour.value}" data-s="{colour.severity}">{colour.label}</span>'
    )


_BADGES = {c: _badge(c) for c in Colour}


def badge(colour: Colour) -> Md:
    return _BADGES[colour]


def keyed(key: str, inner: Md) -> Md:
    """A table cell's content with the key the list's filter matches on."""
    return Md(f'<span data-k="{key}">{inner}</span>')


class Links:
    """Relative links from one page (a path in the docs folder, e.g. projects/P-2026-0001.md)."""

    def __init__(self, page: str) -> None:
        self.page = page
        self.folder = posixpath.dirname(page)
        assert "/" not in self.folder, "pages are at most one folder deep"
        self._urls: dict[str, str] = {}

    def rel(self, target: str) -> str:
        # posixpath.relpath is the slow part of writing 1,000 pages; one level is enough here.
        if not self.folder:
            return target
        if target.startswith(self.folder + "/"):
            return target[len(self.folder) + 1 :]
        return "../" + target

    def to(self, label: Md, target: str, query: str = "") -> Md:
        # `target` is always built from validated numbers and codes, never user text.
        return Md(f"[{label}]({self.rel(target)}{query})")

    def project(self, number: str, name: str | None = None) -> Md:
        return self.to(md(name if name else number), f"projects/{number}.md")

    def meeting(self, number: str, label: str | None = None) -> Md:
        return self.to(md(label or number), f"meetings/{number}.md")

    def unit(self, name: str) -> Md:
        unit = unit_by_name(name)
        return self.to(md(unit.name), f"units/{unit.code}.md") if unit else md(name)

    def unit_page(self, name: str) -> Md | None:
        """A link to the unit's own page, or None for a name that is not a known unit."""
        unit = unit_by_name(name)
        return self.to(Md("单位页面"), f"units/{unit.code}.md") if unit else None

    def filter(self, label: str, param: str) -> Md:
        """A link to the project list filtered on this category, town or unit."""
        if not label:
            return Md("—")
        return self.to(md(label), "projects/index.md", f"?{param}={key_for(label)}")

    def url(self, target: str) -> str:
        """The built URL of `target` relative to this page, for raw HTML (directory URLs)."""
        known = self._urls.get(target)
        if known is None:

            def folder_of(path: str) -> str:
                stem = path[:-3]
                return posixpath.dirname(stem) if posixpath.basename(stem) == "index" else stem

            rel = posixpath.relpath(folder_of(target) or ".", folder_of(self.page) or ".")
            known = self._urls[target] = "./" if rel == "." else rel + "/"
        return known

    def html_link(self, text: str, target: str, css: str = "", title: str = "") -> Md:
        cls = f' class="{css}"' if css else ""
        tip = f' title="{html_text(title)}"' if title else ""
        return Md(f'<a{cls}{tip} href="{self.url(target)}">{html_text(text)}</a>')
