"""The meeting cycle's pages for the bureau and leaders: meetings, issue list, plan, minutes, approvals, Word papers.

Escalation to the city (`city`) has its leader's decision, Word request and the bureau's steps here too.
May import: `xietiao`, Starlette, `server.context`, `server.downloads`, `server.forms` (values, the record page),
`server.publisher`.
"""
