"""User accounts: units, roles and argon2 password hashes."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from xietiao.jsonvalue import Doc
from xietiao.model import Role
from xietiao.store.engine import Store
from xietiao.units import bureau_name, government_name, official_unit_name, unit_by_name

_HASHER = PasswordHasher()
# Each argon2 check takes 64 MB for a moment: a burst of logins at a deadline must not
# take gigabytes, so at most this many run at once (one per core of the machine we target).
_HASHING = threading.BoundedSemaphore(2)
# A real hash to verify against when the name is unknown, so that a wrong name
# and a wrong password take the same time.
_DUMMY_HASH = _HASHER.hash("xietiao-dummy-password")
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,32}$")


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message is for the user."""


@dataclass(frozen=True)
class User:
    username: str
    unit: str  # the unit's official name
    role: Role
    display: str

    @property
    def is_bureau(self) -> bool:
        return self.role in (Role.BUREAU, Role.ADMIN)


def user_of(doc: Doc) -> User:
    """The account's user, with its unit's current official name (the unit may have been renamed since)."""
    stored = str(doc["unit"])
    unit = official_unit_name(stored)
    display = str(doc.get("display") or doc["number"])
    if unit != stored and display.startswith(stored):
        display = unit + display[len(stored) :]  # a display made from the old name follows the new one
    return User(str(doc["number"]), unit, Role(str(doc["role"])), display)


def add_user(
    store: Store, username: str, unit: str, role: str, password: str, *, actor: str = "system", display: str = ""
) -> User:
    """Create an account; the unit is named as the mechanism writes it (e.g. 区财政局)."""
    if not USERNAME.match(username):
        raise AccountError("用户名只能用2到32个英文字母、数字、下划线、点或减号。")
    found = unit_by_name(unit)
    if found is None:
        raise AccountError(f"没有名为“{unit}”的单位；请使用区情配置中的单位名称或别名。")
    try:
        the_role = Role(role)
    except ValueError:
        raise AccountError(f"角色“{role}”无效；可选：unit、bureau、leader、admin。") from None
    if the_role is Role.BUREAU and found.name != bureau_name():
        raise AccountError(f"bureau 角色只能属于{bureau_name()}。")
    if the_role is Role.LEADER and found.name != government_name():
        raise AccountError(f"leader 角色只能属于{government_name()}。")
    if len(password) < 8:
        raise AccountError("密码至少8位。")
    if store.get("user", username) is not None:
        raise AccountError(f"用户名“{username}”已存在。")
    doc: Doc = {
        "number": username,
        "unit": found.name,
        "role": the_role.value,
        "display": display or f"{found.name}{the_role.label if the_role is not Role.UNIT else ''}",
        "hash": _HASHER.hash(password),
        "active": True,
    }
    store.insert("user", doc, actor=actor, action="新建账号")
    return user_of(doc)


def verify_login(store: Store, username: str, password: str) -> User | None:
    """The user if name and password match; None otherwise, in constant-ish time."""
    doc = store.get("user", username)
    stored = str(doc["hash"]) if doc and doc.get("active", True) else _DUMMY_HASH
    # A password that is not valid Unicode text (a lone surrogate from JSON) matches nothing.
    password = password.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    try:
        with _HASHING:
            _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    return user_of(doc) if doc else None


def get_user(store: Store, username: str) -> User | None:
    doc = store.get("user", username)
    return user_of(doc) if doc and doc.get("active", True) else None
