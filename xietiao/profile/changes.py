"""A unit's details changed in the web (name, code, kind, aliases), kept in the store over the profile file's.

The profile file is the operator's, with their comments; the web's changes are records of the
store instead (durable, journalled with who and when, in every backup), one per unit under the
code the file gives it (its key). At start-up they are laid over the file's entries.

A rename keeps the unit's history: records keep the name they were filed under, and the old
name becomes an alias, so every lookup (and `same_unit`) still finds the unit by it.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from xietiao.jsonvalue import Doc, JSONValue
from xietiao.profile.active import current, install
from xietiao.profile.reader import SectionReader
from xietiao.profile.schema import KIND_WORDS, Bureau, Government, Profile, UnitEntry, UnitKind
from xietiao.store.engine import Store

KIND = "unit"  # the store's collection of changed units
_lock = threading.Lock()  # one change at a time: each is checked against the one before
_FIELDS = ("name", "code", "kind", "aliases")


@dataclass(frozen=True)
class UnitChange:
    """What the admin asks for; `kind` is one of 部门/镇街/国有集团/建设中心 (ignored for the government and bureau)."""

    key: str
    name: str
    code: str
    kind: str
    aliases: tuple[str, ...]


class ChangeRefused(ValueError):
    """The change would break the profile; per field, the Chinese reasons."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__("；".join(m for ms in errors.values() for m in ms))
        self.errors = dict(errors)


Entry = Government | Bureau | UnitEntry


def kind_word(entry: Entry) -> str:
    return entry.kind if isinstance(entry, UnitEntry) else ""


def _entry_doc(entry: Entry) -> Doc:
    aliases: list[JSONValue] = list(entry.aliases)
    return {"number": entry.key, "name": entry.name, "code": entry.code, "kind": kind_word(entry), "aliases": aliases}


def _replaced(profile: Profile, key: str, build: Callable[[Entry], Entry]) -> Profile | None:
    """The profile with the entry keyed `key` rebuilt; None when no entry has that key."""
    if profile.government.key == key:
        new = build(profile.government)
        assert isinstance(new, Government)
        return dataclasses.replace(profile, government=new)
    if profile.bureau.key == key:
        new = build(profile.bureau)
        assert isinstance(new, Bureau)
        return dataclasses.replace(profile, bureau=new)
    units = list(profile.units)
    for i, entry in enumerate(units):
        if entry.key == key:
            new = build(entry)
            assert isinstance(new, UnitEntry)
            units[i] = new
            return dataclasses.replace(profile, units=tuple(units))
    return None


def entry_of(profile: Profile, key: str) -> tuple[str, Entry] | None:
    """The entry with `key` and where it sits in the profile (government, bureau, units[3])."""
    return next(((where, e) for where, e in profile.entries() if e.key == key), None)


def _checked_entry(entry: Entry, where: str, change: UnitChange, reader: SectionReader) -> Entry | None:
    """The entry with the change applied, read through the same rules as the file (code pattern, kinds)."""
    raw: dict[object, object] = {"name": change.name, "code": change.code, "aliases": list(change.aliases)}
    if isinstance(entry, UnitEntry):
        raw["kind"] = change.kind
    if entry.login:
        raw["login"] = entry.login
    if isinstance(entry, Government):
        raw["leaders"] = list(entry.leaders)
    built = reader.read(type(entry), raw, where)
    return None if built is None else dataclasses.replace(built, key=entry.key)


def _field_errors(reader: SectionReader, where: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for p in reader.problems:
        tail = p.key[len(where) + 1 :] if p.key.startswith(where + ".") else ""
        field = next((f for f in _FIELDS if tail.startswith(f)), "")
        errors.setdefault(field or "name", []).append(f"{p.rule}；{p.fix}")
    return errors


def check_change(profile: Profile, change: UnitChange) -> Profile:
    """The profile after the change, checked like the file; raises ChangeRefused naming the fields."""
    found = entry_of(profile, change.key)
    if found is None:
        raise ChangeRefused({"name": [f"没有代码为 {change.key} 的单位。"]})
    where, entry = found
    aliases = list(dict.fromkeys(a.strip() for a in change.aliases if a.strip()))
    if entry.name != change.name.strip() and entry.name not in aliases:
        aliases.append(entry.name)  # the old name keeps finding the unit and its records
    change = dataclasses.replace(change, name=change.name.strip(), code=change.code.strip(), aliases=tuple(aliases))
    reader = SectionReader("网页修改")
    built = _checked_entry(entry, where, change, reader)
    new = _replaced(profile, change.key, lambda _: built) if built is not None else None
    if new is not None:
        for key, rule, fix in new.problems():
            if key.startswith(where + ".") or key == where:
                reader.bad(key, rule, fix)
            elif any(name in rule for name in (change.name, change.code, *change.aliases)):
                reader.bad(where + ".name", rule, fix)  # another unit's entry clashes with what was typed
    if reader.problems or new is None:
        raise ChangeRefused(_field_errors(reader, where))
    return new


def change_unit(store: Store, change: UnitChange, *, actor: str, in_use: Callable[[str], int]) -> Profile:
    """Check the change against the installed profile, record it durably, install the result and return it.

    `in_use(name)` counts records filed under a name: an alias records still use cannot be dropped,
    or they would lose their unit.
    """
    with _lock:  # read, check, record and install as one step: two admins never undo each other
        profile = current()
        new = check_change(profile, change)
        before, after = entry_of(profile, change.key), entry_of(new, change.key)
        assert before is not None and after is not None
        dropped = [n for n in before[1].aliases if n not in after[1].aliases and n != after[1].name]
        used = [f"“{n}”（{in_use(n)} 条记录）" for n in dropped if in_use(n)]
        if used:
            raise ChangeRefused({"aliases": ["仍有记录使用这些名称，不能删去：" + "、".join(used)]})
        doc = _entry_doc(after[1])
        action = f"修改单位信息（{before[1].name}）"
        if store.get(KIND, change.key) is None:
            store.insert(KIND, doc, actor=actor, action=action)
        else:
            store.update(KIND, change.key, lambda d: d.update(doc), actor=actor, action=action)
        return install(new)


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def with_changes(profile: Profile, docs: Iterable[Doc]) -> tuple[Profile, list[str]]:
    """The file's profile with the web's changes laid over it, and warnings for changes that no longer fit."""
    warnings: list[str] = []
    for doc in sorted(docs, key=lambda d: str(d.get("number"))):
        key = str(doc.get("number"))
        found = entry_of(profile, key)
        if found is None:
            warnings.append(f"网页上修改过的单位（代码 {key}）已不在区情配置文件中，这项修改未生效。")
            continue
        kind = str(doc.get("kind") or "")
        change = UnitChange(
            key, str(doc.get("name") or ""), str(doc.get("code") or ""), kind, _strings(doc.get("aliases"))
        )
        try:
            profile = check_change(profile, change)
        except ChangeRefused as exc:
            warnings.append(f"网页上对“{found[1].name}”的修改与区情配置文件冲突，未生效：{exc}")
    return profile, warnings


def stored_changes(store: Store) -> list[Doc]:
    return store.all(KIND)


def changed_keys(store: Store) -> set[str]:
    return {str(d["number"]) for d in store.all(KIND)}


def kinds_offered(entry: Entry) -> tuple[str, ...]:
    """The kinds the page offers: none for the government and the bureau, whose roles fix them."""
    return tuple(KIND_WORDS) if isinstance(entry, UnitEntry) else ()


def seat_kind(entry: Entry) -> UnitKind:
    if isinstance(entry, Government):
        return UnitKind.GOVERNMENT
    if isinstance(entry, Bureau):
        return UnitKind.BUREAU
    return KIND_WORDS[entry.kind]


def details_of(profile: Profile, key: str) -> UnitChange | None:
    """The unit's current details, as the edit page starts from them."""
    found = entry_of(profile, key)
    if found is None:
        return None
    entry = found[1]
    return UnitChange(entry.key, entry.name, entry.code, kind_word(entry), entry.aliases)
