"""What a version of the site was built from: enough to build the next one from it, or to know it must not be."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import zlib
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

GENERATOR = Path(__file__).resolve().parent.parent
# Whatever shapes the built files other than the Markdown sources: a change in any of them
# (an upgrade, an edited template or config) makes the next publish a full build.
TOOLS = ("mkdocs", "mkdocs-material", "brotli")
# The theme's overrides (custom_dir) beside mkdocs.yml, by the name the package's and `xietiao init`'s
# configuration give them. A district that points custom_dir elsewhere runs `xietiao build --full` after
# editing them.
OVERRIDES = "overrides"


@dataclass(frozen=True)
class Manifest:
    fingerprint: str  # the toolchain (see toolchain_fingerprint)
    sources: dict[str, str]  # docs path -> digest of its bytes
    stamp: str  # digest of what the stamp says about the data (which minutes), not when or why

    def same_site(self, other: Manifest) -> bool:
        """Would a build from `other`'s inputs give this version's files (the stamp's time aside)?"""
        return (self.fingerprint, self.sources, self.stamp) == (other.fingerprint, other.sources, other.stamp)


def toolchain_fingerprint(config: Path) -> str:
    digest = hashlib.sha1(config.read_bytes())
    for path in sorted(GENERATOR.rglob("*")):
        if path.suffix in (".py", ".j2") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(GENERATOR).as_posix().encode() + b"\0" + path.read_bytes())
    theme = config.parent / OVERRIDES
    for path in sorted(theme.rglob("*")):
        if path.is_file():
            digest.update(b"theme/" + path.relative_to(theme).as_posix().encode() + b"\0" + path.read_bytes())
    for name in TOOLS:
        try:
            digest.update(f"{name}={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(f"{name}=-".encode())
    digest.update(f"zlib={zlib.ZLIB_RUNTIME_VERSION} python={sys.version_info[:2]}".encode())
    return digest.hexdigest()


def _path(cache: Path, name: str) -> Path:
    return cache / "manifests" / f"{name}.json"


def read_manifest(cache: Path, name: str) -> Manifest | None:
    try:
        data = json.loads(_path(cache, name).read_text("utf-8"))
        return Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None  # none, torn or of another shape: the next build is a full one


def write_manifest(cache: Path, name: str, manifest: Manifest) -> None:
    path = _path(cache, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(manifest), ensure_ascii=False, sort_keys=True), "utf-8")
    os.replace(tmp, path)


def prune_manifests(cache: Path, keep: set[str]) -> None:
    folder = cache / "manifests"
    if folder.is_dir():
        for path in folder.glob("*.json"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)
