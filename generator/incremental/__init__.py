"""What one publish keeps for the next, so that a small change costs little at five years of data.

Lives here: `records` (what the site made of each file of the store, by the file's version) and
`tracking` (what each page read of the site data, to tell whether it could have changed).
May import: `xietiao.jsonvalue` and the standard library only.
"""
