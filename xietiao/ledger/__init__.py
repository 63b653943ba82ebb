"""The ledger of agreed items (台账) and its three colours: registration, reports, closure, supervision.

Lives here: `items` (what happens to an agreed item), `view` (filtered rows, reports owed),
`colours` (the three-colour rule), `board` (project colours and per-unit counts),
`snapshots` (colour history), `supervision` (约谈/督办/通报), `export` (.xlsx and the bulletin).
May import: `xietiao.forms`, `xietiao.store`, `xietiao.profile`, and the top-level domain modules; not `xietiao.cycle`.
"""
