"""An account's name when none is given says who it is once: the bureau's accounts are not 区发展改革局区发展改革局."""

from __future__ import annotations

import pytest
from conftest import PASSWORD

from xietiao.accounts import add_user, get_user
from xietiao.store.engine import Store
from xietiao.units import bureau_name, government_name


@pytest.mark.parametrize(
    ("username", "unit", "role", "display"),
    [
        ("fgj2", "区发展改革局", "bureau", "区发展改革局"),
        ("admin2", "区发展改革局", "admin", "区发展改革局系统管理员"),
        ("leader2", "区政府", "leader", "区政府区领导"),
        ("czj2", "区财政局", "unit", "区财政局"),
    ],
)
def test_default_account_names_name_the_unit_once(
    store: Store, username: str, unit: str, role: str, display: str
) -> None:
    assert add_user(store, username, unit, role, PASSWORD).display == display
    assert get_user(store, username).display == display  # type: ignore[union-attr]


def test_an_account_named_by_the_old_default_reads_once(store: Store) -> None:
    add_user(store, "fgj3", bureau_name(), "bureau", PASSWORD, display=bureau_name() * 2)
    assert get_user(store, "fgj3").display == bureau_name()  # type: ignore[union-attr]
    add_user(store, "gov3", government_name(), "leader", PASSWORD, display="分管副区长")
    assert get_user(store, "gov3").display == "分管副区长"  # a name someone chose stays as it is
