"""The search the site had before issue 16, kept to measure against: Material's lunr worker over
entries written from the data, segmented by jieba with a user dictionary and a sub-word field.

`site.py` builds a copy of a site with it; the other modules are the old generator/search ones.
"""
