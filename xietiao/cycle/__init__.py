"""The meeting cycle: topic call, issue list, plan, materials, minutes, deadlines in working days, Word papers.

Lives here: `meetings` (the checked steps of one meeting), `issuelist`, `plan`, `materials`,
`minutes`, `deadlines`, `workdays` (China's official calendar), `documents` (.docx papers),
`plan_draft` (the plan kept before it is sent), `todo` (the bureau's to-do list).
May import: `xietiao.forms`, `xietiao.store`, `xietiao.ledger`, and the top-level domain modules.
"""
