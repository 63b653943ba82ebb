"""The publish stamp, stamp.json at the site's root: which minutes the data reflects, when and why it changed.

Pages do not carry it themselves (a time on every page would change every page on every publish);
javascripts/stamp.js reads it into the line under each page's title.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

STAMP_FILE = "stamp.json"


@dataclass(frozen=True)
class Stamp:
    published: str  # ISO date and time of the publish that last changed the site
    published_zh: str  # the same as pages show it: 2026年11月28日 15:30
    reason: str  # what changed, in Chinese (never a number or a name: kinds of change only)
    basis: str  # which approved minutes the site reflects, in Chinese


def write_stamp(site: Path, stamp: Stamp) -> None:
    path = site / STAMP_FILE
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(asdict(stamp), ensure_ascii=False, sort_keys=True), "utf-8")
    os.replace(tmp, path)


def read_stamp(site: Path) -> Stamp | None:
    """The live site's stamp, or None when there is no site (or no readable stamp)."""
    try:
        return Stamp(**json.loads((site / STAMP_FILE).read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def published_day(site: Path) -> date | None:
    """The day the live site last changed, from its stamp."""
    stamp = read_stamp(site)
    try:
        return datetime.fromisoformat(stamp.published).date() if stamp else None
    except ValueError:
        return None
