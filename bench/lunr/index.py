"""Chinese segmentation of the built search index, cached between builds, with sub-words added."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from bench.lunr.dictionary import Segmenter
from bench.lunr.documents import merge_entries

# Bump when segmentation or the entry layout changes: every cached entry is then redone.
CACHE_VERSION = 2
CACHE_FILE = "segments.json"
Entry = list[str]  # [segmented title, segmented text, tails of long words joined by U+200B]


@dataclass(frozen=True)
class IndexStats:
    entries: int
    segmented: int  # entries that were not in the cache
    bytes: int


class SegmentCache:
    """Segmented index entries by content hash, kept while the user dictionary allows.

    jieba's result for a text can change only if a word added to or removed from the
    dictionary occurs in it, so a cached entry is reused unless its text contains one.
    """

    def __init__(self, folder: Path, words: dict[str, int], segmenter_version: str) -> None:
        self.path = folder / CACHE_FILE
        self.stamp = f"{CACHE_VERSION}/{segmenter_version}"
        self.words = words
        self._old: dict[str, Entry] = {}
        self._new: dict[str, Entry] = {}
        self._changed: re.Pattern[str] | None = None
        self._load()

    def _load(self) -> None:
        try:
            saved = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return  # no cache, or a torn one: everything is segmented afresh
        if not isinstance(saved, dict) or saved.get("stamp") != self.stamp:
            return
        old_words: dict[str, int] = saved.get("words", {})
        changed = {w for w in set(old_words) | set(self.words) if old_words.get(w) != self.words.get(w)}
        if changed:
            self._changed = re.compile("|".join(map(re.escape, sorted(changed, key=len, reverse=True))))
        self._old = saved.get("entries", {})

    @staticmethod
    def key(raw: str) -> str:
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()

    def get(self, key: str, raw: str) -> Entry | None:
        entry = self._new.get(key) or self._old.get(key)
        if entry is None or (self._changed is not None and self._changed.search(raw)):
            return None
        self._new[key] = entry
        return entry

    def put(self, key: str, entry: Entry) -> None:
        self._new[key] = entry

    def save(self) -> None:
        """Keep what this build used, nothing older; written whole and then renamed."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        data = {"stamp": self.stamp, "words": self.words, "entries": self._new}
        tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
        os.replace(tmp, self.path)


def segment_entry(seg: Segmenter, title: str, text: str) -> Entry:
    title_out, title_tokens = seg.segment(title)
    text_out, text_tokens = seg.segment(text)
    tokens = set(title_tokens) | set(text_tokens)
    tails = {s for t in tokens for s in seg.subwords(t)} - tokens
    # A tail that begins another indexed word is found through that word already.
    ordered = sorted(tails | tokens)
    kept = [w for w, nxt in zip(ordered, [*ordered[1:], ""], strict=False) if w in tails and not nxt.startswith(w)]
    return [title_out, text_out, "\u200b".join(kept)]


def segment_index(index_file: Path, seg: Segmenter, cache: SegmentCache, entries: Path | None = None) -> IndexStats:
    """Rewrite Material's search_index.json with segmented text and a `subwords` field.

    `entries` (searchdocs.py) are added first: the generated pages' own entries.
    """
    data = json.loads(index_file.read_text("utf-8"))
    if entries is not None:
        merge_entries(data, entries)
    fresh = 0
    for doc in data["docs"]:
        title, text = doc.get("title", ""), doc.get("text", "")
        raw = f"{title}\x1f{text}"
        key = cache.key(raw)
        entry = cache.get(key, raw)
        if entry is None:
            entry = segment_entry(seg, title, text)
            cache.put(key, entry)
            fresh += 1
        doc["title"], doc["text"] = entry[0], entry[1]
        if entry[2]:
            doc["subwords"] = entry[2]
    out = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    index_file.write_text(out, "utf-8")
    return IndexStats(len(data["docs"]), fresh, len(out.encode("utf-8")))
