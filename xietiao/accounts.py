"""User accounts: units, roles, argon2 password hashes, and what an administrator does to them."""

from __future__ import annotations

import re
import secrets
import threading
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from xietiao.jsonvalue import Doc
from xietiao.model import Role
from xietiao.passwords import generate_password, password_problems
from xietiao.store.engine import Store, now_iso
from xietiao.units import bureau_name, government_name, official_unit_name, unit_by_name

_HASHER = PasswordHasher()
# Each argon2 check takes 64 MB for a moment: a burst of logins at a deadline must not
# take gigabytes, so at most this many run at once (one per core of the machine we target).
_HASHING = threading.BoundedSemaphore(2)
# A real hash to verify against when the name is unknown or the account inactive, so that every
# refusal takes the same time. Its password is random and never kept: no text can match it, and
# even a match would not let anyone in (see verify_login).
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(32))
USERNAME = re.compile(r"[A-Za-z0-9_.-]{2,32}")


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message is for the user."""


@dataclass(frozen=True)
class User:
    username: str
    unit: str  # the unit's official name
    role: Role
    display: str
    # Set when an administrator gave the password (new account, reset): the user must pick their own.
    must_change: bool = False

    @property
    def is_bureau(self) -> bool:
        return self.role in (Role.BUREAU, Role.ADMIN)


def user_of(doc: Doc) -> User:
    """The account's user, with its unit's current official name (the unit may have been renamed since)."""
    stored = str(doc["unit"])
    unit = official_unit_name(stored)
    display = str(doc.get("display") or doc["number"])
    if display == stored * 2:
        display = stored  # the bureau's name twice, as older versions named its accounts by default
    if unit != stored and display.startswith(stored):
        display = unit + display[len(stored) :]  # a display made from the old name follows the new one
    return User(str(doc["number"]), unit, Role(str(doc["role"])), display, doc.get("must_change") is True)


def default_display(unit: str, role: Role) -> str:
    """An account's name when none is given: its unit, and its role where the role says more (区政府区领导)."""
    label = role.label
    return unit if role is Role.UNIT or label == unit else f"{unit}{label}"


def check_password(password: str, username: str) -> None:
    """Raises AccountError naming every rule of the policy the password breaks."""
    problems = password_problems(password, username)
    if problems:
        raise AccountError("；".join(problems) + "。")


def _hash(password: str) -> str:
    with _HASHING:
        return _HASHER.hash(password)


def add_user(
    store: Store,
    username: str,
    unit: str,
    role: str,
    password: str,
    *,
    actor: str = "system",
    display: str = "",
    must_change: bool = False,
) -> User:
    """Create an account; the unit is named as the mechanism writes it (e.g. 区财政局)."""
    if not USERNAME.fullmatch(username):
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
    check_password(password, username)
    if store.get("user", username) is not None:
        raise AccountError(f"用户名“{username}”已存在。")
    doc: Doc = {
        "number": username,
        "unit": found.name,
        "role": the_role.value,
        "display": display.strip()[:40] or default_display(found.name, the_role),
        "hash": _hash(password),
        "active": True,
        "must_change": must_change,
        "password_set": now_iso(),
    }
    store.insert("user", doc, actor=actor, action="新建账号")
    return user_of(doc)


def verify_login(store: Store, username: str, password: str) -> User | None:
    """The user if name and password match; None otherwise, in constant-ish time."""
    doc = store.get("user", username) if USERNAME.fullmatch(username) else None
    usable = doc is not None and doc.get("active", True) is True and isinstance(doc.get("hash"), str)
    stored = str(doc["hash"]) if doc is not None and usable else _DUMMY_HASH
    # A password that is not valid Unicode text (a lone surrogate from JSON) matches nothing.
    password = password.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    try:
        with _HASHING:
            _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    # Only an active account verified against its own hash gets in; the stand-in hash never does.
    return user_of(doc) if doc is not None and usable else None


def get_user(store: Store, username: str) -> User | None:
    doc = store.get("user", username)
    return user_of(doc) if doc and doc.get("active", True) is True else None


# -- administration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """An account as the administrator's list shows it (never the hash)."""

    username: str
    unit: str
    role: Role
    display: str
    active: bool
    must_change: bool
    created: str
    password_set: str


def list_accounts(store: Store) -> list[Account]:
    docs = sorted(store.all("user"), key=lambda d: (str(d.get("role")) != "admin", str(d["number"])))
    return [
        Account(
            str(d["number"]),
            str(d["unit"]),
            Role(str(d["role"])),
            str(d.get("display") or d["number"]),
            d.get("active", True) is not False,
            d.get("must_change") is True,
            str(d.get("created") or ""),
            str(d.get("password_set") or ""),
        )
        for d in docs
    ]


def _existing(store: Store, username: str) -> Doc:
    doc = store.get("user", username)
    if doc is None:
        raise AccountError(f"没有用户名为“{username}”的账号。")
    return doc


def set_password(store: Store, username: str, password: str, *, actor: str, must_change: bool, action: str) -> None:
    """Store a new hash for the account; the policy is checked first, the password never journaled."""
    _existing(store, username)
    check_password(password, username)
    hashed = _hash(password)
    store.update(
        "user",
        username,
        lambda d: d.update(hash=hashed, must_change=must_change, password_set=now_iso()),
        actor=actor,
        action=action,
    )


def reset_password(store: Store, username: str, *, actor: str) -> str:
    """A new random password for the account, returned once; its owner must change it at the next login."""
    password = generate_password()
    set_password(store, username, password, actor=actor, must_change=True, action="重置密码")
    return password


def change_own_password(store: Store, username: str, current: str, new: str) -> None:
    """The user's own change: the current password must be right and the new one different."""
    if verify_login(store, username, current) is None:
        raise AccountError("当前密码不正确。")
    if new == current:
        raise AccountError("新密码不能与当前密码相同。")
    set_password(store, username, new, actor=username, must_change=False, action="修改本人密码")


def set_active(store: Store, username: str, active: bool, *, actor: str) -> None:
    """Deactivate or reactivate; an administrator cannot lock out themselves or the last administrator."""
    doc = _existing(store, username)
    if not active:
        if username == actor:
            raise AccountError("不能停用自己正在使用的账号。")
        admins = store.all("user", lambda d: d.get("role") == "admin" and d.get("active", True) is not False)
        if doc.get("role") == "admin" and len(admins) <= 1:
            raise AccountError("这是唯一启用的系统管理员账号，停用后将无人能管理账号；请先启用另一个管理员。")
    if (doc.get("active", True) is not False) == active:
        return  # already so: nothing to change or journal
    store.update(
        "user", username, lambda d: d.update(active=active), actor=actor, action="启用账号" if active else "停用账号"
    )
