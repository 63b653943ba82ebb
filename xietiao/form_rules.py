"""Domain rules that a form's YAML cannot say: cross-record checks and what a submit sets in motion.

Each form may have a `check` (extra per-field errors, e.g. "this agreed item is not your
unit's") and an `after_submit` (e.g. an issue enters the pending list as "proposed").
Both run inside the same store batch as the save, so a refusal saves nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .accounts import User
from .jsonvalue import Doc
from .store import Store

Check = Callable[[Store, User, Doc], dict[str, list[str]]]
AfterSubmit = Callable[[Store, User, Doc], None]


@dataclass(frozen=True)
class FormRule:
    check: Check | None = None
    after_submit: AfterSubmit | None = None


def _table() -> dict[str, FormRule]:
    # Imported here because those modules import the submission machinery themselves.
    table: dict[str, FormRule] = {}
    from .issuelist import ISSUE_RULE; table["issue"] = ISSUE_RULE  # (meeting cycle)
    from .ledger import CLOSURE_RULE, PROGRESS_RULE; table["progress"] = PROGRESS_RULE; table["closure"] = CLOSURE_RULE
    from .material_rules import MATERIAL_RULE; table["material"] = MATERIAL_RULE
    return table


def extra_errors(form: str, store: Store, user: User, values: Doc) -> dict[str, list[str]]:
    rule = _table().get(form)
    return rule.check(store, user, values) if rule and rule.check else {}


def after_submit(form: str, store: Store, user: User, record: Doc) -> None:
    rule = _table().get(form)
    if rule and rule.after_submit:
        rule.after_submit(store, user, record)
