"""/app/ledger/import: the bureau uploads its old Excel ledger, checks the column mapping and each row, and imports.

The upload is kept in memory for an hour under a random token tied to the user who sent it
(one server process; after a restart the bureau uploads again). Nothing is written to the
store until the bureau presses 导入, and then everything in one batch.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.context import check_write, render, require_user, state
from xietiao.intake.apply import ImportRefused, apply_import, plan_import
from xietiao.intake.rows import Checked, Mapping, check_rows
from xietiao.intake.sheet import (
    FIELD_BY_KEY,
    FIELDS,
    IGNORE,
    MAX_BYTES,
    Grid,
    WorkbookError,
    best_sheet,
    column_letter,
    detect_header,
    headers,
    read_workbook,
    suggest_mapping,
)
from xietiao.model import Role
from xietiao.store.engine import WriteFailed

BUREAU = (Role.BUREAU, Role.ADMIN)
KEEP_SECONDS = 3600
KEPT_MAX = 8  # uploads kept at once; the oldest goes first
REQUIRED = ("content", "lead_unit", "planned")
SAMPLES = 3
PROBLEMS_SHOWN = 300
MEETING = r"\d{4}-\d{2}"


@dataclass
class Upload:
    owner: str
    name: str
    grids: list[Grid]
    at: float


class Uploads:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, Upload] = {}

    def put(self, upload: Upload) -> str:
        token = secrets.token_urlsafe(18)
        with self._lock:
            now = time.monotonic()
            self._kept = {k: u for k, u in self._kept.items() if now - u.at < KEEP_SECONDS}
            while len(self._kept) >= KEPT_MAX:
                self._kept.pop(next(iter(self._kept)))
            self._kept[token] = upload
        return token

    def get(self, token: str, owner: str) -> Upload | None:
        with self._lock:
            upload = self._kept.get(token)
        if upload is None or upload.owner != owner or time.monotonic() - upload.at >= KEEP_SECONDS:
            return None
        return upload

    def drop(self, token: str) -> None:
        with self._lock:
            self._kept.pop(token, None)


_MAKING = threading.Lock()


def uploads(request: Request) -> Uploads:
    with _MAKING:
        found = getattr(request.app.state, "ledger_imports", None)
        if not isinstance(found, Uploads):
            found = Uploads()
            request.app.state.ledger_imports = found
    return found


def _upload_page(request: Request, error: str = "", status: int = 200) -> Response:
    return render(
        request, "ledger_import.html", {"stage": "upload", "error": error, "max_mb": MAX_BYTES // 1024 // 1024}, status
    )  # type: ignore[return-value]


async def _read_file(value: object) -> bytes | None:
    if not isinstance(value, UploadFile):
        return None
    data = await value.read(MAX_BYTES + 1)
    await value.close()
    return data


async def import_page(request: Request) -> Response:
    """GET: the upload form. POST: the uploaded workbook, read and shown with its detected mapping."""
    user = require_user(request, *BUREAU)
    if request.method in ("GET", "HEAD"):
        return _upload_page(request)
    posted = await request.form(max_fields=5, max_files=1, max_part_size=64 * 1024)
    check_write(request, str(posted.get("csrf") or ""))
    file = posted.get("file")
    data = await _read_file(file)
    if not data:
        return _upload_page(request, "请选择要导入的 Excel 文件（.xlsx）。", 400)
    try:
        grids = await run_in_threadpool(read_workbook, data)
        index = best_sheet(grids)
    except WorkbookError as exc:
        return _upload_page(request, str(exc), 400)
    name = file.filename if isinstance(file, UploadFile) and file.filename else "台账.xlsx"
    token = uploads(request).put(Upload(user.username, name[:120], grids, time.monotonic()))
    grid = grids[index]
    first, last = detect_header(grid)
    mapping = Mapping(index, first, last, tuple(suggest_mapping(headers(grid, first, last))))
    return await run_in_threadpool(_preview, request, token, uploads(request).get(token, user.username), mapping)


def _mapping_problems(fields: tuple[str, ...]) -> list[str]:
    out = [f"请为“{FIELD_BY_KEY[k].label}”指定一列" for k in REQUIRED if k not in fields]
    for key in sorted({k for k in fields if k != IGNORE and fields.count(k) > 1}):
        out.append(f"“{FIELD_BY_KEY[key].label}”被指定给了不止一列，请只留一列")
    return out


def _preview(
    request: Request,
    token: str,
    upload: Upload | None,
    mapping: Mapping,
    *,
    skip_bad: bool = False,
    error: str = "",
    status: int = 200,
) -> Response:
    if upload is None:
        return _upload_page(request, "上传的文件已过期（保留一小时，或服务已重启），请重新上传。", 400)
    grid = upload.grids[mapping.sheet]
    names = headers(grid, mapping.header_first, mapping.header_last)
    problems = _mapping_problems(mapping.fields)
    checked = Checked() if problems else check_rows(grid, mapping, names)
    whole = plan_import(state(request).store, checked)
    refused = {p.row for p in whole.problems}
    plan = plan_import(state(request).store, checked.good_rows_only(refused)) if skip_bad else whole
    first_data = mapping.header_last + 1
    samples = [
        [grid.text(r, c) for c in range(grid.width)]
        for r in range(first_data, min(first_data + SAMPLES, len(grid.cells)))
    ]
    return render(
        request,
        "ledger_import.html",
        {
            "stage": "preview",
            "token": token,
            "file": upload.name,
            "sheets": [g.name for g in upload.grids],
            "mapping": mapping,
            "columns": list(zip(names, mapping.fields, strict=False)),
            "letters": [column_letter(c) for c in range(grid.width)],
            "samples": samples,
            "fields": FIELDS,
            "mapping_problems": problems,
            "checked": checked,
            "row_problems": whole.problems[:PROBLEMS_SHOWN],
            "problem_count": len(whole.problems),
            "bad_rows": sorted({p.row for p in whole.problems}),
            "plan": plan,
            "skip_bad": skip_bad,
            "error": error,
            "data_rows": len(grid.cells) - first_data,
        },
        status,
    )  # type: ignore[return-value]


def _int(value: object, default: int, low: int, high: int) -> int:
    try:
        n = int(str(value))
    except ValueError:
        return default
    return min(max(n, low), high)


def _posted_mapping(posted: FormData, upload: Upload) -> Mapping:
    sheet = _int(posted.get("sheet"), 0, 0, len(upload.grids) - 1)
    grid = upload.grids[sheet]
    auto_first, auto_last = detect_header(grid)
    if str(posted.get("sheet_was") or "") != str(sheet):  # another sheet chosen: detect its header afresh
        return Mapping(sheet, auto_first, auto_last, tuple(suggest_mapping(headers(grid, auto_first, auto_last))))
    last = _int(posted.get("header_last"), auto_last + 1, 1, max(1, len(grid.cells))) - 1
    first = min(_int(posted.get("header_first"), auto_first + 1, 1, last + 1) - 1, last)
    valid = {f.key for f in FIELDS}
    fields = tuple(key if (key := str(posted.get(f"col{c}") or "")) in valid else IGNORE for c in range(grid.width))
    if str(posted.get("header_was") or "") != f"{first}-{last}":
        fields = tuple(suggest_mapping(headers(grid, first, last)))  # new header rows: read their names again
    meeting = str(posted.get("default_meeting") or "").strip()
    return Mapping(sheet, first, last, fields, meeting if re.fullmatch(MEETING, meeting) else "")


async def preview_action(request: Request) -> Response:
    """check: read the rows again with the mapping as changed; import: write them in one batch."""
    user = require_user(request, *BUREAU)
    posted = await request.form(max_fields=200, max_files=0, max_part_size=64 * 1024)
    check_write(request, str(posted.get("csrf") or ""))
    token = str(posted.get("token") or "")
    upload = uploads(request).get(token, user.username)
    if upload is None:
        return _upload_page(request, "上传的文件已过期（保留一小时，或服务已重启），请重新上传。", 400)
    mapping = _posted_mapping(posted, upload)
    action = str(posted.get("action") or "")
    skip_bad = action == "import_skipping"
    if action not in ("import", "import_skipping"):
        return await run_in_threadpool(_preview, request, token, upload, mapping, skip_bad=skip_bad)
    st = state(request)
    grid = upload.grids[mapping.sheet]
    names = headers(grid, mapping.header_first, mapping.header_last)
    if _mapping_problems(mapping.fields):
        return await run_in_threadpool(_preview, request, token, upload, mapping, skip_bad=skip_bad, status=400)
    checked = check_rows(grid, mapping, names)
    conflicts = {p.row for p in plan_import(st.store, checked).problems}
    chosen = checked.good_rows_only(conflicts) if skip_bad else checked
    try:
        result = await run_in_threadpool(
            lambda: apply_import(st.store, chosen, actor=user.username, file=upload.name, now=st.now())
        )
    except (ImportRefused, WriteFailed) as exc:
        return await run_in_threadpool(
            _preview, request, token, upload, mapping, skip_bad=skip_bad, error=str(exc), status=409
        )
    uploads(request).drop(token)
    return render(request, "ledger_import.html", {"stage": "done", "result": result, "file": upload.name})  # type: ignore[return-value]


def routes() -> list[BaseRoute]:
    return [
        Route("/app/ledger/import", import_page, methods=["GET", "POST"]),
        Route("/app/ledger/import/preview", preview_action, methods=["POST"]),
    ]
