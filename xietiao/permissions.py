"""Who may take which step of the meeting cycle; a refusal names the role that may."""

from __future__ import annotations

from xietiao.accounts import User
from xietiao.forms.submissions import NotAllowed
from xietiao.model import Role


class RoleRefused(NotAllowed):
    """The step exists and is due, but this user's role may not take it."""


def require_bureau(user: User, what: str) -> None:
    if user.role not in (Role.BUREAU, Role.ADMIN):
        raise RoleRefused(f"只有区发展改革局可以{what}。")


def require_leader(user: User, what: str) -> None:
    if user.role is not Role.LEADER:
        raise RoleRefused(f"只有区领导可以{what}。")
