"""The profile this process serves: the demo district's until the command line (or a test) installs another.

One process serves one district, so the installed profile is process-wide; `xietiao.units` and the
documents read it through `current()`. Installing is one reference assignment: a reader sees the
old profile or the new one, never a mix.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from xietiao.config import DEMO_PROFILE
from xietiao.profile.reader import Problem, ProfileError, read_file
from xietiao.profile.schema import Profile, with_keys

_lock = threading.Lock()
_installed: Profile | None = None


def load_profile(path: Path) -> Profile:
    """Read and check a profile file; raises ProfileError listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(
            [Problem(str(path), "(文件)", f"无法读取（{exc}）", "检查文件是否存在、是否为 UTF-8 编码")]
        ) from None
    return with_keys(read_file(Profile, text, path.name))


@cache
def demo_profile() -> Profile:
    """The demo district's profile, shipped with the package."""
    return load_profile(DEMO_PROFILE)


def current() -> Profile:
    """The installed profile; the demo district's when nothing was installed."""
    profile = _installed
    if profile is None:
        with _lock:
            if _installed is None:
                install(demo_profile())
            profile = _installed
    assert profile is not None
    return profile


def install(profile: Profile) -> Profile:
    """Make `profile` the one every reader sees from now on."""
    global _installed
    _installed = profile
    return profile


@contextmanager
def using(profile: Profile) -> Iterator[Profile]:
    """`profile` installed for the duration of the block (tests, tools), then the previous one again."""
    global _installed
    before = _installed
    _installed = profile
    try:
        yield profile
    finally:
        _installed = before
