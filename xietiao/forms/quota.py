"""How much attachment storage a unit uses, and whether a post's new files fit in its quota."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from xietiao.forms.attachments import AttachmentStore, Upload
from xietiao.forms.definitions import FieldType, FormDef
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.store.engine import Store

T = FieldType


def attachment_refs(value: JSONValue) -> list[dict[str, JSONValue]]:
    refs = value if isinstance(value, list) else [value]
    return [r for r in refs if isinstance(r, dict) and isinstance(r.get("sha256"), str)]


def attachment_refs_in(form: FormDef, values: Mapping[str, JSONValue]) -> list[dict[str, JSONValue]]:
    """Every attachment reference in a record's values, in groups too."""
    refs: list[dict[str, JSONValue]] = []
    for f in form.fields():
        value = values.get(f.name)
        if f.type is T.ATTACHMENT:
            refs += attachment_refs(value)
        elif f.type is T.GROUP and isinstance(value, list):
            for row in value:
                if isinstance(row, dict):
                    for cell in f.fields:
                        if cell.type is T.ATTACHMENT:
                            refs += attachment_refs(row.get(cell.name))
    return refs


def _holds_files(form: FormDef) -> bool:
    return any(
        f.type is T.ATTACHMENT or (f.type is T.GROUP and any(c.type is T.ATTACHMENT for c in f.fields))
        for f in form.fields()
    )


def unit_files(store: Store, forms: Mapping[str, FormDef], unit: str) -> set[str]:
    """The files a unit's records refer to, in any version they ever had (history keeps them)."""
    found: set[str] = set()
    for form in forms.values():
        if not _holds_files(form):
            continue

        def look(doc: Doc, form: FormDef = form) -> bool:
            if doc.get("unit") == unit:
                versions = doc.get("versions")
                for v in versions if isinstance(versions, list) else []:
                    data = v.get("data") if isinstance(v, dict) else None
                    if isinstance(data, dict):
                        found.update(str(r["sha256"]) for r in attachment_refs_in(form, data))
            return False  # nothing is copied out: the shas are gathered on the way

        store.all(form.name, look)
    return found


def quota_problem(
    store: Store,
    forms: Mapping[str, FormDef],
    files: AttachmentStore,
    unit: str,
    uploads: Collection[Upload],
    quota: int,
) -> str:
    """Why the new files do not fit in the unit's quota, or "" when they do.

    A file counts once per unit, however many of its records refer to it; a file the unit
    already holds costs nothing more.
    """
    held = unit_files(store, forms, unit)
    new = {u.ref.sha256: u.ref.size for u in uploads if u.ref.sha256 not in held}
    if not new:
        return ""
    used = sum(files.size(sha) for sha in held)
    adding = sum(new.values())
    if used + adding <= quota:
        return ""
    return (
        f"本单位附件已占用 {_mb(used)}，加上这次的 {_mb(adding)} 将超过每个单位 {_mb(quota)} 的上限，"
        "本次未保存。请去掉不必要的文件或压缩后再传，或请区发展改革局调高上限。"
    )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
