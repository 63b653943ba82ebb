"""Where an instance keeps each thing, with the package's defaults for whatever it does not have.

An instance folder is like a MkDocs project: `district.yml` (the profile), `forms/`, `content/`,
`mkdocs.yml`, `data/` and the published `site/` with its versions beside it. Anything missing
comes from the defaults shipped with the package, so the source checkout (which keeps none of
them at its top) runs as the demo district.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xietiao.config import CONTENT_DIR, FORMS_DIR, MKDOCS_YML
from xietiao.profile import Profile, demo_profile, load_profile

PROFILE_FILE = "district.yml"


@dataclass(frozen=True)
class SiteSources:
    """What a site build reads besides the data: the MkDocs configuration, hand-written pages, forms."""

    mkdocs_yml: Path = MKDOCS_YML
    # Copied in order into the build's docs folder: the package's pages, then the instance's on top.
    content: tuple[Path, ...] = (CONTENT_DIR,)
    forms_dir: Path = FORMS_DIR

    def absolute(self) -> SiteSources:
        return SiteSources(
            self.mkdocs_yml.absolute(), tuple(p.absolute() for p in self.content), self.forms_dir.absolute()
        )


@dataclass(frozen=True)
class Instance:
    root: Path

    @property
    def profile_file(self) -> Path:
        return self.root / PROFILE_FILE

    @property
    def has_profile(self) -> bool:
        return self.profile_file.is_file()

    @property
    def forms_dir(self) -> Path:
        """The instance's forms/ when it has one (used whole), else the package's."""
        own = self.root / "forms"
        return own if own.is_dir() else FORMS_DIR

    @property
    def mkdocs_yml(self) -> Path:
        own = self.root / "mkdocs.yml"
        return own if own.is_file() else MKDOCS_YML

    @property
    def content(self) -> tuple[Path, ...]:
        """The package's site pages, then the instance's content/ over them, file by file."""
        own = self.root / "content"
        return (CONTENT_DIR, own) if own.is_dir() else (CONTENT_DIR,)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    def sources(self) -> SiteSources:
        return SiteSources(self.mkdocs_yml, self.content, self.forms_dir)

    def read_profile(self) -> Profile:
        """The instance's profile, checked (ProfileError lists every problem); the demo district's if it has none."""
        return load_profile(self.profile_file) if self.has_profile else demo_profile()

    def describe(self) -> list[str]:
        """Which files this instance uses, for the operator (own file or package default)."""

        def which(own: Path, used: Path) -> str:
            return f"{own}" if used == own else "软件自带的默认文件"

        return [
            f"区情配置：{self.profile_file if self.has_profile else '软件自带的演示区配置'}",
            f"表单定义：{which(self.root / 'forms', self.forms_dir)}",
            f"站点配置：{which(self.root / 'mkdocs.yml', self.mkdocs_yml)}",
        ]
