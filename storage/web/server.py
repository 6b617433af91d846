"""Run the reading room under uvicorn."""

from __future__ import annotations

import errno
import logging
import socket

import uvicorn

from storage.archive import Archive
from storage.db.errors import ArchiveError
from storage.web.app import create_app

logger = logging.getLogger(__name__)


def config(archive: Archive, host: str, port: int, base_path: str = "", log_level: str = "info",
           base_url: str | None = None) -> uvicorn.Config:
    """A uvicorn config serving ``archive``; no proxy headers are trusted and no Server header is sent."""
    return uvicorn.Config(create_app(archive, base_path, base_url), host=host, port=port, log_level=log_level,
                          proxy_headers=False, server_header=False, date_header=True, access_log=True,
                          lifespan="off")


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port``, or one line saying why it cannot be (a busy port, an unknown address)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as error:
        raise ArchiveError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        hint = "; another server uses it: pick another --port" if error.errno == errno.EADDRINUSE else ""
        raise ArchiveError(f"cannot listen on {host}:{port}: {error.strerror or error}{hint}") from None
    return sock


def serve(archive: Archive, sock: socket.socket, base_path: str = "", base_url: str | None = None) -> None:
    """Serve on the bound ``sock`` until interrupted (Ctrl-C)."""
    host, port = sock.getsockname()[:2]
    uvicorn.Server(config(archive, host, port, base_path, base_url=base_url)).run(sockets=[sock])
