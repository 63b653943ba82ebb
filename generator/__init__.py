"""The site generator: store → Markdown pages (Jinja2) → MkDocs build → search index → atomic swap.

Lives here: `build` (the publish pipeline), `sitedata`, `derive` and `views` (what pages show), `catalogue`
(which pages there are; each made again only when its data changed), `pages`, `changes` (what
changed since the last meeting), `blocks`, `links`, `markdown_safe` (user text made inert), `render`,
`svg`, `sitebuild` (the MkDocs step, in a child process); subpackages `search`, `output` (the built
site on disk: versions, manifests, compression, the stamp) and `incremental` (what a publish keeps).
May import: `xietiao`, MkDocs, Jinja2, brotli. Never `server` or `cli`.
"""
