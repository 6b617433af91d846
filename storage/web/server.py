"""Run the reading room under uvicorn."""

from __future__ import annotations

import logging

import uvicorn

from storage.archive import Archive
from storage.web.app import create_app

logger = logging.getLogger(__name__)


def config(archive: Archive, host: str, port: int, base_path: str = "", log_level: str = "info",
           base_url: str | None = None) -> uvicorn.Config:
    """A uvicorn config serving ``archive``; no proxy headers are trusted and no Server header is sent."""
    return uvicorn.Config(create_app(archive, base_path, base_url), host=host, port=port, log_level=log_level,
                          proxy_headers=False, server_header=False, date_header=True, access_log=True,
                          lifespan="off")


def serve(archive: Archive, host: str, port: int, base_path: str = "", base_url: str | None = None) -> None:
    """Serve until interrupted (Ctrl-C)."""
    uvicorn.Server(config(archive, host, port, base_path, base_url=base_url)).run()
