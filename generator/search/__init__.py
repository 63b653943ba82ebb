"""The site search: built from the published pages after MkDocs, loaded a shard at a time by the site's script.

Lives here: `stage` (`build_search(site_dir, cache_dir)`, the stage a publish runs), `pagetext` (a built
page's title, sections and links), `fold` (character folding shared with the script), `index` (the
character-bigram postings and their shards), `pagecache` (what was made of each page and of each run of
pages, kept between builds: a publish reads only pages whose searchable part changed), `query` (the
script's query in Python, for tests and the benchmark), `samples` (recall queries; uses jieba, never
used by the build).
May import: `xietiao` and the generator's shared modules; never `server`.
"""
