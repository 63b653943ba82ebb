"""The site generator: store → Markdown pages (Jinja2) → MkDocs build → atomic swap of the live site.

Lives here: `build` (the publish pipeline), `sitedata` and `views` (what pages show), `pages`,
`blocks`, `links`, `markdown_safe` (user text made inert), `render`, `svg`, `offline`,
`sitebuild` (the MkDocs step); subpackage `search`.
May import: `xietiao`, MkDocs, Jinja2. Never `server` or `cli`.
"""
