"""Content-Disposition for downloads: a plain ASCII name, and the Chinese name browsers show (RFC 6266)."""

from __future__ import annotations

import re
from urllib.parse import quote

_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/]')


def disposition(ascii_name: str, shown_name: str) -> dict[str, str]:
    """Headers naming a download; `shown_name` may hold any text (it is percent-encoded)."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", ascii_name) or "download"
    shown = _UNSAFE.sub("_", shown_name).strip() or fallback
    return {"content-disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(shown, safe='')}"}
