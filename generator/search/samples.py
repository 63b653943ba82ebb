"""Queries for measuring the search's recall: dictionary words and substrings that cross words.

Used by the tests and the benchmark, never by the build. Words come from jieba's own dictionary
(the site's index uses no dictionary at all, so every such word is held out): what a reader might
type. Cross-word substrings are random 2 to 4 characters of a text that start inside one jieba word
and end inside the next: what a reader types when the phrase they remember is not a dictionary word.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Iterable
from typing import Any

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")

Pair = tuple[str, str]  # (query, address of the page that must be found)


def _tokenizer() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    return tk


def sample_words(texts: Iterable[Pair], count: int, seed: int = 7) -> list[Pair]:
    """(word, page) pairs: jieba's search-mode words of two or more Han characters from each text."""
    tk = _tokenizer()
    pairs: set[Pair] = set()
    for text, page in texts:
        for word in tk.cut_for_search(text):
            if len(word) >= 2 and HAN.fullmatch(word):
                pairs.add((word, page))
    ordered = sorted(pairs)
    return random.Random(seed).sample(ordered, min(count, len(ordered)))


def sample_crossing(texts: Iterable[Pair], count: int, seed: int = 11) -> list[Pair]:
    """(substring, page) pairs: 2 to 4 letters, digits or Han characters across a jieba word boundary."""
    tk = _tokenizer()
    rng = random.Random(seed)
    found: set[Pair] = set()
    for text, page in sorted(set(texts)):
        ends = [end for _, _, end in tk.tokenize(text)][:-1]
        rng.shuffle(ends)
        for boundary in ends[:3]:
            size = rng.randint(2, 4)
            start = boundary - rng.randint(1, size - 1)
            piece = text[start : start + size]
            if start >= 0 and len(piece) == size and all(c.isalnum() for c in piece):
                found.add((piece, page))
    ordered = sorted(found)
    return rng.sample(ordered, min(count, len(ordered)))
