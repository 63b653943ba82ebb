"""The meeting's material pack (上会材料汇编): every planned project's material in one .docx for the leader.

In plan order, after a contents list: each project's received material laid out by the form's own
sections and labels. The pack is for the leader's desk, not the site, so parts kept off the site
are included and marked 【不公开（仅内部）】; a project whose material is missing or sent back says so.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH

from xietiao.cycle import documents as paper
from xietiao.cycle.materials import Checklist, MaterialRow, material_checklist
from xietiao.forms.definitions import FieldDef, FieldType, FormDef
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.ledger.colours import zh_date
from xietiao.store.engine import Store

T = FieldType
INTERNAL = "【不公开（仅内部）】"
# Fields that say where the material belongs rather than what it says.
SKIPPED = ("project", "meeting", "confidential")


def _text(f: FieldDef, value: JSONValue) -> str:
    """A stored value as one plain line (user text stays text: the paper module drops what XML cannot hold)."""
    if value is None or value in ("", []):
        return "—"
    if f.type is T.YESNO:
        return "是" if value is True else "否"
    if f.type is T.PERSON and isinstance(value, dict):
        return f"{value.get('name') or ''}（{value.get('phone') or ''}）"
    if f.type is T.ATTACHMENT:
        refs = value if isinstance(value, list) else [value]
        return "、".join(str(r.get("name")) for r in refs if isinstance(r, dict)) or "—"
    if f.type is T.GROUP and isinstance(value, list):
        rows = []
        for row in value:
            if isinstance(row, dict):
                cells = [_text(c, row.get(c.name)) for c in f.fields if row.get(c.name) not in (None, "", [])]
                rows.append("，".join(cells))
        return "；".join(f"{n}. {r}" for n, r in enumerate(rows, 1)) or "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _data(record: Doc) -> Doc:
    data = record.get("data")
    return data if isinstance(data, dict) else {}


def _internal(record: Doc) -> bool:
    return bool(record.get("confidential")) or _data(record).get("confidential") is True


def _contents(doc: DocxDocument, checklist: Checklist, extra: list[Doc]) -> None:
    paper._para(doc, "目　录", font=paper.HEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    for n, row in enumerate(checklist.rows, start=1):
        mark = INTERNAL if row.confidential else ""
        paper._para(doc, f"{n}. {mark}{row.name}（{row.project}）　{row.unit}　{row.label}", indent=False)
    for n, record in enumerate(extra, start=len(checklist.rows) + 1):
        project = _data(record).get("project")
        paper._para(doc, f"{n}. 方案外：{project}（{record['number']}）　{record.get('unit')}", indent=False)


def _material(doc: DocxDocument, form: FormDef, record: Doc) -> None:
    data = _data(record)
    whole = _internal(record)
    if whole:
        paper._para(doc, f"{INTERNAL}本材料整份不公开，只供会议内部使用。", font="楷体_GB2312")
    filed = str(record.get("updated") or record.get("created") or "")[:10]
    paper._para(doc, f"报送单位：{record.get('unit')}　材料编号：{record['number']}　报送日期：{filed}", indent=False)
    for section in form.sections:
        shown = [f for f in section.fields if f.name not in SKIPPED and f.type is not T.ATTACHMENT]
        if not shown:
            continue
        paper._para(doc, section.title, font="楷体_GB2312", bold=True)
        for f in shown:
            value = data.get(f.name)
            if f.confidential and value in (None, "", []):
                continue
            label = f"{INTERNAL if f.confidential and not whole else ''}{f.label}："
            paper._labelled(doc, label, _text(f, value))
    names = _text(form.field("attachments"), data.get("attachments")) if "attachments" in data else ""
    if names and names != "—":
        paper._labelled(doc, "附件（见系统）：", names)


def _project(doc: DocxDocument, store: Store, form: FormDef, n: int, row: MaterialRow) -> None:
    mark = INTERNAL if row.confidential else ""
    paper._para(doc, f"{paper.numeral(n)}、{mark}{row.name}（{row.project}）", font=paper.HEADING_FONT)
    paper._para(doc, f"责任单位：{row.unit}", indent=False)
    record = store.get("material", row.record) if row.received and row.record else None
    if record is None:
        why = (
            f"材料已退回修改，尚未重新报送（退回理由：{row.reason}）。"
            if row.state == "returned"
            else "责任单位尚未报送材料。"
        )
        paper._para(doc, f"（{why}）", font="楷体_GB2312")
        return
    _material(doc, form, record)


def material_pack_docx(store: Store, meeting_number: str, form: FormDef) -> bytes:
    """The pack for one meeting; `form` is the material form, whose labels and sections lay it out."""
    checklist = material_checklist(store, meeting_number)
    extra = [d for d in checklist.extra if d.get("status") in ("submitted", "accepted")]
    doc = paper._document()
    paper._title(doc, f"{checklist.title}上会材料汇编")
    paper._para(
        doc,
        f"会议日期：{zh_date(checklist.day)}　共{len(checklist.rows)}个项目，已收到{checklist.received}份，"
        f"未报送{checklist.missing}份，退回修改{checklist.returned}份",
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    paper._para(doc, f"内部资料：供区领导会前审阅，标有{INTERNAL}的内容不得公开。", align=WD_ALIGN_PARAGRAPH.CENTER)
    _contents(doc, checklist, extra)
    for n, row in enumerate(checklist.rows, start=1):
        doc.add_page_break()  # type: ignore[no-untyped-call]
        _project(doc, store, form, n, row)
    if extra:
        doc.add_page_break()  # type: ignore[no-untyped-call]
        paper._para(doc, "附：方案外项目报送的材料（未列入本次方案，仅供参阅）", font=paper.HEADING_FONT)
        for record in extra:
            _material(doc, form, record)
    return paper._bytes(doc)
