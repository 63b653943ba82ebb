"""The command line and the wiring above the domain: `xietiao init|demo|build|serve|user|backup|restore`.

Lives here: argument parsing (`main`) and the assembly of one server from its parts (`assemble`).
May import: `xietiao`, `server`, `generator`, uvicorn. Nothing imports `cli`.
"""
