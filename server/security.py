"""Response headers and request guards: CSP, framing, body size, allowed hosts, same-origin writes."""

from __future__ import annotations

from collections.abc import Collection

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The built site is Material: its theme needs inline styles and its own scripts.
SITE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "connect-src 'self'; worker-src 'self' blob:"
)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class SecurityHeaders:
    """Adds CSP, no-sniff and frame protection to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        is_app = path.startswith(("/app", "/api", "/health"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", (APP_CSP if is_app else SITE_CSP).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                ]
                if is_app:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses a body over the limit with 413 before reading it whole."""

    def __init__(self, app: ASGIApp, *, json_limit: int, upload_limit: int) -> None:
        self.app = app
        self.json_limit = json_limit
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        is_upload = headers.get("content-type", "").startswith("multipart/")
        limit = self.upload_limit if is_upload else self.json_limit
        page = not str(scope.get("path", "")).startswith("/api/")
        declared = headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit, page=page)
            return
        seen = 0
        refused = False

        async def counting_receive() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    refused = True
                    raise BodyTooLarge()
            return message

        try:
            await self.app(scope, counting_receive, send)
        except BodyTooLarge:
            if refused:
                await _too_large(send, limit, page=page)


class BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int, *, page: bool = False) -> None:
    mb = limit // (1024 * 1024)
    if page:
        # A form posted from the browser gets a page a clerk can act on, not a JSON line.
        text = (
            f'<!doctype html><html lang="zh"><meta charset="utf-8"><title>文件过大</title>'
            f"<body><h1>提交的内容过大，未保存</h1>"
            f"<p>一次提交的文件合计不能超过 {mb} MB。请用浏览器的“后退”回到表单（已填写的文字通常仍在），"
            f'去掉或压缩较大的文件后重新提交。</p><p><a href="/app/">回到工作台</a></p></body></html>'
        )
        body, kind = text.encode(), b"text/html; charset=utf-8"
    else:
        body, kind = f'{{"error": "请求内容过大：上限 {mb} MB。"}}'.encode(), b"application/json; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def host_name(value: str) -> str:
    """The name part of a Host header or of an origin's authority: "127.0.0.1:8000" -> "127.0.0.1"."""
    value = value.strip().lower()
    if value.startswith("["):  # an IPv6 address, with or without a port
        end = value.find("]")
        return value[: end + 1] if end > 0 else value
    name, _, port = value.rpartition(":")
    return name if name and port.isdigit() else value


class AllowedHosts:
    """Answers 400 to a request whose Host is not one of ours (DNS rebinding: a page on another name
    that resolves to this server must not be able to read or post as if it were us)."""

    def __init__(self, app: ASGIApp, *, hosts: Collection[str]) -> None:
        self.app = app
        self.hosts = frozenset(host_name(h) for h in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or host_name(Headers(scope=scope).get("host", "")) in self.hosts:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = "请求的主机名不在本服务允许的范围内（400）。请使用管理员告知的地址访问。".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def same_origin(headers: Headers, allowed: Collection[str]) -> bool:
    """A state-changing request must come from our own pages (or a non-browser client).

    The Origin must name this very server (the Host it was sent to) and a host we answer to.
    """
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    authority = origin.split("://", 1)[-1].lower()
    host = headers.get("host", "").lower()
    return authority == host and host_name(authority) in {host_name(h) for h in allowed}
