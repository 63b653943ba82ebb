"""The instance folder: everything one district owns (profile, forms, site content, MkDocs configuration, data, site).

Lives here: `layout` (where an instance keeps each thing, and the package's defaults it falls back
to), `create` (`xietiao init`: a new instance folder from the defaults).
May import: the standard library, `xietiao.config`, `xietiao.profile`, `xietiao.store`.
"""
