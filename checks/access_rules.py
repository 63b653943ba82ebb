"""The access policy as data: one rule per route and method, saying which roles may use it and on what."""

from __future__ import annotations

from dataclasses import dataclass

# -- the policy: one row per route and method --------------------------------------------------
#
# who:     the roles that may use the route at all; anyone else gets 403 (anonymous: 303 to the
#          login page for HTML, 401 for the API).
# scope:   all        every allowed role may use it on every existing record;
#          own        a unit only on its own records (another unit's number answers 404);
#          part       a unit only on agreed items it leads or helps with (else 404); a helping
#                     unit's page must not show the lead unit's reports or closure requests;
#          owner-edit only the owning unit, and only while the record is a draft or returned
#                     (its own locked record: 403 or 409; the bureau and admins: 403; another unit: 404).
# number:  what {name}/{form}/{number}/{username} in the path names, filled with dc's records and with a
#          guessed number that belongs to nobody (404 for those who may use the route; the bureau's
#          empty post may instead be refused for a missing reason, as it sees everything anyway);
#          "unit" fills {key} with a unit of the profile and with a key no unit has.
# choices: the values tried for the route's other parameter ({verb}, {kind}, {step}).
# body:    for /api/forms/{name}: "new" posts a draft, "edit" names a record in the body.
# write:   csrf       a POST must be refused (403, nothing changed, no file stored) without the
#                     token or from a foreign Origin, even for a role that may use it;
#          origin     public POST with no session yet (login): a foreign Origin is refused.
# last:    ends the session or starts a site build, so it runs after every other cell.
#
# Always: HEAD answers like GET (it must never act as a post); no 5xx; no response to xc or to
# anonymous shows dc's numbers or words; a refused post changes no record and stores no file.

PUBLIC = frozenset({"anonymous", "unit", "bureau", "leader", "admin"})
ANY = frozenset({"unit", "bureau", "leader", "admin"})
WRITERS = frozenset({"unit", "bureau", "admin"})
READERS = frozenset({"bureau", "admin", "leader"})
BUREAU = frozenset({"bureau", "admin"})
LEADER = frozenset({"leader"})
ADMIN = frozenset({"admin"})


@dataclass(frozen=True)
class Rule:
    path: str
    methods: str
    who: frozenset[str]
    scope: str = "all"
    number: str = ""
    choices: tuple[str, ...] = ()
    body: str = ""
    write: str = "csrf"
    last: bool = False


POLICY: tuple[Rule, ...] = (
    Rule("/health", "GET", PUBLIC),
    Rule("/app/login", "GET POST", PUBLIC, write="origin"),
    Rule("/api/login", "POST", PUBLIC, write="origin"),
    Rule("/app/logout", "POST", ANY, last=True),
    Rule("/api/logout", "POST", ANY, last=True),
    Rule("/app/", "GET", ANY),
    Rule("/app", "GET", ANY),
    Rule("/app/publish", "GET", BUREAU),
    Rule("/app/publish", "POST", BUREAU, last=True),
    Rule("/api/publish/status", "GET", READERS),
    Rule("/app/forms/{name}/new", "GET POST", WRITERS, number="form"),
    Rule("/app/records/{form}/{number}", "GET", ANY, "own", number="record"),
    Rule("/app/records/{form}/{number}/edit", "GET POST", WRITERS, "owner-edit", number="record"),
    Rule("/app/records/{form}/{number}/{verb}", "POST", BUREAU, number="record", choices=("accept", "return")),
    Rule("/app/records/{form}/{number}/files/{sha}", "GET", ANY, "own", number="file"),
    Rule("/api/openapi.json", "GET", PUBLIC),
    Rule("/api/forms", "GET", ANY),
    Rule("/api/forms/{name}", "POST", WRITERS, number="form", body="new"),
    Rule("/api/forms/{name}", "POST", WRITERS, "owner-edit", number="record", body="edit"),
    Rule("/api/submissions/{number}", "GET", ANY, "own", number="record"),
    Rule("/app/cycle", "GET", BUREAU),
    Rule("/app/cycle/new", "POST", BUREAU),
    Rule("/app/cycle/{number}/{kind}.docx", "GET", READERS, number="meeting", choices=("call", "notice", "minutes")),
    Rule("/app/cycle/{number}/plan", "GET POST", BUREAU, number="meeting"),
    Rule("/app/cycle/{number}/minutes", "GET POST", BUREAU, number="meeting"),
    Rule("/app/cycle/{number}", "GET", READERS, number="meeting"),
    Rule(
        "/app/cycle/{number}/{step}",
        "POST",
        BUREAU,
        number="meeting",
        choices=("open-call", "held", "publish"),
        last=True,
    ),
    Rule("/app/issues", "GET", BUREAU),
    Rule(
        "/app/issues/{number}/{verb}",
        "POST",
        BUREAU,
        number="issue",
        choices=("accept", "return", "merge", "carry", "city"),
    ),
    Rule("/app/approvals", "GET", LEADER),
    Rule("/app/approvals/{number}/{verb}", "POST", LEADER, number="meeting", choices=("approve", "return")),
    Rule("/app/ledger", "GET", READERS),
    Rule("/app/ledger.xlsx", "GET", READERS),
    Rule("/app/bulletin.docx", "GET", READERS),
    Rule("/app/ledger/import", "GET POST", BUREAU),
    Rule("/app/ledger/import/preview", "POST", BUREAU),
    Rule("/app/ledger/{number}", "GET", ANY, "part", number="item"),
    Rule("/app/ledger/{number}/{verb}", "POST", BUREAU, number="item", choices=("close", "reject", "reopen")),
    Rule("/app/reports", "GET", READERS),
    Rule("/app/supervision", "GET", READERS),
    Rule("/app/supervision", "POST", BUREAU),
    Rule("/app/admin/notifications", "GET", ADMIN),
    Rule("/app/admin/notifications/{verb}", "POST", ADMIN, choices=("run", "retry", "email")),
    Rule("/api/forms/{name}/versions/{version}", "GET", ANY, number="form", choices=("1",)),
    Rule("/app/password", "GET POST", ANY),
    Rule("/app/admin/users", "GET POST", ADMIN),
    Rule(
        "/app/admin/users/{username}/{verb}",
        "POST",
        ADMIN,
        number="user",
        choices=("unlock", "reset", "deactivate", "reactivate"),
    ),
    Rule("/app/admin/journal", "GET", ADMIN),
    Rule("/app/admin/forms", "GET", ADMIN),
    Rule("/app/admin/units", "GET", ADMIN),
    Rule("/app/admin/units/attach", "POST", ADMIN),
    Rule("/app/admin/units/{key}", "GET POST", ADMIN, number="unit"),
)
