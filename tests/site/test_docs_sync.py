"""The docs folder kept between builds (generator/output/docs.py): exactly the files given, written when they change."""

from __future__ import annotations

import os
from pathlib import Path

from generator.output.docs import digest, sync_docs


def _mtimes(docs: Path) -> dict[str, int]:
    return {p.relative_to(docs).as_posix(): p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}


def test_only_changed_files_are_written_and_the_folder_holds_exactly_the_files(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    files = {"index.md": "# 首页\n".encode(), "units/czj.md": b"# czj\n", "projects/P-1.md": b"# P-1\n"}
    digests = {rel: digest(data) for rel, data in files.items()}
    assert sync_docs(docs, files, digests) == 3
    first = _mtimes(docs)
    assert sync_docs(docs, files, digests) == 0 and _mtimes(docs) == first  # untouched: MkDocs sees no change
    # Written over from outside with bytes of the same length: not the file written last time, so written again.
    (docs / "units" / "czj.md").write_bytes(b"# xyz\n")
    assert sync_docs(docs, files, digests) == 1 and (docs / "units" / "czj.md").read_bytes() == b"# czj\n"
    # Without digests the bytes are compared; a changed page is written, a page gone goes with its folder.
    changed = {"index.md": "# 首页（新）\n".encode(), "units/czj.md": b"# czj\n"}
    assert sync_docs(docs, changed) == 1
    assert sorted(_mtimes(docs)) == ["index.md", "units/czj.md"] and not (docs / "projects").exists()
    assert (docs / "index.md").read_bytes() == changed["index.md"]
    assert not any(name.endswith(".tmp") for name in os.listdir(tmp_path))
