"""Bureau and leader pages of the meeting cycle (filled in by the meeting-cycle work)."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    return []
