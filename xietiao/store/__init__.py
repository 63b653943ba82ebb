"""The storage engine: TinyDB partitions in memory, atomic durable files, redo batches, backups.

Lives here: `engine` (the Store), `durable` (fsync'd replace, the data-dir lock), `redo`
(multi-file batches), `partition` (one file of the store), `backup`.
May import: `xietiao.config`, `xietiao.jsonvalue`, TinyDB. Nothing else of the domain.
"""
