"""Logging in and out: the login pages and API, server-side sessions, CSRF tokens, login throttling.

May import: `xietiao`, Starlette, `server.context` and `server.security`.
"""
