"""The domain of the coordination meeting: models, the durable store, forms, the meeting cycle, the ledger.

Subpackages: `store`, `forms`, `cycle`, `ledger`, `demo`, `notify` (reminders), `intake` (old ledgers).
Top-level modules: `model` (typed records), `units`, `accounts` (accounts and what an administrator does
to them), `passwords` (the password policy, with `common_passwords.txt`), `journal` (searching the audit
journal), `permissions`, `config` (paths and the district's clock), `jsonvalue`, and `rulebook` (attaches
the cycle's and ledger's rules to the forms, and names the fields the product reads).
May import: the standard library (smtplib and urllib for reminders too), TinyDB, PyYAML, argon2,
chinesecalendar, python-docx, openpyxl.
Never Starlette, MkDocs, `server`, `generator` or `cli`.
"""
