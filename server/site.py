"""Serving the built intranet site, which a publish may swap at any moment."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send


class SiteFiles(StaticFiles):
    """StaticFiles over the `site` symlink; before the first publish it answers 404, not 500."""

    async def check_config(self) -> None:
        # The folder may not exist yet (nothing published) or be mid-swap; the lookup
        # resolves the symlink on every request, so there is nothing to check once.
        return

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except FileNotFoundError:
            raise HTTPException(404) from None
