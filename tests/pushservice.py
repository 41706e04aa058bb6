"""A stand-in Web Push service on localhost, and a browser's subscription keys.

It records every push it receives, so a test can decrypt the payload with the
"browser's" private key exactly as a browser would, and count deliveries. It can
hold a push on its way, so that a test knows where its sender is.
"""

from __future__ import annotations

import base64
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class BrowserKeys:
    """What a browser keeps for one push subscription."""

    private: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def decrypt(self, body: bytes) -> bytes:
        return bytes(
            http_ece.decrypt(
                body, private_key=self.private, auth_secret=self.auth, version="aes128gcm"
            )
        )


@dataclass
class Hold:
    """A push held on its way until `let_go` is set; its sender waits for the answer."""

    after: int  # the push that comes when this many have been received
    lose: bool  # let go, it never arrives, as if the network had dropped it
    push: Received | None = None
    here: threading.Event = field(default_factory=threading.Event)
    let_go: threading.Event = field(default_factory=threading.Event)


class PushService:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.gone: set[str] = set()
        self.holds: list[Hold] = []
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                push = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with service.lock:
                    n = len(service.received)
                    hold = next((h for h in service.holds if h.push is None and h.after == n), None)
                    if hold is not None:
                        hold.push = push
                        hold.here.set()
                if hold is not None:
                    hold.let_go.wait(timeout=120)
                    if hold.lose:
                        self.close_connection = True
                        return
                with service.lock:
                    service.received.append(push)
                status = 410 if self.path in service.gone else 201
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def hold(self, after: int, lose: bool = False) -> Hold:
        """Hold the push that comes when AFTER have been received, until `let_go`."""
        found = Hold(after, lose)
        with self.lock:
            self.holds.append(found)
        return found

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> PushService:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for hold in self.holds:
            hold.let_go.set()
        self.server.shutdown()
        self.server.server_close()
