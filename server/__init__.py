"""The form server: the Starlette app, pages for units, the bureau and leaders, the JSON API, the site.

Lives here: `app` (routes and middleware), `context` (state, user, write guards), `security`,
`site` (serving the built site), `publisher` (one background publish at a time), `dashboard`,
`bureau_routes`, `downloads`, `unit_admin` (the admin's unit pages); subpackages `auth`, `forms`, `cycle`,
`ledger`, `admin` (accounts, the audit journal, form versions), `notify` (the reminder scheduler and the
admin's notifications page).
May import: `xietiao`, Starlette, Jinja2. Never `generator` or `cli`: the site builder is injected.
"""
