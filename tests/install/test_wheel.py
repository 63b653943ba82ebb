"""The built wheel, installed into a fresh virtualenv, runs a district from a folder of its own.

Run it alone with `pytest -m wheel`. The wheel is built from a copy of the sources, without the
network: setuptools comes from the test environment (`--no-build-isolation`). The new virtualenv
gets the wheel with `--no-index`; its dependencies are borrowed from the test environment through a
.pth line (tests reach only loopback, so nothing is downloaded), and `pip check` confirms that the
wheel's declared requirements are what it finds. Nothing of the checkout is on the path: the
commands run from another folder with a clean environment.
"""

from __future__ import annotations

import os
import shutil
import site
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("xietiao", "server", "generator", "cli", "pyproject.toml", "README.md")
pytestmark = pytest.mark.wheel


def run(*args: str | Path, cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    env = {"PATH": f"{work / 'venv' / 'bin'}:/usr/bin:/bin", "HOME": str(work), "PIP_NO_INPUT": "1"}
    env |= {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "LANG": "C.UTF-8"}
    pip = [sys.executable, "-m", "pip"]
    run(*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", work / "dist", src, cwd=work, env=env)
    wheel = next((work / "dist").glob("xietiao-*.whl"))
    run(sys.executable, "-m", "venv", "--without-pip", work / "venv", cwd=work, env=env)
    python = work / "venv" / "bin" / "python"
    inside = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=work, env=env)
    (Path(inside.stdout.strip()) / "borrowed-dependencies.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", "utf-8"
    )
    run(*pip, "--python", python, "install", "--no-deps", "--no-index", wheel, cwd=work, env=env)
    yield work, env


def test_the_wheel_installs_and_runs_init_demo_build_and_serve(venv: tuple[Path, dict[str, str]]) -> None:
    work, env = venv
    bin_dir = work / "venv" / "bin"
    python = bin_dir / "python"
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    where = run(python, "-c", "import cli, xietiao; print(xietiao.__file__, cli.__file__)", cwd=elsewhere, env=env)
    assert all(str(work / "venv") in p for p in where.stdout.split()), where.stdout
    checked = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "check"], capture_output=True, text=True, env=env
    )
    assert "xietiao" not in checked.stdout, checked.stdout

    run(bin_dir / "xietiao", "init", "district", "--password", "wheel-password-1", cwd=elsewhere, env=env)
    instance = elsewhere / "district"
    assert (instance / "district.yml").is_file() and (instance / "forms" / "project.yml").is_file()
    shutil.rmtree(instance / "data")  # the demo fills an empty data directory
    run(bin_dir / "xietiao", "demo", cwd=instance, env=env)
    built = run(bin_dir / "xietiao", "build", cwd=instance, env=env)
    assert "站点已发布到 site" in built.stdout
    _serve_and_fetch(bin_dir / "xietiao", instance, env)


def _serve_and_fetch(exe: Path, instance: Path, env: dict[str, str]) -> None:
    port = _free_port()
    log = instance / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(exe), "serve", "--port", str(port)], cwd=instance, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, log.read_text("utf-8")
            time.sleep(0.3)
        with urllib.request.urlopen(f"{base}/", timeout=30) as r:
            home = r.read().decode("utf-8")
        assert r.status == 200 and "重大项目协调例会" in home and "md-search__input" in home
        with urllib.request.urlopen(f"{base}/projects/", timeout=30) as r:
            assert r.status == 200 and "项目一览" in r.read().decode("utf-8")
        with urllib.request.urlopen(f"{base}/app/login", timeout=30) as r:
            login = r.read().decode("utf-8")
        assert 'name="username"' in login and 'type="password"' in login
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert "XX区" in log.read_text("utf-8")  # serve said which district and which files it uses


def test_the_installed_package_carries_every_default(venv: tuple[Path, dict[str, str]]) -> None:
    work, env = venv
    python = work / "venv" / "bin" / "python"
    code = "from xietiao.config import DEFAULTS as D; print('\\n'.join(str(p.relative_to(D)) for p in D.rglob('*')))"
    listing = run(python, "-c", code, cwd=work, env=env)
    shipped = set(listing.stdout.split())
    expected = {str(p.relative_to(ROOT / "xietiao" / "defaults")) for p in (ROOT / "xietiao" / "defaults").rglob("*")}
    assert expected - {p for p in expected if "__pycache__" in p} <= shipped
    assert os.sep.join(("content", "javascripts", "tables.js")) in shipped
