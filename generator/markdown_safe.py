"""Escaping of user text for Markdown pages, so that what units type stays text."""

from __future__ import annotations

import html
import re
from functools import lru_cache

# Python-Markdown does not sanitise: raw HTML, links, attribute lists ({: ...}),
# emphasis, headings, tables and snippet markers (--8<--) all pass through. Every
# character that can start any of these is escaped. Those in Markdown's own escape
# list get a backslash; the rest become HTML entities, which Markdown leaves alone
# and the browser shows as the character typed.
_BACKSLASH = set("\\`*_{}[]()#+-.!|")
_ENTITIES = {
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
    "~": "&#126;",
    "=": "&#61;",
    ":": "&#58;",
    "^": "&#94;",
    "$": "&#36;",
    '"': "&quot;",
    "'": "&#39;",
}
_TABLE = {ord(c): "\\" + c for c in _BACKSLASH} | {ord(c): e for c, e in _ENTITIES.items()}

# Every way a string can hold a line break: Markdown splits on \n only, so the
# others are turned into \n before lines are handled.
_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# C0 controls other than \n and \t, and DEL. \x02/\x03 are Python-Markdown's own
# placeholder markers: text carrying them could smuggle a stashed HTML block.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class Md(str):
    """Markdown the generator wrote itself: trusted, put into pages as it is."""

    __slots__ = ()


_ODD = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def clean(text: object) -> str:
    """The string with line breaks unified, tabs as spaces and control characters removed."""
    value = "" if text is None else str(text)
    if not _ODD.search(value):
        return value
    value = _BREAKS.sub("\n", value).replace("\t", " ")
    return _CONTROLS.sub("", value)


def _escape_line(line: str) -> str:
    # Leading spaces would make an indented code block; trailing ones a hard break.
    return line.strip(" \u3000").translate(_TABLE)


# The same texts are escaped on every publish (and many times in one): the escapes are pure
# functions of the text, so they are kept. `typed`: md(1) and md(True) must not share an entry.
_MEMO = 1 << 18


@lru_cache(maxsize=_MEMO, typed=True)
def md(text: object) -> Md:
    """User text as one line of inline Markdown: safe in paragraphs, lists and table cells."""
    value = clean(text)
    if "\n" not in value:
        return Md(_escape_line(value))
    return Md("<br>".join(x for x in map(_escape_line, value.split("\n")) if x))


# A page's first heading becomes its title, and Material writes the title into <title>
# through Jinja's striptags, which turns &lt; back into "<": user text in a heading
# could close <title> and open a script. Headings get look-alike characters instead.
_HEADING = str.maketrans({"<": "＜", ">": "＞", "&": "＆"})


def md_heading(text: object) -> Md:
    """User text for a heading (one line): safe also where the theme un-escapes the page title."""
    return md(clean(text).translate(_HEADING))


def md_block(text: object) -> Md:
    """User text as Markdown paragraphs: blank lines separate paragraphs, newlines break lines."""
    paragraphs = re.split(r"\n\s*\n", clean(text).strip())
    out = []
    for para in paragraphs:
        lines = [_escape_line(x) for x in para.split("\n")]
        body = "<br>\n".join(x for x in lines if x)
        if body:
            out.append(body)
    return Md("\n\n".join(out))


@lru_cache(maxsize=_MEMO, typed=True)
def html_text(text: object) -> Md:
    """User text inside a raw HTML block (Markdown is not applied there): one line, escaped."""
    one_line = " ".join(clean(text).split())
    return Md(html.escape(one_line, quote=True))
