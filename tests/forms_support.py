"""What the form-check tests share: a fixed Lookup and a way to define a small form inline."""

from __future__ import annotations

from typing import ClassVar

from xietiao.config import FORMS_DIR
from xietiao.forms.check import Checked, check_submission
from xietiao.forms.definitions import FormDef
from xietiao.forms.loader import load_form_text
from xietiao.jsonvalue import JSONValue

FORMS = FORMS_DIR
SHA_PDF = "a" * 64
SHA_PNG = "b" * 64
PDF = {"sha256": SHA_PDF, "name": "批复.pdf", "size": 1000, "mime": "application/pdf"}
PNG = {"sha256": SHA_PNG, "name": "现场.png", "size": 2000, "mime": "image/png"}


class Known:
    """The simplest Lookup: fixed sets of what exists."""

    units: ClassVar[set[str]] = {"区发展改革局", "区财政局", "东城街道", "区自然资源和规划分局"}
    projects: ClassVar[set[str]] = {"P-2026-0001", "P-2026-0002"}
    attachments: ClassVar[set[str]] = {SHA_PDF, SHA_PNG}

    def unit_exists(self, name: str) -> bool:
        return name in self.units

    def project_exists(self, number: str) -> bool:
        return number in self.projects

    def attachment_exists(self, sha256: str) -> bool:
        return sha256 in self.attachments


def define(fields: str, extra: str = "") -> FormDef:
    body = "\n".join("      " + line for line in fields.strip("\n").splitlines())
    return load_form_text("demo", f"title: 示例\nprefix: D\n{extra}sections:\n  - title: 一\n    fields:\n{body}\n")


def check(form: FormDef, data: dict[str, object], *, complete: bool = True) -> Checked:
    return check_submission(form, data, Known(), complete=complete)


def one(form: FormDef, value: object) -> tuple[JSONValue, list[str]]:
    """Check a single field named v; returns its stored value and its messages."""
    got = check(form, {"v": value}, complete=False)
    return got.values.get("v"), got.errors.get("v", [])


# Small forms of one field `v` each, one per field type.
TEXT = define("- {name: v, type: text, label: 项目名称, required: true, max_length: 6, min_length: 2}")
INTEGER = define("- {name: v, type: integer, label: 完成比例（%）, min: 0, max: 100}")
DECIMAL = define("- {name: v, type: decimal, label: 总投资（万元）, min: 0}")
DATE = define("- {name: v, type: date, label: 计划日期, min: 2020-01-01}")
MONTH = define("- {name: v, type: month, label: 报告月份, max: '2030-12'}")
SELECTS = define("""
- {name: v, type: select, label: 项目类别, choices: [产业, 交通, 能源]}
- {name: m, type: multiselect, label: 所属计划, choices: [甲计划, 乙计划, 丙计划]}
""")
UNITS = define("""
- {name: v, type: unit, label: 责任单位}
- {name: many, type: unit, multiple: true, label: 协调单位}
""")
PROJECT = define("- {name: v, type: project, label: 所属项目}")
PERSON = define("- {name: v, type: person, label: 联系人}")
ATTACH = define("""
- {name: v, type: attachment, label: 批复文件, accept: [pdf], max_mb: 1}
- {name: many, type: attachment, multiple: true, label: 佐证材料, accept: [pdf, png]}
""")

# Forms with conditions and repeated rows.
COND = define("""
- {name: needs_city, type: yesno, label: 需报市级协调}
- {name: city_reason, type: textarea, label: 市级协调理由, required: true, when: {field: needs_city, equals: true}}
- {name: status, type: select, label: 状态, choices: [正常, 困难]}
- {name: trouble, type: text, label: 困难, required: true, when: {field: status, equals: 困难}}
- {name: detail, type: text, label: 困难细节, when: {field: trouble, filled: true}}
""")
GROUP = define("""
- {name: flag, type: yesno, label: 有备注}
- name: milestones
  type: group
  label: 时间节点
  required: true
  min_rows: 2
  max_rows: 3
  fields:
    - {name: node, type: select, label: 阶段, required: true, choices: [开工, 竣工, 其他]}
    - {name: other, type: text, label: 其他说明, required: true, when: {field: node, equals: 其他}}
    - {name: date, type: date, label: 计划日期, required: true}
    - {name: note, type: text, label: 备注, when: {field: flag, equals: true}}
""")
ROW_A = {"node": "开工", "date": "2026-12-01"}
ROW_B = {"node": "竣工", "date": "2027-06-30"}
