"""The search stage: run after MkDocs over the built site, it writes the site's search index.

The publish pipeline (generator/build.py, generator/sitebuild.py) calls build_search_index() once per
publish, full or incremental, with the whole page set: the site folder then holds every page, those
rebuilt now and those kept (hard links) from the live version. A stage may cache per page between
publishes in `job.cache`; `job.changed` says which pages this publish wrote, as a hint.

Rules for any stage: write each output file anew (a temporary name, then rename), never open an
existing file of the site for writing, since the folder's files may be hard links into the live
site; write only under `job.site`; a file left from the previous publish that the stage does not
write again is removed before it runs (only MkDocs' own output is kept).

Today's stage completes Material's lunr index: the search plugin indexed the hand-written pages
(rebuilt on every publish for that reason), the generated pages get their entries from the data
(documents.py), and every entry is segmented into Chinese words (index.py), cached by content.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.search.dictionary import Segmenter, read_user_dict
from generator.search.index import SegmentCache, segment_index


@dataclass(frozen=True)
class SearchJob:
    site: Path  # the built site: every page (rebuilt or kept), pruned to MkDocs' own output
    pages: tuple[str, ...]  # every HTML page, relative to `site`, sorted
    changed: frozenset[str]  # the pages this publish wrote (all of them in a full build)
    entries: Path  # JSON list of the generated pages' entries from the data: location, title, text
    user_dict: Path  # the segmenter's user dictionary (project names and other long words)
    cache: Path  # a folder kept between publishes, for this stage alone


def build_search_index(job: SearchJob) -> dict[str, int]:
    """Write the index into `job.site`; returns figures (entries, segmented afresh, reused, bytes)."""
    words = read_user_dict(job.user_dict)
    segmenter = Segmenter(words)
    cache = SegmentCache(job.cache, words, segmenter.version())
    stats = segment_index(job.site / "search" / "search_index.json", segmenter, cache, job.entries)
    cache.save()
    return {
        "entries": stats.entries,
        "segmented": stats.segmented,
        "reused": stats.entries - stats.segmented,
        "bytes": stats.bytes,
        "pages": len(job.pages),
        "changed_pages": len(job.changed),
    }
