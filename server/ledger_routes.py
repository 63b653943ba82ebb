"""Ledger, monthly reports, closure and supervision pages (filled in by the ledger work)."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    return []
