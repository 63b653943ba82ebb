"""Logging in and out: the login pages and API, server-side sessions, CSRF tokens, login throttling.

Also each user changing their own password (`password`).

May import: `xietiao`, Starlette, `server.context` and `server.security`.
"""
