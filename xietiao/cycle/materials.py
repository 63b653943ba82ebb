"""Who may file meeting material for a project: its own unit, or a unit that raised an issue on it."""

from __future__ import annotations

from xietiao.accounts import User
from xietiao.forms.rules import FormRule
from xietiao.jsonvalue import Doc
from xietiao.model import Role
from xietiao.store.engine import Store
from xietiao.units import same_unit


def _data(doc: Doc) -> Doc:
    data = doc.get("data")
    return data if isinstance(data, dict) else {}


def may_file_for(store: Store, user: User, project: Doc) -> bool:
    if user.role is not Role.UNIT:
        return True  # the bureau files on anyone's behalf
    if same_unit(project.get("unit"), user.unit) or same_unit(_data(project).get("lead_unit"), user.unit):
        return True
    number = project.get("number")
    return bool(
        store.all(
            "issue",
            lambda d: (
                same_unit(d.get("unit"), user.unit) and _data(d).get("project") == number and d.get("status") != "draft"
            ),
        )
    )


def check_material(store: Store, user: User, values: Doc) -> dict[str, list[str]]:
    number = str(values.get("project") or "")
    project = store.get("project", number)
    if project is None:
        return {"project": [f"“所属项目”{number} 不存在：请从列表中选择已登记的项目。"]}
    if not may_file_for(store, user, project):
        return {"project": [f"项目 {number} 不由本单位负责，本单位也未就它申报议题：上会材料由项目的责任单位报送。"]}
    return {}


MATERIAL_RULE = FormRule(check=check_material)
