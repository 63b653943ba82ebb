"""The domain of the coordination meeting: models, the durable store, forms, the meeting cycle, the ledger.

Subpackages: `store`, `forms`, `cycle`, `ledger`, `demo`, `notify` (reminders), `intake` (old ledgers),
`profile` (the district profile), `instance` (the instance folder). Top-level modules: `model` (typed
records), `units` (the profile's units), `accounts` (accounts and what an administrator does to them),
`passwords` (the password policy, with `common_passwords.txt`), `journal` (searching the audit journal),
`permissions`, `config` (the packaged defaults and the district's clock), `jsonvalue`, `yamlfile`
(strict YAML reading), and `rulebook` (attaches the cycle's and ledger's rules to the forms, and names
the fields the product reads). Data: `defaults/` (forms, site pages, mkdocs.yml, the demo district's profile).
May import: the standard library (smtplib and urllib for reminders too), TinyDB, PyYAML, argon2,
chinesecalendar, python-docx, openpyxl.
Never Starlette, MkDocs, `server`, `generator` or `cli`.
"""
