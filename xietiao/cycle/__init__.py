"""The meeting cycle: topic call, issue list, plan, materials, minutes, deadlines in working days, Word papers.

Lives here: `meetings` (the checked steps of one meeting), `issuelist`, `escalation` (to the city),
`plan`, `plan_draft` (the plan kept before it is sent), `materials` (who files, the checklist),
`materialpack` (the leader's .docx), `minutes`, `deadlines`, `workdays` (China's official calendar),
`documents` (.docx papers), `todo` (the bureau's to-do list).
May import: `xietiao.forms`, `xietiao.store`, `xietiao.ledger`, `xietiao.profile`, and the top-level domain modules.
"""
