"""Domain rules that a form's YAML cannot say: cross-record checks and what a submit sets in motion.

Each form may have a `check` (extra per-field errors, e.g. "this agreed item is not your
unit's") and an `after_submit` (e.g. an issue enters the pending list as "proposed").
Both run inside the same store batch as the save, so a refusal saves nothing. The rules
themselves live with the part of the domain they belong to; `xietiao.rulebook` attaches
them to the loaded forms, so this module imports none of its users.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xietiao.accounts import User
from xietiao.jsonvalue import Doc
from xietiao.store.engine import Store

Check = Callable[[Store, User, Doc], dict[str, list[str]]]
AfterSubmit = Callable[[Store, User, Doc], None]


@dataclass(frozen=True)
class FormRule:
    check: Check | None = None
    after_submit: AfterSubmit | None = None

    def extra_errors(self, store: Store, user: User, values: Doc) -> dict[str, list[str]]:
        return self.check(store, user, values) if self.check else {}

    def run_after_submit(self, store: Store, user: User, record: Doc) -> None:
        if self.after_submit:
            self.after_submit(store, user, record)
