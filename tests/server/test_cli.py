"""The command line as other systems drive it: demo, build, user add, and refusals that keep the old site."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

OUTSIDE = re.compile(rb"(?:src|href)=[\"']?(?:https?:)?//(?!127\.0\.0\.1|localhost)[^\"' >]+", re.I)


def xietiao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("cli")
    data, site = root / "data", root / "site"
    demo = xietiao("demo", "--data", str(data))
    assert demo.returncode == 0, demo.stderr
    assert "fgj" in demo.stdout and "xietiao-demo-2026" in demo.stdout
    build = xietiao("build", "--data", str(data), "--site", str(site))
    assert build.returncode == 0, build.stderr
    yield data, site


def test_demo_build_shows_colours_on_project_pages(built: tuple[Path, Path]) -> None:
    _, site = built
    pages = sorted((site / "projects").glob("P-*/index.html"))
    assert len(pages) >= 50
    texts = [p.read_text("utf-8") for p in pages]
    for word in ("正常", "滞后", "严重滞后"):
        assert any(word in t for t in texts), word
    assert all("三色" in t for t in texts)


def test_building_again_rebuilds_only_what_changed(built: tuple[Path, Path]) -> None:
    data, site = built
    live = os.readlink(site)
    again = xietiao("build", "--data", str(data), "--site", str(site))
    assert again.returncode == 0, again.stderr
    # The same data (and, but across midnight, the same day): nothing to build, the live site stays.
    assert "全量构建" not in again.stdout
    if "已是最新" in again.stdout:
        assert os.readlink(site) == live


def test_no_built_file_references_an_outside_host(built: tuple[Path, Path]) -> None:
    _, site = built
    offenders = []
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".css", ".js", ".json", ".xml"}:
            body = path.read_bytes()
            if OUTSIDE.search(body) or b"fonts.googleapis" in body or b"unpkg.com" in body:
                offenders.append(str(path.relative_to(site)))
    assert offenders == []


def test_build_on_a_corrupt_data_dir_fails_and_keeps_the_old_site(built: tuple[Path, Path], tmp_path: Path) -> None:
    data, site = built
    index_before = (site / "index.html").read_bytes()
    target_before = site.resolve()
    victim = next((data / "item").glob("*.json"))
    original = victim.read_bytes()
    victim.write_bytes(original[: len(original) // 2])
    try:
        result = xietiao("build", "--data", str(data), "--site", str(site))
    finally:
        victim.write_bytes(original)
    assert result.returncode != 0
    assert victim.name in result.stderr and "损坏" in result.stderr
    assert site.resolve() == target_before and (site / "index.html").read_bytes() == index_before


def test_build_on_a_missing_data_dir_fails_with_a_message(tmp_path: Path) -> None:
    result = xietiao("build", "--data", str(tmp_path / "nope"), "--site", str(tmp_path / "site"))
    assert result.returncode != 0 and "不存在" in result.stderr and "nope" in result.stderr
    assert not (tmp_path / "site").exists()


def test_user_add_by_unit_name_and_refusals(built: tuple[Path, Path]) -> None:
    data, _ = built
    ok = xietiao(
        "user",
        "add",
        "czj2",
        "--unit",
        "区财政局",
        "--role",
        "unit",
        "--password",
        "long-password-1",
        "--data",
        str(data),
    )
    assert ok.returncode == 0 and "区财政局" in ok.stdout, ok.stderr
    bad = xietiao(
        "user",
        "add",
        "who",
        "--unit",
        "不存在局",
        "--role",
        "unit",
        "--password",
        "long-password-1",
        "--data",
        str(data),
    )
    assert bad.returncode == 1 and "没有名为“不存在局”的单位" in bad.stderr


def test_init_makes_an_empty_dir_with_a_bureau_account(tmp_path: Path) -> None:
    result = xietiao("init", "--data", str(tmp_path / "fresh"), "--password", "first-password-1")
    assert result.returncode == 0 and "fgj" in result.stdout
    again = xietiao("init", "--data", str(tmp_path / "fresh"))
    assert again.returncode == 1 and "不是空的" in again.stderr
