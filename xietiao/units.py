"""The district's units (责任单位), as the installed profile declares them.

Code outside the profile asks through these functions, never the profile's tables: they answer
from `xietiao.profile.current()`, so a district's own profile (and a unit renamed in the web)
is seen everywhere at once.
"""

from __future__ import annotations

from xietiao.profile import current
from xietiao.profile.schema import Unit, UnitKind

__all__ = [
    "Unit",
    "UnitKind",
    "all_units",
    "bureau_name",
    "government_name",
    "official_unit_name",
    "same_unit",
    "town_names",
    "unit_by_code",
    "unit_by_name",
    "unit_names",
]


def all_units() -> tuple[Unit, ...]:
    """Every unit in official order: the government, the bureau, then the profile's list."""
    return current().all_units


def town_names() -> tuple[str, ...]:
    return tuple(u.name for u in current().all_units if u.kind is UnitKind.TOWN)


def bureau_name() -> str:
    """The bureau that runs the meeting (区发展改革局 in the demo district)."""
    return current().bureau.name


def government_name() -> str:
    """The government whose leaders approve (区政府 in the demo district)."""
    return current().government.name


def unit_by_name(name: str) -> Unit | None:
    """The unit called `name`: its official name, an alias, or a former name kept as an alias."""
    return current().by_name.get(name.strip())


def unit_by_code(code: str) -> Unit | None:
    return current().by_code.get(code)


def unit_names() -> list[str]:
    return [u.name for u in current().all_units]


def official_unit_name(name: str) -> str:
    """The unit's current official name when `name` is one of its names; else `name` unchanged."""
    unit = unit_by_name(name)
    return unit.name if unit else name


def same_unit(a: object, b: object) -> bool:
    """Whether two stored unit names mean one unit: equal, or names of the same unit (an alias, a former name).

    Records keep the name they were filed under; comparing through this keeps them attached
    to their unit after it is renamed. Unknown names match only themselves.
    """
    if not isinstance(a, str) or not isinstance(b, str) or not a or not b:
        return False
    if a == b:
        return True
    found = current().by_name
    first, second = found.get(a.strip()), found.get(b.strip())
    return first is not None and second is not None and first.code == second.code
