"""The meeting's Word documents: the topic call, the meeting notice and the minutes, laid out as official papers.

Layout follows the usual government document conventions (GB/T 9704): A4, 仿宋 body at
三号, 小标宋 titles, a red rule under the masthead, 主送/抄送 lines at the foot. Everything
a user typed goes into runs as plain text; characters XML cannot hold are dropped. The
district's names (government, bureau, issuer, recipients) come from the installed profile.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from xietiao.jsonvalue import Doc
from xietiao.ledger.colours import zh_date
from xietiao.profile import current

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
RED = RGBColor(0xC0, 0x00, 0x00)
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DIGITS = "零一二三四五六七八九"
# Elements that must follow w:pBdr inside w:pPr (ECMA-376 order), or Word reports the file damaged.
_AFTER_BORDER = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


@dataclass(frozen=True)
class ProjectLine:
    number: str
    name: str


@dataclass(frozen=True)
class IssueLine:
    number: str
    project: str  # project name
    kind: str
    urgency: str
    ask: str


# The system's "涉密" marker keeps a record off the public site; state secrets stay out of the system.
SECRECY = (
    "属于国家秘密的内容不得在系统中填报，按保密规定另行报送；其他需要控制知悉范围的项目和材料，"
    "请在表单中选择“涉密”，系统只在内部流转，不在内网站点公开。"
)


def numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def _clean(text: object) -> str:
    return _NOT_XML.sub("", str(text or ""))


def _font(run: object, name: str, size: float, *, bold: bool = False, colour: RGBColor | None = None) -> None:
    run.font.name = name  # type: ignore[attr-defined]
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    if colour is not None:
        run.font.color.rgb = colour  # type: ignore[attr-defined]
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    fonts.set(qn("w:eastAsia"), name)


def _document() -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    return doc


def _para(
    doc: DocxDocument,
    text: str = "",
    *,
    font: str = BODY_FONT,
    size: float = 16,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = True,
    colour: RGBColor | None = None,
) -> Paragraph:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent and align is None:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if text:
        _font(p.add_run(_clean(text)), font, size, bold=bold, colour=colour)
    return p


def _labelled(doc: DocxDocument, label: str, text: str) -> Paragraph:
    """A paragraph opening with a 黑体 label, e.g. 牵头单位：."""
    p = _para(doc)
    _font(p.add_run(label), HEADING_FONT, 16)
    _font(p.add_run(_clean(text)), BODY_FONT, 16)
    return p


def _title(doc: DocxDocument, text: str, *, size: float = 22, colour: RGBColor | None = None) -> None:
    _para(doc, text, font=TITLE_FONT, size=size, align=WD_ALIGN_PARAGRAPH.CENTER, colour=colour)


def _rule(p: Paragraph, *edges: str, colour: str = "C00000", size: int = 12) -> None:
    """Lines along the paragraph's edges: the red rule under a masthead, the lines around 抄送."""
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    for edge in ("top", "left", "bottom", "right"):  # the order the schema wants
        if edge not in edges:
            continue
        line = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", colour)):
            line.set(qn(key), value)
        border.append(line)
    ppr.insert_element_before(border, *_AFTER_BORDER)


def _signature(doc: DocxDocument, who: str, day: date) -> None:
    _para(doc)
    _para(doc, who, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, zh_date(day), align=WD_ALIGN_PARAGRAPH.RIGHT)


def _bytes(doc: DocxDocument) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _units(names: Iterable[object]) -> str:
    return "、".join(_clean(n) for n in names if n)


def call_notice(meeting: Doc, submit_by: date, issued: date) -> bytes:
    """议题征集通知: what may be proposed, what to write, how and by when."""
    doc = _document()
    _title(doc, f"关于征集{_clean(meeting['title'])}议题的通知")
    _para(doc)
    p = current()
    gov, bureau = p.government.name, p.bureau.name
    _para(doc, _clean(p.fill(p.documents.addressees)) + "：", indent=False)
    _para(
        doc,
        f"{_clean(meeting['title'])}拟于{zh_date(date.fromisoformat(str(meeting['date'])))}召开。"
        "为做好会前准备，现征集本次例会议题，有关事项通知如下。",
    )
    _para(doc, "一、申报范围", font=HEADING_FONT)
    _para(
        doc,
        f"重大项目推进中遇到的审批、征拆、资金、土地等卡点问题，已经{bureau}或行业主管部门"
        f"协调、仍需{gov}出面解决的，可以申报。未经前期协调的问题暂不列入清单。",
    )
    _para(doc, "二、申报内容", font=HEADING_FONT)
    _para(
        doc,
        f"所属项目；问题类型和具体情况；已开展的协调及结果；请{gov}协调的事项；紧急程度；"
        "需参与协调的单位；联系人及电话。需要报请市级层面协调的，请写明理由。",
    )
    _para(doc, "三、申报方式和时间", font=HEADING_FONT)
    _para(
        doc,
        f"请登录协调例会系统，通过“议题申报”表单填报，于{zh_date(submit_by)}下班前提交。"
        f"{bureau}将按轻重缓急审核汇总，形成待协调重大项目问题清单，提出建议方案报{gov}审定。"
        "不符合申报范围的议题将注明理由退回。",
    )
    _para(doc, "四、其他", font=HEADING_FONT)
    _para(doc, SECRECY)
    _signature(doc, bureau, issued)
    return _bytes(doc)


def _start_text(start: str) -> str:
    """14:30 as an official notice writes it: 下午2:30."""
    hour, minute = (int(x) for x in start.split(":"))
    part = "上午" if hour < 12 else "下午" if hour < 18 else "晚上"
    return f"{part}{hour if hour <= 12 else hour - 12}:{minute:02d}"


def meeting_notice(meeting: Doc, projects: Sequence[ProjectLine], issues: Sequence[IssueLine], issued: date) -> bytes:
    """会议通知: when and where, the agenda from the approved plan, who attends, what to bring."""
    doc = _document()
    title = _clean(meeting["title"])
    _title(doc, f"关于召开{title}的通知")
    _para(doc)
    _para(doc, f"{_units(meeting.get('attendance') or []) or '各有关单位'}：", indent=False)  # type: ignore[arg-type]
    where = f"在{_clean(meeting.get('place'))}" if meeting.get("place") else ""
    who = f"，由{_clean(meeting.get('convener'))}召集" if meeting.get("convener") else ""
    start = _clean(meeting.get("start"))
    at = f"{_start_text(start)}" if start else ""
    gov, bureau = current().government.name, current().bureau.name
    _para(
        doc,
        f"经{gov}同意，定于{zh_date(date.fromisoformat(str(meeting['date'])))}{at}{where}召开{title}{who}。"
        "现将有关事项通知如下。",
    )
    _para(doc, "一、会议议题", font=HEADING_FONT)
    for n, project in enumerate(projects, start=1):
        _para(doc, f"{n}. {_clean(project.name)}（{project.number}）")
        for issue in (i for i in issues if i.project == project.name):
            _para(doc, f"{issue.number}〔{_clean(issue.kind)}·{_clean(issue.urgency)}〕{_clean(issue.ask)}")
    _para(doc, "二、参会单位", font=HEADING_FONT)
    _para(doc, _units(meeting.get("attendance") or []) + "主要负责人或分管负责人。")  # type: ignore[arg-type]
    _para(doc, "三、会前准备", font=HEADING_FONT)
    _para(
        doc,
        "各项目责任单位请于会前通过系统“上会材料”表单报送书面材料，内容包括：项目名称及概况；"
        f"推进情况、存在问题和已做的协调；需{gov}协调的事项；责任单位、协调单位和责任人；"
        "以前期工作、开工、竣工、投产运营等节点明确的工作目标。" + SECRECY,
    )
    if meeting.get("contact"):
        _para(doc, f"会务联系人：{_clean(meeting.get('contact'))}。")
    _signature(doc, bureau, issued)
    return _bytes(doc)


def minutes_docx(meeting: Doc, project_names: Mapping[str, str], *, draft: bool) -> bytes:
    """区政府专题会议纪要: masthead, number, what was studied, the agreed items, recipients."""
    doc = _document()
    gov = current().government.name
    _title(doc, f"{gov}专题会议纪要", size=36, colour=RED)
    doc_number = str(meeting.get("doc_number") or "")
    rule = _para(
        doc, doc_number[doc_number.find("〔") :] if "〔" in doc_number else doc_number, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _rule(rule, "bottom", size=18)
    if draft:
        _para(doc, f"（代拟稿，待{gov}审定）", align=WD_ALIGN_PARAGRAPH.CENTER, font="楷体_GB2312")
    _para(doc)
    _title(doc, f"{_clean(meeting['title'])}纪要")
    _para(doc)
    held = zh_date(date.fromisoformat(str(meeting["date"])))
    where = f"在{_clean(meeting.get('place'))}" if meeting.get("place") else ""
    who = _clean(meeting.get("convener")) or f"{gov}领导"
    _para(
        doc,
        f"{held}，{who}{where}主持召开{_clean(meeting['title'])}，"
        f"{_units(meeting.get('attendance') or []) or '有关单位'}参加会议。",  # type: ignore[arg-type]
    )
    for line in _clean(meeting.get("minutes")).split("\n"):
        if line.strip():
            _para(doc, line.strip())
    _discussions(doc, meeting, project_names)
    recipients = _agreed(doc, meeting, project_names)
    _foot(doc, recipients, meeting, draft)
    return _bytes(doc)


def _rows(meeting: Doc, key: str) -> list[Doc]:
    rows = meeting.get(key)
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _discussions(doc: DocxDocument, meeting: Doc, names: Mapping[str, str]) -> None:
    talks = _rows(meeting, "discussions")
    if not talks:
        return
    _para(doc, "会议听取了有关单位的汇报，研究了以下问题：")
    for n, talk in enumerate(talks, start=1):
        project = str(talk.get("project") or "")
        heading = _clean(names.get(project, project)) or "其他事项"
        issue = f"（议题{talk['issue']}）" if talk.get("issue") else ""
        p = _para(doc)
        _font(p.add_run(f"（{numeral(n)}）{heading}{issue}。"), "楷体_GB2312", 16)
        _font(p.add_run(_clean(talk.get("text"))), BODY_FONT, 16)


def _agreed(doc: DocxDocument, meeting: Doc, names: Mapping[str, str]) -> list[str]:
    rows = _rows(meeting, "agreed")
    recipients: list[str] = []
    if not rows:
        return recipients
    _para(doc, "会议议定如下：")
    for n, row in enumerate(rows, start=1):
        project = str(row.get("project") or "")
        p = _para(doc)
        _font(p.add_run(f"{numeral(n)}、"), HEADING_FONT, 16)
        name = _clean(names.get(project, project))
        _font(p.add_run(f"{name}：" if name else ""), BODY_FONT, 16, bold=True)
        _font(p.add_run(_clean(row.get("content"))), BODY_FONT, 16)
        lead = str(row.get("lead_unit") or "")
        co = [str(u) for u in row.get("co_units") or [] if u]  # type: ignore[union-attr]
        person = row.get("person") if isinstance(row.get("person"), dict) else {}
        planned = date.fromisoformat(str(row["planned"])) if row.get("planned") else None
        detail = f"牵头单位：{_clean(lead)}"
        detail += f"；配合单位：{_units(co)}" if co else ""
        detail += f"；责任人：{_clean(person.get('name'))}（{_clean(person.get('phone'))}）"  # type: ignore[union-attr]
        detail += f"；完成时限：{zh_date(planned)}。" if planned else "。"
        _para(doc, detail, font="楷体_GB2312")
        recipients += [lead, *co]
    return list(dict.fromkeys(r for r in recipients if r))


def _foot(doc: DocxDocument, recipients: list[str], meeting: Doc, draft: bool) -> None:
    _para(doc)
    attendance = _units(meeting.get("attendance") or [])  # type: ignore[arg-type]
    if attendance:
        _labelled(doc, "出席单位：", attendance)
    _para(doc)
    send = _para(doc, indent=False)
    _font(send.add_run("主送："), HEADING_FONT, 14)
    _font(send.add_run(_units(recipients) or "各有关单位"), BODY_FONT, 14)
    _rule(send, "top", colour="000000", size=6)
    copy = _para(doc, indent=False)
    _font(copy.add_run("抄送："), HEADING_FONT, 14)
    p = current()
    _font(copy.add_run("、".join(_clean(p.fill(c)) for c in p.documents.copy_to) + "。"), BODY_FONT, 14)
    _rule(copy, "top", colour="000000", size=6)
    approved = str(meeting.get("approved") or "")
    issued = zh_date(date.fromisoformat(approved)) if approved and not draft else "（审定后填写）"
    last = _para(doc, f"{_clean(p.fill(p.documents.issuer))}　　　　　　　　{issued}印发", size=14, indent=False)
    _rule(last, "top", "bottom", colour="000000", size=6)
