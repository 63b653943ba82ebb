"""Withheld records named inside text the site does show: their names and numbers blanked, in the data.

The site withholds records by what they are (sitedata leaves them out, with their links and
search entries). Free text of published records may still name one ("the bureau studied the
“玄鸟一号” works"), so every string the site shows passes through a Redactor first, before any
escaping or markup: the blank is then ordinary text, and no page, link or attribute can break.

The terms come only from records the bureau accepted as internal (never from a unit's draft),
and a match is kept when it lies inside a longer name the site shows (a unit, a town, a
published project) or inside a longer run of letters and digits (P-2026-00 is not in P-2026-0012).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from enum import Enum
from typing import TypeVar

BLANK = "【涉密内容已隐去】"
# What writers put between the parts of a name: spaces, quotes, brackets, dots and dashes.
_GAP = r"[\s\u3000\"'“”‘’「」『』《》〈〉()（）\[\]【】·・•\-—–_/]*"
_GAP_CHARS = re.compile(_GAP.replace("*", "+"))
# Generic endings of project names: without them the distinctive core of a name remains.
_ENDINGS = ("工程", "项目", "专项", "建设", "一期", "二期", "三期", "改造", "提升")
MIN_TERM = 4  # shorter names would blank ordinary words
_WORD = re.compile(r"[A-Za-z0-9]")
T = TypeVar("T")


def _core(name: str) -> str:
    core = name
    while True:
        for ending in _ENDINGS:
            if core.endswith(ending) and len(core) - len(ending) >= MIN_TERM:
                core = core[: -len(ending)]
                break
        else:
            return core


def _pattern(term: str, *, gaps: bool) -> str:
    """The term (a name: with any gap between its characters), whole at an edge made of letters or digits."""
    body = _GAP.join(map(re.escape, _GAP_CHARS.sub("", term))) if gaps else re.escape(term)
    before = r"(?<![A-Za-z0-9])" if _WORD.match(term[0]) else ""
    after = r"(?![A-Za-z0-9])" if _WORD.match(term[-1]) else ""
    return before + body + after


class Redactor:
    """Blanks the names and numbers of withheld records in a string; the identity for no terms."""

    def __init__(self, names: Iterable[str] = (), numbers: Iterable[str] = (), shown: Iterable[str] = ()) -> None:
        terms: dict[str, bool] = {}  # term -> matched with gaps (a name) or exactly (a number)
        for name in names:
            bare = _GAP_CHARS.sub("", name)
            if len(bare) >= MIN_TERM:
                terms |= {bare: True, _core(bare): True}
        terms |= {n: False for n in numbers if n.strip()}
        ordered = sorted(terms, key=len, reverse=True)
        self._terms = re.compile("|".join(_pattern(t, gaps=terms[t]) for t in ordered)) if ordered else None
        kept = sorted({s for s in shown if len(s) >= 2}, key=len, reverse=True)
        self._shown = re.compile("|".join(map(re.escape, kept))) if kept else None

    def __call__(self, text: str) -> str:
        if self._terms is None or not text or not self._terms.search(text):
            return text
        spans = [m.span() for m in self._shown.finditer(text)] if self._shown else []

        def blank(match: re.Match[str]) -> str:
            start, end = match.span()
            inside = any(s <= start and end <= e and e - s > end - start for s, e in spans)
            return match.group(0) if inside else BLANK

        return self._terms.sub(blank, text)


def scrub(value: T, redact: Callable[[str], str]) -> T:
    """`value` with every string in it redacted: dataclasses, tuples, lists and dict values, recursively."""
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return redact(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(scrub(v, redact) for v in value)  # type: ignore[return-value]
    if isinstance(value, list):
        return [scrub(v, redact) for v in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {k: scrub(v, redact) for k, v in value.items()}  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: scrub(getattr(value, f.name), redact) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value
