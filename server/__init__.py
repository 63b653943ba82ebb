"""Form server: Starlette app, pages for units, the bureau and leaders, JSON API."""
