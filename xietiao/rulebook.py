"""The domain's form rules, attached to the loaded form definitions in one place.

This is where the application is assembled from the domain's side: the form language
(`xietiao.forms`) knows only the shape of a rule, and each part of the meeting cycle and
the ledger defines its own; nothing below this module imports it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from xietiao.cycle.issuelist import ISSUE_RULE
from xietiao.cycle.materials import MATERIAL_RULE
from xietiao.forms.definitions import FormDef
from xietiao.forms.loader import load_forms
from xietiao.forms.rules import FormRule
from xietiao.ledger.items import CLOSURE_RULE, PROGRESS_RULE

RULES: dict[str, FormRule] = {
    "issue": ISSUE_RULE,
    "progress": PROGRESS_RULE,
    "closure": CLOSURE_RULE,
    "material": MATERIAL_RULE,
}


def with_rules(forms: dict[str, FormDef]) -> dict[str, FormDef]:
    """The same definitions, each carrying the domain rule of its name (if any)."""
    return {name: replace(form, rule=RULES.get(name)) for name, form in forms.items()}


def load_domain_forms(folder: Path) -> dict[str, FormDef]:
    """Every forms/*.yml of `folder`, with the domain's rules attached: what the server uses."""
    return with_rules(load_forms(folder))
