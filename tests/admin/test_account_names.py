"""The name an account shows in the header and the account list when the admin gives none."""

from __future__ import annotations

from pathlib import Path

from xietiao.accounts import add_user
from xietiao.model import Role
from xietiao.store.engine import Store
from xietiao.units import bureau_name, government_name

PASSWORD = "names-Password-1"


def test_a_default_name_never_says_the_bureau_twice(tmp_path: Path) -> None:
    with Store(tmp_path / "data", create=True) as store:
        shown = {
            role: add_user(store, name, unit, role, PASSWORD).display
            for name, unit, role in (
                ("fgj", bureau_name(), "bureau"),
                ("admin", bureau_name(), "admin"),
                ("leader", government_name(), "leader"),
                ("dc", "东城街道", "unit"),
            )
        }
    assert shown == {
        "bureau": bureau_name(),
        "admin": f"{bureau_name()}{Role.ADMIN.label}",
        "leader": f"{government_name()}{Role.LEADER.label}",
        "unit": "东城街道",
    }
