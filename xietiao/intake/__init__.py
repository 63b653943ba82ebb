"""Bringing a district's old Excel ledger in: read the workbook, map its columns, check each row, import in one batch.

Lives here: `sheet` (the workbook as a grid of text with merged cells filled, header detection,
the fields a column can map to), `values` (dates in Excel and Chinese forms, units, statuses, meetings),
`rows` (each data row checked into an item to import, or the problems that stop it),
`apply` (projects, meetings and items written in one store batch, counters moved past the imported numbers).
May import: openpyxl, `xietiao.store`, `xietiao.ledger`, `xietiao.cycle` and the top-level domain modules.
"""
