"""Where things are: the repository's folders and the district's clock."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
FORMS_DIR = REPO / "forms"
CONTENT_DIR = REPO / "content"
MKDOCS_YML = REPO / "mkdocs.yml"
DISTRICT_TZ = ZoneInfo("Asia/Shanghai")


def district_now() -> datetime:
    """Wall-clock time in the district; only edges (CLI, server) call this."""
    return datetime.now(DISTRICT_TZ)


def district_today() -> date:
    return district_now().date()
