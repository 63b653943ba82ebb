"""Reminders in the server: the background scheduler started with the app, and the admin's notifications page.

Lives here: `service` (the asyncio task: a daily pass on working days, events, deliveries with
back-off; idle otherwise), `routes` (/app/admin/notifications).
May import: `xietiao` (notify and the rest of the domain), Starlette, `server.context`.
"""
