"""The meeting cycle's pages for the bureau and leaders: meetings, issue list, plan, minutes, approvals, Word papers.

May import: `xietiao`, Starlette, `server.context`, `server.downloads`, `server.forms.values`, `server.publisher`.
"""
