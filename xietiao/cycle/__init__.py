"""The meeting cycle: topic call, issue list, plan, materials, minutes, deadlines in working days, Word papers.

Lives here: `meetings` (the checked steps of one meeting), `issuelist`, `plan`, `materials`,
`minutes`, `deadlines`, `workdays` (China's official calendar), `documents` (.docx papers).
May import: `xietiao.forms`, `xietiao.store`, `xietiao.ledger`, `xietiao.profile`, and the top-level domain modules.
"""
