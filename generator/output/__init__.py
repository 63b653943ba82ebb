"""The built site on disk: the Markdown sources kept between builds, version folders and the atomic
switch, each version's manifest, precompressed copies, and the publish stamp.

Lives here: `docs` (the persistent docs folder), `manifest` (what a version was built from), `versions`
(clone by hard links, switch, prune, the check that the live version was not touched), `compress`
(gzip and Brotli copies), `stamp` (stamp.json: which publish the site reflects), `offline` (the
theme's scripts sealed against outside hosts).
May import: `xietiao`, the standard library, brotli. Never `server` or `cli`.
"""
