"""What the site works out from the records it read: item assessments, project colours, the indexes."""

from __future__ import annotations

from datetime import date

from generator.views import SiteData
from xietiao.ledger.board import ProjectColour, item_assessment, official_name, project_colour
from xietiao.ledger.colours import Assessment
from xietiao.ledger.figures import count_figures
from xietiao.model import AgreedItem, Project
from xietiao.profile import current


def derive(site: SiteData, memo: dict[str, object]) -> None:
    """Fill the site data's derived parts: assessments, the indexes by project, meeting and unit, colours."""
    # Colours are pure functions of an item or a project and its items, of today and of the profile's
    # thresholds: those of a publish are kept (in the record cache's memo) and reused for equal inputs
    # on the same day under the same profile.
    kept = memo.get("derived")
    if not isinstance(kept, _Derived) or kept.today != site.today or kept.profile is not current():
        kept = _Derived(site.today)
        memo["derived"] = kept
    for number in sorted(site.items):
        item = site.items[number]
        site.assessments[number] = kept.assessment(item)
        site.by_project.setdefault(item.project, []).append(item)
        site.by_meeting.setdefault(item.meeting, []).append(item)
        site.by_unit.setdefault(official_name(item.lead_unit), []).append(item)
    for number in sorted(site.issues):
        issue = site.issues[number]
        site.issues_by_project.setdefault(issue.project, []).append(issue)
    site.shown_meetings = {m.number for m in site.meetings}
    site.colours = {n: kept.colour(p, site.by_project.get(n, [])) for n, p in site.projects.items()}
    # The headline counts by the one rule the app's ledger and the bulletin use too.
    site.figures = count_figures(site.projects.values(), site.items.values(), site.today)


class _Derived:
    """Assessments and project colours of one day, by the item or project (and items) they came from."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.profile = current()
        self._items: dict[str, tuple[AgreedItem, Assessment]] = {}
        self._projects: dict[str, tuple[Project, tuple[AgreedItem, ...], ProjectColour]] = {}

    def assessment(self, item: AgreedItem) -> Assessment:
        old = self._items.get(item.number)
        if old is not None and (old[0] is item or old[0] == item):
            return old[1]
        value = item_assessment(item, self.today)
        self._items[item.number] = (item, value)
        return value

    def colour(self, project: Project, items: list[AgreedItem]) -> ProjectColour:
        key = tuple(items)
        old = self._projects.get(project.number)
        if old is not None and (old[0] is project or old[0] == project) and old[1] == key:
            return old[2]
        value = project_colour(project, items, self.today)
        self._projects[project.number] = (project, key, value)
        return value
