"""The meeting cycle: topic call, issue list, plan, materials, minutes, deadlines in working days, Word papers.

Lives here: `meetings` (the checked steps of one meeting), `issuelist`, `escalation` (to the city),
`plan`, `materials` (who files, the checklist), `materialpack` (the leader's .docx), `minutes`,
`deadlines`, `workdays` (China's official calendar), `documents` (.docx papers).
May import: `xietiao.forms`, `xietiao.store`, `xietiao.ledger`, `xietiao.profile`, and the top-level domain modules.
"""
