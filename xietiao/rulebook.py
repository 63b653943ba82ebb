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
from xietiao.forms.definitions import FieldType, FormDef, FormDefinitionError, Problem
from xietiao.forms.loader import load_forms
from xietiao.forms.rules import FormRule
from xietiao.ledger.items import CLOSURE_RULE, PROGRESS_RULE

RULES: dict[str, FormRule] = {
    "issue": ISSUE_RULE,
    "progress": PROGRESS_RULE,
    "closure": CLOSURE_RULE,
    "material": MATERIAL_RULE,
}


T = FieldType
TEXTS = (T.TEXT, T.TEXTAREA)
# The fields the product's own pages, documents, exports and site read by name (the ledger, the
# issue list, the minutes, project pages, ...). A district may relabel them, add fields and change
# anything else; these keep their name and a type the readers understand, in every version of the form.
RELIED_ON: dict[str, dict[str, tuple[FieldType, ...]]] = {
    "project": {
        "name": TEXTS,
        "overview": TEXTS,
        "category": (T.SELECT, T.TEXT),
        "owner": TEXTS,
        "lead_unit": (T.UNIT,),
        "town": (T.SELECT, T.UNIT, T.TEXT),
        "plans": (T.MULTISELECT,),
        "investment": (T.DECIMAL,),
        "milestones": (T.GROUP,),
        "milestones.node": (T.SELECT, T.TEXT),
        "milestones.task": TEXTS,
        "milestones.planned": (T.DATE,),
        "milestones.done": (T.DATE,),
        "persons": (T.GROUP,),
        "persons.person": (T.PERSON,),
        "persons.role": TEXTS,
    },
    "issue": {
        "project": (T.PROJECT,),
        "kind": (T.SELECT, T.TEXT),
        "problem": TEXTS,
        "urgency": (T.SELECT,),
        "ask": TEXTS,
        "co_units": (T.UNIT,),
        "city_reason": TEXTS,
    },
    "material": {"project": (T.PROJECT,), "overview": TEXTS, "progress": TEXTS, "problems": TEXTS, "ask": TEXTS},
    "progress": {
        "item": (T.TEXT,),
        "month": (T.MONTH,),
        "status": (T.SELECT,),
        "progress": TEXTS,
        "next_steps": TEXTS,
        "difficulties": TEXTS,
        "percent": (T.INTEGER,),
    },
    "closure": {
        "item": (T.TEXT,),
        "solved": TEXTS,
        "done": (T.DATE,),
        "evidence": (T.ATTACHMENT,),
        "contact": (T.PERSON,),
    },
}


def relied_on_problems(forms: dict[str, FormDef]) -> list[Problem]:
    """Every field the product reads that a definition lacks or gives a type the readers cannot take."""
    problems: list[Problem] = []
    for name, wanted in RELIED_ON.items():
        form = forms.get(name)
        if form is None:
            problems.append(
                Problem(f"{name}.yml", "(文件)", f"缺少表单 {name}", f"系统的流程需要 {name}.yml，请恢复它")
            )
            continue
        have = {f.name: f for f in form.fields()} | {f"{f.name}.{c.name}": c for f in form.fields() for c in f.fields}
        file = form.path.name if form.path else f"{name}.yml"
        for path, types in wanted.items():
            kinds = " 或 ".join(t.value for t in types)
            found = have.get(path)
            if found is None:
                rule = f"缺少字段 {path}：台账、例会文书、内网站点等按这个名字读取它"
                problems.append(
                    Problem(file, path, rule, f"保留字段名 {path}（类型 {kinds}）；只想改显示的名称就改 label")
                )
            elif found.type not in types:
                rule = f"字段 {path} 的类型 {found.type.value} 系统无法读取"
                problems.append(Problem(file, path, rule, f"类型改回 {kinds}；需要别的类型请另加一个新名字的字段"))
    return problems


def with_rules(forms: dict[str, FormDef]) -> dict[str, FormDef]:
    """The same definitions, each carrying the domain rule of its name (if any)."""
    return {name: replace(form, rule=RULES.get(name)) for name, form in forms.items()}


def load_domain_forms(folder: Path) -> dict[str, FormDef]:
    """Every forms/*.yml of `folder`, checked for the fields the product reads, with the domain's rules attached."""
    forms = load_forms(folder)
    problems = relied_on_problems(forms)
    if problems:
        raise FormDefinitionError(problems)
    return with_rules(forms)
