"""A webhook receiver on 127.0.0.1 for the alert tests: it records every POST it gets.

``WebhookReceiver`` is a real threaded HTTP server. Its ``url`` is an Apprise
``json://`` URL pointing at it; ``received`` holds each POST's headers and
JSON body, and ``keys()`` the idempotency keys, as a receiver that drops
repeats would count them. ``answer`` sets the status it replies with (503: a
target that is down), ``delay`` how many seconds it waits before answering (a
slow or hanging target), and ``kill_on_receipt`` makes it SIGKILL a process the
moment a message arrives, before it answers: a crash between send and the
sender marking the message delivered.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True, slots=True)
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def key(self) -> str | None:
        return self.headers.get("idempotency-key")


class WebhookReceiver:
    """Records POSTs; use as a context manager."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answer = 200
        self.delay = 0.0  # seconds
        self.kill_on_receipt: int | None = None  # a pid
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                body = json.loads(raw) if raw else {}
                with receiver._lock:
                    receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                                      body))
                    pid, receiver.kill_on_receipt = receiver.kill_on_receipt, None
                if pid is not None:
                    os.kill(pid, signal.SIGKILL)  # the sender dies before it hears back
                    self.close_connection = True
                    return
                time.sleep(receiver.delay)
                self.send_response(receiver.answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, name="webhook", daemon=True)

    @property
    def url(self) -> str:
        """The Apprise URL of this receiver."""
        return f"json://127.0.0.1:{self.port}/hook"

    def keys(self) -> list[str | None]:
        with self._lock:
            return [r.key for r in self.received]

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
