"""Wires the parts into one server: the domain's forms and rules, the store, the generator's publish."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, datetime
from pathlib import Path

from starlette.applications import Starlette

from generator.build import BuildResult, publish
from server.app import DEFAULT_UNIT_QUOTA_MB, DEFAULT_UPLOAD_MB, IN_PROCESS_HOSTS, create_app
from xietiao.config import FORMS_DIR
from xietiao.rulebook import load_domain_forms
from xietiao.store.engine import Store


def build_site(
    store: Store, site: Path, today: date, built_at: datetime, on_stage: Callable[[str], None]
) -> BuildResult:
    """The generator's whole publish, as the server's publisher calls it."""
    return publish(store, site, today, built_at=built_at, on_stage=on_stage)


def assemble_app(
    store: Store,
    *,
    site_dir: Path,
    today: Callable[[], date],
    now: Callable[[], datetime],
    forms_dir: Path = FORMS_DIR,
    upload_mb: int = DEFAULT_UPLOAD_MB,
    allowed_hosts: Collection[str] = IN_PROCESS_HOSTS,
    unit_quota_mb: int = DEFAULT_UNIT_QUOTA_MB,
) -> Starlette:
    """The server of one data directory. A bad form definition raises FormDefinitionError first."""
    return create_app(
        store,
        site_dir=site_dir,
        today=today,
        now=now,
        forms=load_domain_forms(forms_dir),
        build_site=build_site,
        upload_mb=upload_mb,
        allowed_hosts=allowed_hosts,
        unit_quota_mb=unit_quota_mb,
    )
