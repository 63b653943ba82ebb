"""What a changed form definition means for the records already filed: a report in plain Chinese.

Fields are matched by name, or by a `was:` rename; for each field removed, renamed, retyped,
narrowed (choices, limits), newly required or moved in or out of 涉密, the records holding a value
are counted, and, where the value itself is at stake, checked against the new field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from xietiao.forms.definitions import FieldDef, FieldType, FormDef, is_filled
from xietiao.forms.fieldtypes import convert
from xietiao.forms.submissions import StoreLookup
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.store.engine import Store

EDITABLE = ("draft", "returned")
LIMITS = ("min_length", "max_length", "minimum", "maximum", "pattern", "max_rows", "min_rows")


class _FiledLookup(StoreLookup):
    """Stored values were checked when filed: their files exist; units and projects are asked of the store."""

    def attachment_exists(self, sha256: str) -> bool:
        return True


@dataclass(frozen=True)
class Slot:
    """A top-level field, or a cell of a group ("milestones.planned")."""

    path: str
    field: FieldDef
    group: FieldDef | None

    @property
    def label(self) -> str:
        return f"“{self.group.label}”中的“{self.field.label}”" if self.group else f"“{self.field.label}”"


def slots(form: FormDef) -> dict[str, Slot]:
    out: dict[str, Slot] = {}
    for f in form.fields():
        out[f.name] = Slot(f.name, f, None)
        for c in f.fields:
            out[f"{f.name}.{c.name}"] = Slot(f"{f.name}.{c.name}", c, f)
    return out


def _old_paths(slot: Slot) -> list[str]:
    """The paths this slot may have had before: its own, and those its `was:` names give."""
    groups = [slot.group.name, *slot.group.was] if slot.group else [""]
    names = [slot.field.name, *slot.field.was]
    return [f"{g}.{n}" if g else n for g in groups for n in names]


def match(old: FormDef, new: FormDef) -> tuple[dict[str, str], list[Slot], list[Slot]]:
    """(new path -> old path, old slots gone, new slots added)."""
    before, after = slots(old), slots(new)
    pairs: dict[str, str] = {}
    for path, slot in after.items():
        found = next((p for p in _old_paths(slot) if p in before and p not in pairs.values()), None)
        if found is not None:
            pairs[path] = found
    gone = [s for p, s in before.items() if p not in pairs.values() and (s.group is None or s.group.name in before)]
    added = [s for p, s in after.items() if p not in pairs]
    return pairs, gone, added


def _convert(f: FieldDef, value: JSONValue, lookup: StoreLookup) -> tuple[JSONValue, list[str]]:
    """A stored value checked against a (new) field; a group's rows cell by cell."""
    if f.type is not FieldType.GROUP:
        return convert(f, value, lookup)
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        return None, [f"“{f.label}”须为逐行填写的表格"]
    cells = {c.name: c for c in f.fields}
    rows: list[JSONValue] = []
    for row in value:
        assert isinstance(row, dict)
        if set(row) - set(cells):
            return None, [f"“{f.label}”中有新表单没有的列"]
        converted = {k: convert(cells[k], v, lookup) for k, v in row.items()}
        if any(errors for _, errors in converted.values()):
            return None, [f"“{f.label}”中有不符合新要求的值"]
        rows.append({k: v for k, (v, _) in converted.items()})
    return rows, []


def _values(record: Doc, path: str) -> Iterator[JSONValue]:
    data = record.get("data")
    if not isinstance(data, dict):
        return
    top, _, cell = path.partition(".")
    value = data.get(top)
    if not cell:
        if is_filled(value):
            yield value
        return
    for row in value if isinstance(value, list) else []:
        if isinstance(row, dict) and is_filled(row.get(cell)):
            yield row.get(cell)


@dataclass
class _Count:
    holding: int = 0
    editable: int = 0
    unfit: int = 0
    unfit_editable: int = 0

    def says(self) -> str:
        if not self.holding:
            return "现有记录都没有填这一项，没有影响。"
        text = f"{self.holding} 条记录填有此项（其中草稿或退回件 {self.editable} 条）"
        return text


def _count(records: list[Doc], path: str, new: FieldDef | None, lookup: StoreLookup) -> _Count:
    count = _Count()
    for record in records:
        values = list(_values(record, path))
        if not values:
            continue
        editable = record.get("status") in EDITABLE
        count.holding += 1
        count.editable += editable
        if new is not None and any(_convert(new, v, lookup)[1] for v in values):
            count.unfit += 1
            count.unfit_editable += editable
    return count


def _unfit(count: _Count, what: str) -> str:
    if not count.unfit:
        return f"{count.says()}；值都符合{what}。"
    return (
        f"{count.says()}，其中 {count.unfit} 条的值不符合{what}（草稿或退回件 {count.unfit_editable} 条，"
        "修改时须按新要求重填）；已提交和已受理的记录照原版本显示，不受影响。"
    )


def _narrowed(old: FieldDef, new: FieldDef) -> bool:
    if set(old.choices) - set(new.choices):
        return True
    return any(getattr(old, k) != getattr(new, k) for k in LIMITS)


def _pair_lines(old: Slot, new: Slot, records: list[Doc], lookup: StoreLookup) -> list[str]:
    lines: list[str] = []
    o, n = old.field, new.field
    if old.path != new.path:
        count = _count(records, old.path, None, lookup)
        lines.append(
            f"字段{old.label}（{old.path}）改名为 {new.path}：{count.says()}。旧记录照原样显示；"
            "草稿或退回件修改时，原值自动带入新字段。"
        )
    if o.type is not n.type:
        count = _count(records, old.path, n, lookup)
        lines.append(
            f"字段{new.label}（{new.path}）类型由 {o.type.value} 改为 {n.type.value}：" + _unfit(count, "新类型")
        )
    elif _narrowed(o, n):
        count = _count(records, old.path, n, lookup)
        removed = [c for c in o.choices if c not in n.choices]
        what = f"删去了选项 {'、'.join(removed)}" if removed else "取值、长度或格式要求有变化"
        lines.append(f"字段{new.label}（{new.path}）{what}：" + _unfit(count, "新要求"))
    if n.required and not o.required:
        missing = sum(1 for r in records if r.get("status") in EDITABLE and not any(_values(r, old.path)))
        lines.append(f"字段{new.label}（{new.path}）改为必填：{missing} 条草稿或退回件尚未填写，提交前须补填。")
    if o.confidential and not n.confidential:
        count = _count(records, old.path, None, lookup)
        lines.append(
            f"字段{new.label}（{new.path}）不再标为涉密：按新版本填写的内容会上内网站点；"
            f"按旧版本填写的 {count.holding} 条记录中的此项仍不上站点。"
        )
    if n.confidential and not o.confidential:
        lines.append(f"字段{new.label}（{new.path}）改为涉密：所有记录（含按旧版本填写的）的此项此后都不上内网站点。")
    if o.label != n.label and old.path == new.path:
        lines.append(f"字段 {new.path} 的名称由“{o.label}”改为“{n.label}”：旧记录按原名称显示。")
    return lines


def describe_changes(store: Store, old: FormDef | None, new: FormDef) -> list[str]:
    """Chinese lines on what the new definition changes for the records of the form; [] never: says when nothing."""
    if old is None:
        filed = store.count(new.name)
        return [f"首次登记：已有 {filed} 条记录，视为按本版本填写。" if filed else "首次登记，尚无记录。"]
    records = store.all(new.name)
    lookup = _FiledLookup(store)
    pairs, gone, added = match(old, new)
    before, after = slots(old), slots(new)
    lines: list[str] = []
    if old.prefix != new.prefix:
        lines.append(f"编号前缀由 {old.prefix} 改为 {new.prefix}：已有记录保留原编号，页面和接口照常按原编号查到。")
    for slot in gone:
        count = _count(records, slot.path, None, lookup)
        lines.append(
            f"删除字段{slot.label}（{slot.path}）：{count.says()}"
            + (
                "。这些记录的页面和接口照旧显示此项；草稿或退回件修改时，原值列在表单上方供参考，不再保存。"
                if count.holding
                else ""
            )
        )
    for path, old_path in pairs.items():
        lines += _pair_lines(before[old_path], after[path], records, lookup)
    for slot in added:
        if slot.group is not None and slot.group.name in [s.path for s in added]:
            continue  # a new group's cells come with it
        waiting = sum(1 for r in records if r.get("status") in EDITABLE)
        need = f"，必填：{waiting} 条草稿或退回件提交前须补填" if slot.field.required and waiting else ""
        lines.append(f"新增字段{slot.label}（{slot.path}）{need}。")
    if not lines:
        lines.append("只改了标题、分节或说明文字，不影响已有记录。")
    return lines


# -- an old draft opened under today's form -------------------------------------------------------

Left = tuple[str, FieldDef, JSONValue]  # (where it was, as the user saw it; the old field; its value)


def _fits(new: FieldDef, old: FieldDef, value: JSONValue, lookup: StoreLookup) -> tuple[bool, JSONValue]:
    converted, errors = _convert(new, value, lookup)
    return (not errors and (old.type is new.type or is_filled(converted))), converted


def _carry_rows(
    group: FieldDef, old_group: Slot, rows: list[JSONValue], pairs: dict[str, str], lookup: StoreLookup
) -> tuple[list[JSONValue], list[Left]]:
    before = {c.name: c for c in old_group.field.fields}
    out: list[JSONValue] = []
    left: list[Left] = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        new_row: dict[str, JSONValue] = {}
        used: set[str] = set()
        for cell in group.fields:
            old_path = pairs.get(f"{group.name}.{cell.name}", "")
            old_name = old_path.partition(".")[2]
            if old_name in before and is_filled(row.get(old_name)):
                ok, value = _fits(cell, before[old_name], row[old_name], lookup)
                if ok:
                    new_row[cell.name] = value
                    used.add(old_name)
        for name, value in row.items():
            if name not in used and name in before and is_filled(value):
                left.append((f"“{old_group.field.label}”第{i + 1}行的“{before[name].label}”", before[name], value))
        if new_row:
            out.append(new_row)
    return out, left


def carry_over(store: Store, old: FormDef, new: FormDef, values: Doc) -> tuple[Doc, list[Left]]:
    """A record's values moved onto today's form: renamed fields follow, values that fit stay.

    Whatever cannot be put in a field of the new form is returned with where it was, so the page can
    show it above the form for the clerk to re-enter; nothing is dropped without being shown.
    """
    if old is new:
        return dict(values), []
    lookup = _FiledLookup(store)
    pairs, _, _ = match(old, new)
    before = slots(old)
    out: Doc = {}
    used: set[str] = set()
    left: list[Left] = []
    for f in new.fields():
        old_path = pairs.get(f.name)
        value = values.get(old_path) if old_path else None
        if old_path is None or not is_filled(value):
            continue
        old_slot = before[old_path]
        if f.type is FieldType.GROUP and old_slot.field.type is FieldType.GROUP and isinstance(value, list):
            rows, lost = _carry_rows(f, old_slot, value, pairs, lookup)
            out[f.name], used = rows, used | {old_path}
            left += lost
            continue
        ok, converted = _fits(f, old_slot.field, value, lookup)
        if ok:
            out[f.name] = converted
            used.add(old_path)
    for name, value in values.items():
        if name in used or not is_filled(value):
            continue
        old_field = before[name].field if name in before else FieldDef(name, FieldType.TEXT, name)
        left.append((old_field.label, old_field, value))
    return out, left
