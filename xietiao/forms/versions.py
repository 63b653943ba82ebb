"""Form versions: every definition a form has had is kept in the store, and each record is read by its own.

A definition is registered at start-up (`serve`, `build`) when it differs from the form's latest
version; records carry the number of the version they were filed under (`form_version`, on the record
and on each saved version of its data). Records filed before versions were kept count as version 1.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache

from xietiao.forms.compat import describe_changes
from xietiao.forms.definitions import FieldDef, FieldType, FormDef, FormDefinitionError
from xietiao.forms.loader import load_form_text
from xietiao.jsonvalue import Doc, JSONValue
from xietiao.store.engine import Store

KIND = "formdef"


def _field_json(f: FieldDef) -> Doc:
    out: Doc = {}
    for spec in fields(FieldDef):
        value = getattr(f, spec.name)
        if spec.name == "fields":
            out["fields"] = [_field_json(c) for c in value]
        elif spec.name == "when":
            out["when"] = None if value is None else [value.field, value.equals, value.filled]
        elif isinstance(value, FieldType):
            out[spec.name] = value.value
        elif isinstance(value, tuple):
            out[spec.name] = list(value)
        else:
            out[spec.name] = value if isinstance(value, str | int | bool | None) else str(value)
    return out


def fingerprint(form: FormDef) -> str:
    """What the definition says, not how the YAML is written: comments and key order make no new version."""
    body = {
        "title": form.title,
        "prefix": form.prefix,
        "help": form.help,
        "confidential": form.confidential,
        "confidential_field": form.confidential_field,
        "sections": [
            {"title": s.title, "help": s.help, "fields": [_field_json(f) for f in s.fields]} for s in form.sections
        ],
    }
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def version_number(name: str, version: int) -> str:
    return f"{name}-v{version}"


def registered(store: Store, name: str) -> list[Doc]:
    """The form's stored versions, oldest first."""
    return sorted(store.all(KIND, lambda d: d.get("form") == name), key=lambda d: int(str(d.get("version") or 0)))


@lru_cache(maxsize=256)
def _parsed(name: str, source: str, version: int) -> FormDef | None:
    try:
        return replace(load_form_text(name, source), version=version)
    except FormDefinitionError:
        return None  # a definition the form language no longer reads: its records fall back to today's form


def stored_definition(doc: Doc) -> FormDef | None:
    """A registered version read back from its YAML; None if that YAML no longer loads."""
    return _parsed(str(doc.get("form")), str(doc.get("source") or ""), int(str(doc.get("version") or 0)))


def filed_version(record: Mapping[str, JSONValue]) -> int:
    """The version of the form the record's current data was saved under (1 for records older than versions)."""
    versions = record.get("versions")
    if isinstance(versions, list):
        for v in reversed(versions):
            if isinstance(v, dict) and v.get("data") is not None:
                stamp = v.get("form_version")
                return stamp if isinstance(stamp, int) and stamp > 0 else 1
    stamp = record.get("form_version")
    return stamp if isinstance(stamp, int) and stamp > 0 else 1


def definition_at(store: Store, current: FormDef, version: int) -> FormDef | None:
    """The form as it was at `version`: today's form if that is the version, else the stored one."""
    if version == current.version:
        return current
    doc = store.get(KIND, version_number(current.name, version))
    return stored_definition(doc) if doc is not None else None


def form_of_record(store: Store, current: FormDef, record: Mapping[str, JSONValue]) -> FormDef:
    """The form to read the record's current data by: its own version's, or today's if that cannot be had."""
    return definition_at(store, current, filed_version(record)) or current


def forms_of_versions(store: Store, current: FormDef, record: Mapping[str, JSONValue]) -> list[FormDef]:
    """Every form any saved version of the record was filed under, and today's, without repeats."""
    wanted = {filed_version(record)}
    versions = record.get("versions")
    for v in versions if isinstance(versions, list) else []:
        stamp = v.get("form_version") if isinstance(v, dict) else None
        if isinstance(stamp, int) and stamp > 0:
            wanted.add(stamp)
    found = [current] + [f for n in sorted(wanted) if n != current.version and (f := definition_at(store, current, n))]
    return found


def version_form(store: Store, current: FormDef, version_entry: Mapping[str, JSONValue]) -> FormDef:
    """The form one saved version of a record's data was filed under."""
    stamp = version_entry.get("form_version")
    return definition_at(store, current, stamp if isinstance(stamp, int) and stamp > 0 else 1) or current


@dataclass(frozen=True)
class Registration:
    """One form at start-up: its version now and, if it changed, what that means for the records."""

    name: str
    title: str
    version: int
    new: bool  # registered just now
    changes: tuple[str, ...]

    def lines(self) -> list[str]:
        head = f"表单 {self.name}（{self.title}）：第 {self.version} 版"
        if not self.new:
            return [head + "，定义未变化。"]
        return [
            head + ("（首次登记）" if self.version == 1 else f"（新登记，原为第 {self.version - 1} 版）") + "："
        ] + [f"  · {line}" for line in self.changes]


def register_versions(
    store: Store, forms: Mapping[str, FormDef], *, actor: str = "system"
) -> tuple[dict[str, FormDef], list[Registration]]:
    """Each form with its version number; a definition that changed is stored as a new version first."""
    out: dict[str, FormDef] = {}
    report: list[Registration] = []
    for name, form in sorted(forms.items()):
        versions = registered(store, name)
        mark = fingerprint(form)
        if versions and versions[-1].get("fingerprint") == mark:
            number = int(str(versions[-1]["version"]))
            out[name] = replace(form, version=number)
            report.append(Registration(name, form.title, number, False, ()))
            continue
        number = len(versions) + 1
        previous = stored_definition(versions[-1]) if versions else None
        changes = tuple(describe_changes(store, previous, form))
        doc: Doc = {
            "number": version_number(name, number),
            "form": name,
            "version": number,
            "title": form.title,
            "fingerprint": mark,
            "source": form.source,
            "changes": list(changes),
        }
        store.insert(KIND, doc, actor=actor, action="登记表单版本")
        out[name] = replace(form, version=number)
        report.append(Registration(name, form.title, number, True, changes))
    return out, report
