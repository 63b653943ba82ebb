"""The site's Chinese search: the segmenter's user dictionary, the search entries, the index, recall checks.

May import: `xietiao`, jieba/rjieba, and the generator's shared modules; never `server`.
"""
