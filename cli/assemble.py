"""Wires the parts into one server: the domain's forms and rules, the store, the generator's publish."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from starlette.applications import Starlette

from generator.build import BuildResult, SitePublisher
from generator.output.stamp import published_day
from generator.sitedata import PUBLISHED_KINDS
from server.app import DEFAULT_UNIT_QUOTA_MB, DEFAULT_UPLOAD_MB, IN_PROCESS_HOSTS, create_app
from server.auth.sessions import IDLE_MINUTES
from server.notify.service import NotifyService
from server.publisher import Publisher, SiteBuilder
from xietiao.config import FORMS_DIR
from xietiao.forms.definitions import FormDef, Problem
from xietiao.forms.versions import KIND as FORM_VERSIONS
from xietiao.forms.versions import Registration, register_versions
from xietiao.instance.layout import SiteSources
from xietiao.notify.settings import NotifySettings, read_settings_file, settings_path
from xietiao.rulebook import load_domain_forms
from xietiao.store.engine import ChangeListener, Store


class ServerPublishing:
    """The generator's publish of the instance's site as the server's publisher calls it, keeping what one
    publish leaves the next (pages, converted records, the search's page cache on disk, the next build's
    process, started and waiting). As a service of the app, it stops that waiting process with the server."""

    def __init__(self, sources: SiteSources) -> None:
        self.sources = sources
        self.publisher = SitePublisher(keep_ready=True)

    def __call__(
        self, store: Store, site: Path, today: date, built_at: datetime, on_stage: Callable[[str], None], reason: str
    ) -> BuildResult:
        return self.publisher.publish(
            store, site, today, built_at=built_at, on_stage=on_stage, reason=reason, sources=self.sources
        )

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        self.publisher.close()


def site_builder(sources: SiteSources) -> SiteBuilder:
    """The server's site builder (see ServerPublishing)."""
    return ServerPublishing(sources)


def versioned_forms(store: Store, forms_dir: Path = FORMS_DIR) -> tuple[dict[str, FormDef], list[Registration]]:
    """The forms with their rules and version numbers; a changed definition is registered, with its report."""
    return register_versions(store, load_domain_forms(forms_dir))


def form_report(registrations: list[Registration]) -> list[str]:
    """What `serve` and `build` print about the form definitions at start-up."""
    changed = [r for r in registrations if r.new]
    if not changed:
        versions = "、".join(f"{r.name} 第{r.version}版" for r in registrations)
        return [f"表单定义未变化（{versions}）。"]
    lines = ["表单定义检查（已对照现有数据）："]
    for r in changed:
        lines += r.lines()
    lines.append("以上情况也显示在系统管理的“表单版本”页面。")
    return lines


# How the publish stamp names a kind of change (never a record's number or name: the stamp is public).
CHANGE_LABELS = {
    "project": "项目",
    "issue": "协调议题",
    "meeting": "例会纪要",
    "item": "议定事项",
    "progress": "月度进展",
    "material": "上会材料",
    "supervision": "督办",
    "snapshot": "三色快照",
    FORM_VERSIONS: "表单定义",
    "unit": "责任单位",
}


def change_reason(kinds: frozenset[str]) -> str:
    """The publish reason for a change to these kinds of record, e.g. 数据更新：月度进展、议定事项."""
    shown = sorted(kinds & PUBLISHED_KINDS)
    return "数据更新：" + "、".join(CHANGE_LABELS.get(k, k) for k in shown) if shown else ""


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
    sources: SiteSources | None = None,
    forms_dir: Path | None = None,
    upload_mb: int = DEFAULT_UPLOAD_MB,
    notifications: tuple[NotifySettings, list[Problem]] | None = None,
    idle_minutes: int = IDLE_MINUTES,
    allowed_hosts: Collection[str] = IN_PROCESS_HOSTS,
    unit_quota_mb: int = DEFAULT_UNIT_QUOTA_MB,
    auto_publish: bool = False,
) -> Starlette:
    """The server of one data directory. A bad form definition raises FormDefinitionError first.

    `sources` are the instance's forms, MkDocs configuration and pages (the package's by default);
    `forms_dir`, when given, replaces the sources' forms. The district profile is the one installed
    (`xietiao.profile.install`) before this is called. Reminders are set by `notifications` or, by
    default, by notifications.yml beside the data directory; problems in it leave reminders off and
    are listed on the admin page. With `auto_publish` (as `xietiao serve` runs it; tests that do not
    test publishing leave it off), every change a reader can see is published within seconds, and the
    site is published every day after midnight.
    """
    sources = sources or SiteSources()
    if forms_dir is not None:
        sources = replace(sources, forms_dir=forms_dir)
    path = settings_path(store.root)
    settings, problems = notifications if notifications is not None else read_settings_file(path)
    notify = NotifyService(store, settings, problems, now, source=str(path) if notifications is None else "")
    publishing = ServerPublishing(sources)
    app = create_app(
        store,
        site_dir=site_dir,
        today=today,
        now=now,
        forms=versioned_forms(store, sources.forms_dir)[0],
        build_site=publishing,
        upload_mb=upload_mb,
        services=[notify, publishing],
        notify=notify,
        idle_minutes=idle_minutes,
        allowed_hosts=allowed_hosts,
        unit_quota_mb=unit_quota_mb,
        daily_publish=auto_publish,
        last_published=lambda: published_day(Path(site_dir)),
    )
    if auto_publish:
        store.subscribe(publish_on_change(app.state.xietiao.publisher))
    return app
