"""The one list of pages the accessibility and phone tests visit: each kind of site page, each app page of each role.

Site pages are found in the built site (the richest page of each kind); app pages in the app's own routes,
filled with records from the store and visited by the roles checks/access_rules.py allows. A page another
change adds is therefore covered without touching this file; only a new kind of path parameter is named here.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from starlette.routing import BaseRoute, Route

from xietiao.jsonvalue import Doc
from xietiao.store.engine import Store
from xietiao.units import all_units

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `checks` is not an installed package
    sys.path.insert(0, str(ROOT))

from checks.access_rules import POLICY, Rule  # noqa: E402

ROLES = ("unit", "bureau", "leader", "admin")
# What a path parameter names when the policy does not say: by the path's first segment under /app/.
KIND_BY_SEGMENT = {"records": "record", "forms": "form", "cycle": "meeting", "ledger": "item", "issues": "issue"}
# The statuses a record page is shown in, most telling first (a submitted record shows the bureau's buttons).
RECORD_ORDER = ("submitted", "returned", "draft", "accepted")
SEARCH_WORD = "项目"  # found on many pages: the search dialog with a long result list


@dataclass(frozen=True)
class Visit:
    who: str  # "reader" for the site, "anonymous", or one of ROLES
    path: str
    name: str  # ASCII, for reports and screenshot files
    errors: bool = False  # the page's own form, sent empty, must come back with its errors shown
    sure: bool = True  # the policy says this role may open it (else a refusal only drops the visit)
    search: str = ""  # a site page with this word typed into the search box and the results shown


# -- the site: every built page, grouped by the shape of its address ----------------------------


def _shape(url: str) -> str:
    """projects/P-2026-0001/ and projects/P-2026-0002/ share a shape; each top-level page is its own."""
    head, _, rest = url.partition("/")
    if not rest.strip("/"):
        return head
    return head + "/" + re.sub(r"\d+", "9", re.sub(r"[a-z]+", "a", rest))


def site_visits(site_dir: Path) -> list[Visit]:
    """The largest page of each shape (the richest: most tables and links), and the not-found page."""
    best: dict[str, tuple[int, str]] = {}
    for page in sorted(site_dir.rglob("index.html")):
        url = page.parent.relative_to(site_dir).as_posix()
        url = "" if url == "." else url + "/"
        shape = _shape(url) or "home"
        size = page.stat().st_size
        if shape not in best or size > best[shape][0]:
            best[shape] = (size, url)
    visits = [Visit("reader", "/" + url, "site-" + _ascii(shape)) for shape, (_, url) in sorted(best.items())]
    visits.append(Visit("reader", "/", "site-search", search=SEARCH_WORD))
    if (site_dir / "404.html").exists():
        visits.append(Visit("reader", "/404.html", "site-404"))
    return visits


def _ascii(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "page"


# -- the app: every page-like GET route, for each role the policy lets in ------------------------


def _rule(path: str, method: str) -> Rule | None:
    return next((r for r in POLICY if r.path == path and method in r.methods.split()), None)


def _is_page(route: Route) -> bool:
    """An HTML page: under /app/, answering GET, not a download (a dot in the last segment) nor a bare redirect."""
    last = route.path.rsplit("/", 1)[-1]
    return (
        route.path.startswith("/app/")
        and "GET" in (route.methods or ())
        and "." not in last
        and "{sha}" not in route.path
    )


def _shows_errors(path: str) -> bool:
    """The page posts to itself (a form), and posting is no final act such as a publish or a logout."""
    rule = _rule(path, "POST")
    return rule is not None and not rule.last


@dataclass(frozen=True)
class Who:
    role: str
    unit: str  # the unit name of the account that logs in as this role


def _mine(doc: Doc, who: Who, field: str = "unit") -> bool:
    value = doc.get(field)
    return value == who.unit or (isinstance(value, list) and who.unit in value)


def _records(store: Store, forms: Iterable[str], who: Who, rule: Rule | None, path: str) -> Iterator[dict[str, str]]:
    scope = rule.scope if rule else "all"
    for form in forms:
        docs = store.all(form)
        if who.role == "unit" and scope in ("own", "owner-edit"):
            docs = [d for d in docs if _mine(d, who)]
        if path.endswith("/edit") or scope == "owner-edit":
            docs = [d for d in docs if d.get("status") in ("draft", "returned")]
        docs.sort(key=lambda d: (_rank(d, RECORD_ORDER), str(d["number"])))
        if docs:
            yield {"form": form, "number": str(docs[0]["number"])}


def _rank(doc: Doc, order: tuple[str, ...]) -> int:
    status = str(doc.get("status"))
    return order.index(status) if status in order else len(order)


def _one_per_status(docs: list[Doc], key: str) -> Iterator[dict[str, str]]:
    seen: set[str] = set()
    for doc in sorted(docs, key=lambda d: str(d["number"]), reverse=True):
        status = str(doc.get(key))
        if status not in seen:
            seen.add(status)
            yield {"number": str(doc["number"])}


def _fillings(
    kind: str, path: str, rule: Rule | None, who: Who, store: Store, forms: list[str]
) -> list[dict[str, str]]:
    if kind == "form":
        return [{"name": f} for f in forms]
    if kind == "record":
        return list(_records(store, forms, who, rule, path))
    if kind == "meeting":
        return list(_one_per_status(store.all("meeting"), "status"))
    if kind == "item":
        items = store.all("item")
        if who.role == "unit":
            items = [i for i in items if _mine(i, who, "lead_unit") or _mine(i, who, "co_units")]
        return list(_one_per_status(items, "status"))
    if kind == "issue":
        return list(_one_per_status(store.all("issue"), "list_state"))
    if kind == "unit":  # the unit with the most names: the fullest form
        return [{"key": max(all_units(), key=lambda u: (len(u.aliases), u.key)).key}]
    raise AssertionError(f"{path}: no values known for its parameters ({kind or 'unknown'}); add them in {__file__}")


def _kind(route: Route, rule: Rule | None) -> str:
    if rule is not None and rule.number:
        return rule.number
    return KIND_BY_SEGMENT.get(route.path.split("/")[2], "")


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: values[m.group(1)], path)


def app_visits(routes: Iterable[BaseRoute], store: Store, units: dict[str, str], forms: list[str]) -> list[Visit]:
    """Each page route, for each role allowed, with each kind of record it shows; `units` maps role to unit."""
    visits: list[Visit] = []
    for route in routes:
        if not isinstance(route, Route) or not _is_page(route):
            continue
        rule = _rule(route.path, "GET")
        allowed = rule.who if rule else frozenset(ROLES)
        roles = ("anonymous",) if "anonymous" in allowed else tuple(r for r in ROLES if r in allowed)
        if rule is not None and rule.scope == "owner-edit":  # only the owning unit may open it
            roles = ("unit",)
        errors = _shows_errors(route.path)
        for role in roles:
            who = Who(role, units.get(role, ""))
            params = set(route.param_convertors)
            fillings = _fillings(_kind(route, rule), route.path, rule, who, store, forms) if params else [{}]
            for values in fillings:
                path = _fill(route.path, values)
                name = f"app-{role}-{_ascii(path.removeprefix('/app/')) if path != '/app/' else 'home'}"
                visits.append(Visit(role, path, name, errors=errors, sure=rule is not None))
    return visits
