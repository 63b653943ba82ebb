"""Wires the parts into one server: the domain's forms and rules, the store, the generator's publish."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from starlette.applications import Starlette

from generator.build import BuildResult, SitePublisher
from generator.output.stamp import published_day
from generator.sitedata import change_reason
from server.app import DEFAULT_UPLOAD_MB, create_app
from server.publisher import Publisher, SiteBuilder
from xietiao.config import FORMS_DIR
from xietiao.rulebook import load_domain_forms
from xietiao.store.engine import ChangeListener, Store


def site_builder() -> SiteBuilder:
    """The generator's publish as the server's publisher calls it, keeping what one publish leaves the next."""
    publisher = SitePublisher()

    def build_site(
        store: Store, site: Path, today: date, built_at: datetime, on_stage: Callable[[str], None], reason: str
    ) -> BuildResult:
        return publisher.publish(store, site, today, built_at=built_at, on_stage=on_stage, reason=reason)

    return build_site


def publish_on_change(publisher: Publisher) -> ChangeListener:
    """A store listener: every committed change to a kind of record the site shows asks for a publish."""

    def listener(kinds: frozenset[str]) -> None:
        reason = change_reason(kinds)
        if reason:
            publisher.request(reason)

    return listener


def assemble_app(
    store: Store,
    *,
    site_dir: Path,
    today: Callable[[], date],
    now: Callable[[], datetime],
    forms_dir: Path = FORMS_DIR,
    upload_mb: int = DEFAULT_UPLOAD_MB,
    auto_publish: bool = True,
) -> Starlette:
    """The server of one data directory. A bad form definition raises FormDefinitionError first.

    With `auto_publish` (the default, as `xietiao serve` runs), every change a reader can see is
    published within seconds, and the site is published every day after midnight.
    """
    app = create_app(
        store,
        site_dir=site_dir,
        today=today,
        now=now,
        forms=load_domain_forms(forms_dir),
        build_site=site_builder(),
        upload_mb=upload_mb,
        daily_publish=auto_publish,
        last_published=lambda: published_day(Path(site_dir)),
    )
    if auto_publish:
        store.subscribe(publish_on_change(app.state.xietiao.publisher))
    return app
