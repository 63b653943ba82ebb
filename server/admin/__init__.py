"""The administrator's pages: accounts, the audit journal, the form definitions' versions.

Lives here: `accounts` (list, add, reset, deactivate, reactivate, unlock), `journal` (search the
audit journal; read only: there is no route that changes it), `forms` (each form's versions and
what a changed definition means for the records already filed).
May import: `xietiao`, Starlette, `server.context`, `server.auth.sessions`, `server.forms.values`.
"""
