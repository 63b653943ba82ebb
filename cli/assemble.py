"""Wires the parts into one server: the domain's forms and rules, the store, the generator's publish."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from starlette.applications import Starlette

from generator.build import BuildResult, publish
from server.app import DEFAULT_UPLOAD_MB, create_app
from server.publisher import SiteBuilder
from xietiao.instance.layout import SiteSources
from xietiao.rulebook import load_domain_forms
from xietiao.store.engine import Store


def site_builder(sources: SiteSources) -> SiteBuilder:
    """The generator's whole publish of the instance's site, as the server's publisher calls it."""

    def build_site(
        store: Store, site: Path, today: date, built_at: datetime, on_stage: Callable[[str], None]
    ) -> BuildResult:
        return publish(store, site, today, built_at=built_at, on_stage=on_stage, sources=sources)

    return build_site


def assemble_app(
    store: Store,
    *,
    site_dir: Path,
    today: Callable[[], date],
    now: Callable[[], datetime],
    sources: SiteSources | None = None,
    forms_dir: Path | None = None,
    upload_mb: int = DEFAULT_UPLOAD_MB,
) -> Starlette:
    """The server of one data directory. A bad form definition raises FormDefinitionError first.

    `sources` are the instance's forms, MkDocs configuration and pages (the package's by default);
    `forms_dir`, when given, replaces the sources' forms. The district profile is the one installed
    (`xietiao.profile.install`) before this is called.
    """
    sources = sources or SiteSources()
    if forms_dir is not None:
        sources = replace(sources, forms_dir=forms_dir)
    return create_app(
        store,
        site_dir=site_dir,
        today=today,
        now=now,
        forms=load_domain_forms(sources.forms_dir),
        build_site=site_builder(sources),
        upload_mb=upload_mb,
    )
