"""Serving the built intranet site, which a publish may swap at any moment.

Caching fits a site that changes: pages, the search index and the stamp are sent with
`Cache-Control: no-cache` and a strong ETag made from their bytes, so a browser asks again each
time and gets 304 while nothing changed (a page an incremental publish did not touch keeps its
ETag); the theme's fingerprinted files (their name holds their hash) are cached for a year.
Text is sent as the publish precompressed it (name.br, name.gz beside the file) when the browser
accepts it.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from email.utils import formatdate, parsedate_to_datetime
from mimetypes import guess_type

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Receive, Scope, Send

# Material's bundles carry their content hash in the name: bundle.79ae519e.min.js, main.484c7ddc.min.css;
# so do the search's shards and page texts (search/s/<hash>.json, search/t/<hash>.json, generator/search).
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,}\.min\.(?:js|css)$|(?:^|/)search/[st]/[0-9a-f]{16}\.json$")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
COMPRESSED = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))  # in order of preference


class _Digests:
    """Content digests of served files, by inode and change time: a published file is never rewritten."""

    LIMIT = 50_000

    def __init__(self) -> None:
        self._known: dict[tuple[int, int, int, int], str] = {}
        self._lock = threading.Lock()

    def of(self, path: str, st: os.stat_result) -> str:
        key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        with self._lock:
            known = self._known.get(key)
        if known is None:
            digest = hashlib.sha1(usedforsecurity=False)
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
            known = digest.hexdigest()[:24]
            with self._lock:
                if len(self._known) >= self.LIMIT:  # files of versions long gone
                    self._known.clear()
                self._known[key] = known
        return known


def accepted(headers: Headers) -> set[str]:
    """The content codings the client accepts (q=0 means refused)."""
    out: set[str] = set()
    for part in headers.get("accept-encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip()
        if name and not (q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000")):
            out.add(name.strip().lower())
    return out


def not_modified(request: Headers, etag: str, last_modified: float) -> bool:
    if match := request.get("if-none-match"):
        return match.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in match.split(",")]
    if since := request.get("if-modified-since"):
        try:
            return int(last_modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


class SiteFiles(StaticFiles):
    """StaticFiles over the `site` symlink; before the first publish it answers 404, not 500."""

    digests = _Digests()

    async def check_config(self) -> None:
        # The folder may not exist yet (nothing published) or be mid-swap; the lookup
        # resolves the symlink on every request, so there is nothing to check once.
        return

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except FileNotFoundError:
            raise HTTPException(404) from None

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        # The symlink is resolved once, so a file and the folder it is checked against are of one version.
        if path.startswith(("/", "\\")) or self.directory is None:
            return "", None
        root = os.path.realpath(self.directory)
        full = os.path.realpath(os.path.join(root, path))
        if os.path.commonpath([full, root]) != root:
            return "", None
        try:
            return full, os.stat(full)
        except (FileNotFoundError, NotADirectoryError):
            return "", None

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        path = os.fspath(full_path)
        request = Headers(scope=scope)
        digest = self.digests.of(path, stat_result)
        headers = {
            "cache-control": IMMUTABLE if FINGERPRINTED.search(path) else REVALIDATE,
            "last-modified": formatdate(stat_result.st_mtime, usegmt=True),
        }
        media_type = guess_type(path)[0] or "application/octet-stream"
        served, served_stat, coding = path, stat_result, ""
        if path.endswith(COMPRESSED):
            headers["vary"] = "Accept-Encoding"
            wanted = accepted(request)
            for name, suffix in ENCODINGS:
                if name in wanted:
                    try:
                        served_stat = os.stat(path + suffix)
                    except OSError:
                        continue
                    served, coding = path + suffix, name
                    headers["content-encoding"] = name
                    break
        # A strong ETag per representation: the compressed bytes differ from the plain ones.
        headers["etag"] = f'"{digest}{"-" + coding if coding else ""}"'
        if status_code == 200 and not_modified(request, headers["etag"], stat_result.st_mtime):
            return NotModifiedResponse(Headers(headers))
        return FileResponse(
            served, status_code=status_code, headers=headers, media_type=media_type, stat_result=served_stat
        )
