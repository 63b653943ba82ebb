"""The JSON API, derived from the same form definitions as the HTML forms."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import check_write, require_user, state
from server.forms.openapi import openapi_document
from server.forms.posts import file_lookup
from xietiao.accounts import User
from xietiao.forms.definitions import FormDef
from xietiao.forms.schema import json_schema
from xietiao.forms.submissions import (
    NO_VERSION,
    STALE,
    NotAllowed,
    NotFound,
    NotYours,
    get_visible,
    save,
    version_of,
)
from xietiao.forms.versions import definition_at, filed_version
from xietiao.jsonvalue import Doc
from xietiao.model import Role

SURROGATE = re.compile("[\ud800-\udfff]")


class ApiResponse(JSONResponse):
    """JSON that always encodes: text from the request echoed in a message cannot make the answer fail."""

    def render(self, content: object) -> bytes:
        # A lone surrogate (valid in JSON's \u escapes, not in UTF-8) becomes "?" instead of an exception.
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode(
            "utf-8", "replace"
        )


def _error(message: str, status: int) -> JSONResponse:
    return ApiResponse({"error": message}, status_code=status)


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    seen: dict[str, object] = {}
    for key, value in pairs:
        if SURROGATE.search(key):
            # Every object of the body passes here: top level, data, rows of groups, persons.
            raise ValueError("有字段名含无效字符（不成对的 UTF-16 代理项）")
        if key in seen:
            raise ValueError(f"字段“{key}”重复出现")
        seen[key] = value
    return seen


async def _json_body(request: Request) -> Mapping[str, object] | JSONResponse:
    if not request.headers.get("content-type", "").startswith("application/json"):
        return _error("请求须为 JSON（Content-Type: application/json）。", 415)
    raw = await request.body()
    try:
        body = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError:
        return _error("请求体须为 UTF-8 编码。", 400)
    except (json.JSONDecodeError, ValueError) as exc:
        return _error(f"请求体不是有效的 JSON：{exc}。", 400)
    except RecursionError:
        return _error("请求体嵌套层次过深。", 400)
    if not isinstance(body, dict):
        return _error("请求体须为 JSON 对象。", 400)
    return body


def public_record(form: FormDef, record: Doc) -> Doc:
    """What the API shows of a record: no internal fields."""
    keep = (
        "number",
        "form",
        "unit",
        "status",
        "data",
        "confidential",
        "return_reason",
        "created",
        "updated",
        "versions",
        "list_state",
        "meeting",
    )
    shown: Doc = {k: record[k] for k in keep if k in record}
    # Which version of the form `data` follows: its schema is at /api/forms/{form}/versions/{n}.
    shown["form_version"] = filed_version(record)
    # The record's edit version: send it back with a change (optimistic concurrency).
    shown["version"] = version_of(record)
    return shown


async def list_forms(request: Request) -> Response:
    require_user(request)
    forms = state(request).forms
    return ApiResponse(
        [{"name": f.name, "title": f.title, "version": f.version, "schema": json_schema(f)} for f in forms.values()]
    )


async def form_version(request: Request) -> Response:
    """An earlier (or the current) version of a form, to read records filed under it."""
    require_user(request)
    st = state(request)
    current = st.forms.get(request.path_params["name"])
    number = request.path_params["version"]
    if current is None or not number.isascii() or not number.isdigit():
        return _error("没有这个表单版本。", 404)
    form = await run_in_threadpool(definition_at, st.store, current, int(number))
    if form is None:
        return _error("没有这个表单版本。", 404)
    return ApiResponse({"name": form.name, "title": form.title, "version": int(number), "schema": json_schema(form)})


async def submit_form(request: Request) -> Response:
    user = require_user(request)
    check_write(request, request.headers.get("x-csrf-token"))
    st = state(request)
    form = st.forms.get(request.path_params["name"])
    if form is None:
        return _error("没有这个表单。", 404)
    body = await _json_body(request)
    if isinstance(body, JSONResponse):
        return body
    unknown = set(body) - {"action", "data", "number", "version"}
    if unknown:
        return _error(f"未知的顶层字段：{'、'.join(sorted(unknown))}。", 400)
    action, data, number, version = body.get("action"), body.get("data"), body.get("number"), body.get("version")
    if action not in ("draft", "submit") or not isinstance(data, dict):
        return _error("需要 action（draft 或 submit）和 data（对象）。", 400)
    if number is not None and not isinstance(number, str):
        return _error("number 须为字符串。", 400)
    if version is not None and (type(version) is not int or not 0 <= version < 10**9):
        return _error("version 须为非负整数：读取记录时得到的版本号。", 400)
    try:
        result = await run_in_threadpool(
            save,
            st.store,
            form,
            user,
            data,
            submit=action == "submit",
            today=st.today(),
            lookup=file_lookup(request, user, form.name, number),
            number=number,
            seen_version=NO_VERSION if number is not None and version is None else version,
        )
    except NotFound:
        return _error("没有找到这条记录。", 404)
    except NotAllowed as exc:
        refused = user.role is Role.LEADER or isinstance(exc, NotYours)
        return _error(str(exc), 403 if refused else 409)
    if STALE in result.errors:
        return await _stale(request, user, form.name, str(number), result.errors[STALE][0])
    if not result.ok:
        return ApiResponse({"errors": result.errors}, status_code=422)
    saved = await run_in_threadpool(get_visible, st.store, form.name, result.number, user)
    return ApiResponse(
        {
            "number": result.number,
            "status": "submitted" if action == "submit" else "draft",
            "version": version_of(saved),
        },
        status_code=201 if number is None else 200,
    )


async def _stale(request: Request, user: User, form: str, number: str, message: str) -> Response:
    """409 with the record's current version, so that the client can fetch it and apply its change again."""
    try:
        current = await run_in_threadpool(get_visible, state(request).store, form, number, user)
    except NotFound:
        return _error("没有找到这条记录。", 404)
    return ApiResponse({"error": message, "version": version_of(current)}, status_code=409)


async def get_submission(request: Request) -> Response:
    user = require_user(request)
    st = state(request)
    number = request.path_params["number"]
    prefix = number.split("-", 1)[0]
    # A form whose prefix changed keeps its old numbers: look in every form when no prefix matches.
    matching = [f for f in st.forms.values() if f.prefix == prefix]
    candidates = matching or [f for f in st.forms.values() if st.store.get(f.name, number) is not None]
    form = candidates[0] if candidates else None
    if form is None:
        return _error("没有找到这条记录。", 404)
    try:
        record = await run_in_threadpool(get_visible, st.store, form.name, number, user)
    except NotFound:
        return _error("没有找到这条记录。", 404)
    return ApiResponse(public_record(form, record))


async def openapi(request: Request) -> Response:
    return ApiResponse(openapi_document(state(request).forms))


def routes() -> list[BaseRoute]:
    return [
        Route("/api/openapi.json", openapi),
        Route("/api/forms", list_forms),
        Route("/api/forms/{name}", submit_form, methods=["POST"]),
        Route("/api/forms/{name}/versions/{version}", form_version),
        Route("/api/submissions/{number}", get_submission),
    ]
