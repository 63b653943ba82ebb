"""Who a reminder reaches: the e-mail addresses of the audience's accounts and its unit's chat robots."""

from __future__ import annotations

import re
from dataclasses import dataclass

from xietiao.jsonvalue import Doc
from xietiao.model import Role
from xietiao.notify.reminders import Audience, Reminder
from xietiao.notify.settings import NotifySettings
from xietiao.store.engine import Store
from xietiao.units import bureau_name, government_name

# Deliberately plain: one @, no spaces or angle brackets, a dot in the domain. SMTP decides the rest.
EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9.\-]{1,253}\.[A-Za-z]{2,24}$", re.ASCII)


class AddressError(ValueError):
    """An e-mail address that cannot be stored; the message is for the user."""


@dataclass(frozen=True)
class Delivery:
    channel: str  # "email", or the robot's kind: "wecom", "dingtalk", "webhook"
    target: str  # the address, or the robot's ident (never its URL)
    shown: str  # what the admin page shows for the recipient


def _roles(audience: Audience) -> tuple[Role, ...]:
    return {Audience.UNIT: (Role.UNIT,), Audience.BUREAU: (Role.BUREAU,), Audience.LEADER: (Role.LEADER,)}[audience]


def _robot_unit(reminder: Reminder) -> str:
    if reminder.audience is Audience.BUREAU:
        return bureau_name()
    if reminder.audience is Audience.LEADER:
        return government_name()
    return reminder.unit


def _addressed(doc: Doc, reminder: Reminder) -> bool:
    if not doc.get("active", True) or not isinstance(doc.get("email"), str) or not doc["email"]:
        return False
    if str(doc.get("role")) not in {r.value for r in _roles(reminder.audience)}:
        return False
    return reminder.audience is not Audience.UNIT or doc.get("unit") == reminder.unit


def deliveries(store: Store, settings: NotifySettings, reminder: Reminder) -> list[Delivery]:
    """One delivery per distinct address and per robot of the audience's unit."""
    out: list[Delivery] = []
    if settings.email is not None:
        seen: set[str] = set()
        for doc in store.all("user", lambda d: _addressed(d, reminder)):
            address = str(doc["email"]).strip()
            if address.lower() not in seen:
                seen.add(address.lower())
                out.append(Delivery("email", address, f"{address}（{doc['number']}）"))
    unit = _robot_unit(reminder)
    for robot in settings.robots:
        if robot.unit == unit:
            out.append(Delivery(robot.kind.value, robot.ident, f"{robot.unit} {robot.shown}"))
    return out


def set_email(store: Store, username: str, address: str, *, actor: str) -> Doc:
    """Give an account an e-mail address for reminders ("" removes it)."""
    address = address.strip()
    if address and not EMAIL.fullmatch(address):
        raise AddressError(f"“{address[:80]}”不是有效的电子邮件地址，例如 zhangsan@example.gov.cn。")
    if store.get("user", username) is None:
        raise AddressError(f"没有账号“{username[:40]}”。")
    return store.update(
        "user",
        username,
        lambda d: d.update(email=address),
        actor=actor,
        action="设置提醒邮箱" if address else "删除提醒邮箱",
    )
