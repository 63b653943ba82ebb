"""The password policy: length, classes, not the username, not a common password; the CLI and init keep it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main
from xietiao.accounts import AccountError, add_user, check_password
from xietiao.demo.generate import DEMO_PASSWORD
from xietiao.passwords import MIN_LENGTH, common_passwords, generate_password, password_problems
from xietiao.store.engine import Store


@pytest.mark.parametrize(
    ("password", "username", "why"),
    [
        ("Ab1-short", "dc", "至少10位"),
        ("onlylowercaseletters", "dc", "至少3类"),
        ("ALLUPPER12345", "dc", "至少3类"),
        ("czj-is-my-name-1", "czj", "不能包含用户名"),
        ("1-jzc-reversed-name", "czj", "不能包含用户名"),
        ("Admin@2026", "dc", "常见的弱密码"),
        ("P@ssw0rd-2026", "dc", "常见的弱密码"),
        ("Woaini1314!", "dc", "常见的弱密码"),
        ("Qwertyuiop1!", "dc", "常见的弱密码"),
        ("Xietiao@2026", "dc", "常见的弱密码"),
    ],
)
def test_weak_passwords_are_refused_with_the_rule_named(password: str, username: str, why: str) -> None:
    problems = password_problems(password, username)
    assert any(why in p for p in problems), problems
    with pytest.raises(AccountError, match=why):
        check_password(password, username)


@pytest.mark.parametrize(
    ("password", "username"),
    [
        (DEMO_PASSWORD, "czj"),  # the demo's seeded accounts go through the same policy
        (DEMO_PASSWORD, "admin"),
        ("test-password-1", "dc"),  # a two-letter unit code inside a word is chance, not the name
        ("Hetang-Bridge-77", "fgj"),
        ("Changhe-Daqiao-2026", "fgj"),
    ],
)
def test_good_passwords_pass(password: str, username: str) -> None:
    assert password_problems(password, username) == []


def test_every_demo_login_meets_the_policy() -> None:
    from xietiao.units import all_units

    for name in ["fgj", "leader", "admin", *(u.code for u in all_units())]:
        assert password_problems(DEMO_PASSWORD, name) == [], name


def test_generated_passwords_meet_the_policy_and_differ() -> None:
    drawn = {generate_password() for _ in range(50)}
    assert len(drawn) == 50
    for pw in drawn:
        assert password_problems(pw, "admin") == [] and len(pw) >= MIN_LENGTH
        assert not set(pw) & set("0O1lI")  # nothing a clerk would misread


def test_the_common_list_ships_as_package_data_and_is_ours() -> None:
    words = common_passwords()
    assert {"123456", "password", "woaini1314", "1qaz2wsx"} <= words
    assert len(words) > 100
    assert all(w == w.lower() and w.strip() == w for w in words)


def test_add_user_refuses_a_weak_password_and_stores_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "data", create=True) as store:
        with pytest.raises(AccountError, match="至少10位"):
            add_user(store, "czj2", "区财政局", "unit", "Ab1-short")
        assert store.get("user", "czj2") is None


def test_cli_user_add_keeps_working_and_applies_the_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "data")
    assert main(["init", "--data", data, "--password", "First-Account-9"]) == 0
    base = ["user", "add", "czj", "--data", data, "--unit", "区财政局", "--role", "unit"]
    assert main([*base, "--password", "password"]) == 1
    err = capsys.readouterr().err
    assert "至少10位" in err and "常见的弱密码" in err and "密码规则" in err
    assert main([*base, "--password", "Caizheng-Ju-2026"]) == 0
    assert "已新建账号 czj" in capsys.readouterr().out


def test_init_refuses_a_weak_password_before_making_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert main(["init", "--data", str(data), "--password", "12345678"]) == 1
    assert "至少10位" in capsys.readouterr().err
    assert not data.exists()  # a refused init leaves no folder behind, so it can simply be run again
    assert main(["init", "--data", str(data)]) == 0
    printed = capsys.readouterr().out
    generated = printed.rsplit("密码：", 1)[1].strip()
    assert password_problems(generated, "fgj") == []
