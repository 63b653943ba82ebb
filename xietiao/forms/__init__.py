"""The form language: definitions read from forms/*.yml, checking, JSON Schema, attachments, submissions.

Lives here: `definitions` (the typed model), `loader` and `fields` (reading YAML, every problem
reported), `check` (clean values or per-field errors), `schema` (JSON Schema for the API),
`attachments` (sniffed, bounded, content-addressed files), `rules` (the shape of a
cross-record rule), `submissions` (draft → submitted → returned → accepted), `versions` (every
definition a form has had, and which one each record was filed under), `compat` (what a changed
definition means for the records already filed; old drafts carried onto today's form).
May import: `xietiao.store`, `xietiao.accounts`, `xietiao.model`, `xietiao.units`, `xietiao.jsonvalue`.
Never the meeting cycle or the ledger: their rules are attached by `xietiao.rulebook`.
"""
