"""The ledger's pages: filtered list, one item's record, reports owed, supervision, .xlsx and bulletin downloads.

May import: `xietiao`, Starlette, `server.context`, `server.downloads`, `server.forms.values`.
"""
