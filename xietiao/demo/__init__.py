"""Demo data: a deterministic, plausible history of meetings, items, reports and closures for every role.

Lives here: `generate` (the entry point and scales demo/1y/5y), `history` (meetings week by
week), `followups` (closures waiting, materials owed, the city, explanations), `names` (word
lists and sentence builders).
May import: anything in the domain; nothing in the domain imports it.
"""
