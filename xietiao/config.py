"""Where things are: the defaults shipped with the package, and the district's clock.

The package carries a complete instance's worth of defaults (forms, site content, MkDocs
configuration, the demo district's profile); an instance folder overrides any of them.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULTS = Path(__file__).resolve().parent / "defaults"
FORMS_DIR = DEFAULTS / "forms"
CONTENT_DIR = DEFAULTS / "content"
MKDOCS_YML = DEFAULTS / "mkdocs.yml"
DEMO_PROFILE = DEFAULTS / "district.yml"
DISTRICT_TZ = ZoneInfo("Asia/Shanghai")


def district_now() -> datetime:
    """Wall-clock time in the district; only edges (CLI, server) call this."""
    return datetime.now(DISTRICT_TZ)


def district_today() -> date:
    return district_now().date()
