"""Who may take which step of the meeting cycle; a refusal names the role that may."""

from __future__ import annotations

from xietiao.accounts import User
from xietiao.forms.submissions import NotAllowed
from xietiao.model import Role
from xietiao.profile import current
from xietiao.units import bureau_name


class RoleRefused(NotAllowed):
    """The step exists and is due, but this user's role may not take it."""


def require_bureau(user: User, what: str) -> None:
    if user.role not in (Role.BUREAU, Role.ADMIN):
        raise RoleRefused(f"只有{bureau_name()}可以{what}。")


def require_leader(user: User, what: str) -> None:
    if user.role is not Role.LEADER:
        raise RoleRefused(f"只有{current().leaders_label}可以{what}。")
