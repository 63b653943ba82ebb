"""`xietiao init DIR`: a new instance folder, started from the package's defaults and a checked profile."""

from __future__ import annotations

import shutil
from pathlib import Path

from xietiao.config import CONTENT_DIR, DEMO_PROFILE, FORMS_DIR, MKDOCS_YML
from xietiao.instance.layout import PROFILE_FILE, Instance
from xietiao.profile import Profile, load_profile
from xietiao.store.durable import atomic_write

OWN = (PROFILE_FILE, "forms", "content", "mkdocs.yml")


class InstanceExists(Exception):
    """The folder already holds an instance (or data); init never overwrites one."""


def refuse_existing(root: Path) -> None:
    """Raise InstanceExists when `root` already holds any part of an instance."""
    present = [name for name in OWN if (root / name).exists()]
    if present:
        raise InstanceExists(f"{root} 中已有 {'、'.join(present)}：init 不会覆盖已有的实例。")


def create_instance(root: Path, profile_source: Path | None = None) -> tuple[Instance, Profile]:
    """Write the profile (a copy of `profile_source`, else the demo district's), forms/, content/ and mkdocs.yml.

    The profile is checked before anything is written (ProfileError); an existing instance is refused.
    """
    instance = Instance(root)
    refuse_existing(root)
    source = profile_source or DEMO_PROFILE
    profile = load_profile(source)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(FORMS_DIR, root / "forms")
    shutil.copytree(CONTENT_DIR, root / "content")
    shutil.copyfile(MKDOCS_YML, root / "mkdocs.yml")
    # Last, and atomically: a folder with its profile in place is a finished instance.
    atomic_write(instance.profile_file, source.read_bytes())
    return instance, profile
