"""Character folding shared by the index and the site's search script: one character in, one out.

Full-width letters, digits and punctuation become their ASCII forms and letters lower case, so
"Ｐ－２０２６" finds "P-2026". Folding never changes the number of characters: positions in the
folded text are positions in the text the reader sees. content/javascripts/search.js folds the same way.
"""

from __future__ import annotations

import unicodedata

_TABLE: dict[int, str] = {}


def fold_char(c: str) -> str:
    folded = unicodedata.normalize("NFKC", c)
    if len(folded) != 1:
        folded = c
    lower = folded.lower()
    folded = lower if len(lower) == 1 else folded
    return " " if folded.isspace() else folded


def fold(text: str) -> str:
    """The text folded character by character (same length); any white space becomes a plain space."""
    missing = {ord(c) for c in set(text)} - _TABLE.keys()
    for code in missing:
        _TABLE[code] = fold_char(chr(code))
    return text.translate(_TABLE)
