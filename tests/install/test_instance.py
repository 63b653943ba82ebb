"""`xietiao init DIR` makes an instance folder; every command reads the instance's profile; `--data` works as before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from xietiao.config import DEMO_PROFILE

COUNTY = """
district: {name: 青山县, level: 县}
government: {name: 县政府, code: xzf, login: xld, leaders: [常务副县长]}
bureau: {name: 县发展和改革局, code: xfg, login: xfg}
units:
  - {name: 城关镇, code: cgz, kind: 镇街}
  - {name: 县财政局, code: xczj, kind: 部门, login: caizheng}
"""


def xietiao(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[2]
    return subprocess.run(
        [sys.executable, "-c", "import sys; from cli.main import main; sys.exit(main())", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )


def test_init_makes_an_instance_from_a_checked_profile(tmp_path: Path) -> None:
    source = tmp_path / "青山县.yml"
    source.write_text(COUNTY, "utf-8")
    made = xietiao("init", "qingshan", "--profile", str(source), "--password", "init-password-1", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    root = tmp_path / "qingshan"
    assert (root / "district.yml").read_text("utf-8") == COUNTY
    assert sorted(p.name for p in (root / "forms").glob("*.yml")) == [
        "closure.yml",
        "issue.yml",
        "material.yml",
        "progress.yml",
        "project.yml",
    ]
    assert (root / "mkdocs.yml").is_file() and (root / "content" / "about.md").is_file()
    assert "首个县发展和改革局账号：xfg  密码：init-password-1" in made.stdout
    assert (root / "data" / "user").is_dir()
    again = xietiao("init", "qingshan", cwd=tmp_path)
    assert again.returncode == 1 and "不会覆盖" in again.stderr
    # Every command works on the instance: users are added to the county's units, by their names.
    ok = xietiao("user", "add", "cgz", "--unit", "城关镇", "--role", "unit", "--password", "Unit-password-7", cwd=root)
    assert ok.returncode == 0, ok.stderr
    refused = xietiao(
        "user", "add", "czj", "--unit", "区财政局", "--role", "unit", "--password", "Unit-password-7", cwd=root
    )
    assert refused.returncode == 1 and "区财政局" in refused.stderr
    checked = xietiao("check", "--instance", str(root))
    assert checked.returncode == 0 and "青山县：4 个单位" in checked.stdout and "检查通过" in checked.stdout


def test_a_broken_profile_stops_init_and_every_command_with_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(COUNTY.replace("kind: 镇街", "kind: 乡") + "meeting: {time: 9:00}\n", "utf-8")
    refused = xietiao("init", "x", "--profile", str(bad), cwd=tmp_path)
    assert refused.returncode == 1 and not (tmp_path / "x").exists()
    assert "bad.yml: units[0].kind" in refused.stderr and "bad.yml: meeting.time" in refused.stderr
    (tmp_path / "district.yml").write_text(bad.read_text("utf-8"), "utf-8")
    for args in (("check",), ("demo",), ("serve", "--port", "1")):
        result = xietiao(*args, cwd=tmp_path)
        assert result.returncode == 1 and "district.yml: units[0].kind" in result.stderr, args
    assert not (tmp_path / "data").exists()


def test_init_with_only_data_keeps_its_old_meaning_and_unit_accounts_are_optional(tmp_path: Path) -> None:
    plain = xietiao("init", "--data", str(tmp_path / "d1"), "--password", "init-password-1", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert not (tmp_path / "district.yml").exists() and not (tmp_path / "forms").exists()
    assert "首个区发展改革局账号：fgj" in plain.stdout
    source = tmp_path / "county.yml"
    source.write_text(COUNTY, "utf-8")
    made = xietiao("init", "c", "--profile", str(source), "--unit-accounts", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert all(f"{login} " in made.stdout for login in ("xld", "cgz", "caizheng")) and "只显示这一次" in made.stdout
    assert DEMO_PROFILE.read_text("utf-8") != COUNTY
