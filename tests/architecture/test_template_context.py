"""Macros that read the page's context (district, user, csrf, today) are imported with it."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "server" / "templates"
CONTEXT_NAMES = ("district", "user", "csrf", "today")
IMPORT = re.compile(r'{%-?\s*(?:from|import)\s+"([^"]+)"[^%]*?%}')


def _reads_context(source: str) -> list[str]:
    return [n for n in CONTEXT_NAMES if re.search(r"\b" + n + r"\b\s*(?:\.|\||\}|\))", source)]


def test_macro_imports_carry_the_context_they_read() -> None:
    wrong: list[str] = []
    for page in sorted(TEMPLATES.glob("*.html")):
        for match in IMPORT.finditer(page.read_text(encoding="utf-8")):
            imported = TEMPLATES / match.group(1)
            names = _reads_context(imported.read_text(encoding="utf-8"))
            if names and "with context" not in match.group(0):
                wrong.append(f"{page.name} imports {imported.name} (reads {', '.join(names)}) without context")
    assert wrong == []


def test_pages_name_the_district_through_its_profile() -> None:
    """Another district installs the same templates: its bureau, government and leaders come from district.yml."""
    demo_words = ("区发展改革局", "区政府", "区领导")
    found = [
        f"{page.name}:{n}"
        for page in sorted(TEMPLATES.glob("*.html"))
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1)
        if any(w in line for w in demo_words)
    ]
    assert found == []
