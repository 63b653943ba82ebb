"""Real receivers on loopback for the reminder tests: an aiosmtpd SMTP server and a small HTTP server."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        msg = message_from_bytes(data, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname=LOOPBACK, port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@dataclass
class Posted:
    path: str  # with the query
    body: dict[str, object]


@dataclass
class Inbox:
    posts: list[Posted] = field(default_factory=list)
    # What to answer, by the path's first part: (HTTP status, JSON body)
    answers: dict[str, tuple[int, dict[str, object]]] = field(default_factory=dict)

    def to(self, prefix: str) -> list[Posted]:
        return [p for p in self.posts if p.path.startswith(prefix)]


@contextmanager
def http_receiver() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            size = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(size).decode("utf-8"))
            inbox.posts.append(Posted(self.path, body))
            status, answer = inbox.answers.get(self.path.split("?")[0], (200, {"errcode": 0, "errmsg": "ok"}))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield inbox, int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def wait_for(condition: Callable[[], bool], seconds: float = 15.0) -> bool:
    """Poll (bounded) until `condition` holds; False if it never did."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
