"""``newsarchive serve``: the reading room, a read-only web app over the archive.

Registered on the main group by :func:`register` (called at the end of :mod:`storage.cli`).
"""

from __future__ import annotations

import ipaddress
import logging

import click

from storage.cli.common import ArchiveLocation

logger = logging.getLogger(__name__)


def _base_path(ctx: click.Context, param: click.Parameter, value: str) -> str:
    cleaned = "/" + value.strip("/") if value.strip("/") else ""
    if any(part in ("", ".", "..") for part in cleaned.split("/")[1:]) or not all(
        ch.isalnum() or ch in "-_./" for ch in cleaned
    ):
        raise click.BadParameter(f"{value!r} is not a plain path like /news")
    return cleaned


def _base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if not value:
        return None
    from storage.web.views.common import public_base_url  # here: the CLI loads the web app only to serve

    try:
        return public_base_url(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--base-path", default="", callback=_base_path, metavar="PATH",
              help="Serve under this path (e.g. /news behind a reverse proxy).")
@click.option("--base-url", envvar="NEWSARCHIVE_BASE_URL", callback=_base_url, metavar="URL",
              help="Public address of the home page, path included (e.g. https://archive.example.org/news): "
                   "used in permalinks, the Cite box and Atom feeds, which are relative without it.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, base_path: str, base_url: str | None) -> None:
    """Serve the archive read-only as a web site: versions, diffs, search, feeds.

    Pages for outlets, articles and their versions, word-level diffs,
    full-text search, stories across outlets, Atom feeds of changes and the
    captured pages themselves (shown inert).

    It never writes to the database or the WARC files, and opens SQLite
    read-only, so a running crawl is not blocked. Every page also answers
    ?format=json. There is no authentication: keep it on loopback or behind a
    proxy that adds it.

    \b
    Example:
        newsarchive --archive-dir archive serve --port 8000 --base-path /news
    """
    from storage.web.server import listening_socket, serve as run_server

    where: ArchiveLocation = ctx.find_object(ArchiveLocation)
    from storage.archive import (
        Archive,  # here: `newsarchive --help` needs no database layer
    )

    archive = Archive(where.db, where.archive_dir, read_only=True)
    ctx.call_on_close(archive.close)
    if not _is_loopback(host):
        click.echo(f"warning: serving on {host} to the network; the reading room has no authentication", err=True)
    sock = listening_socket(host, port)  # bound before announcing: a busy port is one line, not a false start
    ctx.call_on_close(sock.close)
    port = sock.getsockname()[1]  # --port 0: the free port the system chose
    click.echo(f"reading room at http://{host}:{port}{base_path}/ (Ctrl-C stops it)", err=True)
    run_server(archive, sock, base_path, base_url)


def register(group: click.Group) -> None:
    """Add ``serve`` to the ``newsarchive`` command group."""
    group.add_command(serve)
