"""The domain of the coordination meeting: models, the durable store, forms, the meeting cycle, the ledger.

Subpackages: `store`, `forms`, `cycle`, `ledger`, `demo`. Top-level modules: `model` (typed
records), `units`, `accounts`, `permissions`, `config` (paths and the district's clock),
`jsonvalue`, `publication` (what the intranet site may show, and the flag's wording), and
`rulebook` (attaches the cycle's and ledger's rules to the forms).
May import: the standard library, TinyDB, PyYAML, argon2, chinesecalendar, python-docx, openpyxl.
Never Starlette, MkDocs, `server`, `generator` or `cli`.
"""
