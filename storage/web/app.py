"""The reading room's ASGI application: routes, errors as pages, and security headers on every answer.

``create_app(archive, base_path)`` is the whole app; :mod:`storage.web.server`
runs it under uvicorn. Each page kind is one module of :mod:`storage.web.views`
with one template; the wrapper here checks its parameters, turns the archive's
errors into 400/404 pages (never a traceback) and picks HTML or JSON.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storage.archive import Archive
from storage.db.errors import (
    ArchiveError,
    BadQuery,
    BadTime,
    DatabaseUnreachable,
    NoSuchCapture,
    NoSuchOutlet,
    NoSuchPage,
    NoSuchStory,
    NoSuchVersion,
    NoSuchWatch,
)
from storage.warc.errors import PayloadTooLarge, WarcUnreadable
from storage.web.counts import OutletCounts
from storage.web.params import BadParameter, NoSuchThing, Params
from storage.web.rendering import Result, environment

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
SUMMARY_SECONDS = 30.0  # charts are recomputed at most this often (and once the archive gained rows)

# The app's own pages: no script at all, styles and images from the app, frames only of the app
# (a frame's navigation is checked against frame-src, so an archived page cannot lead it elsewhere).
PAGE_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "content-security-policy": PAGE_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "x-dns-prefetch-control": "off",
}

NOT_FOUND = (NoSuchPage, NoSuchVersion, NoSuchOutlet, NoSuchStory, NoSuchCapture, NoSuchWatch, WarcUnreadable,
             NoSuchThing)
BAD_REQUEST = (BadParameter, BadTime, BadQuery)

View = Callable[["ReadingRoom", Request, Params], Result]


class Memo:
    """A few values (archive-wide counts, charts) kept for ``seconds``: cheap pages stay cheap at scale.

    Only the first request for a value waits for it. Once it is older than
    ``seconds``, the next request starts one recomputation in the background
    and every request meanwhile gets the value it had, so a slow count never
    holds up the page, nor runs twice at once. A value computed at another
    ``generation`` of the archive (:meth:`storage.Archive.generation`: a
    crawl wrote since) is stale too, so charts catch up with a write as soon
    as one recomputation ends.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._values: dict[Any, tuple[float, Any, Any]] = {}  # key: (expires, generation, value)
        self._refreshing: set[Any] = set()
        self._lock = threading.Lock()
        self._first: dict[Any, threading.Lock] = {}  # per key: one first computation, no stampede when cold

    def get(self, key: Any, compute: Callable[[], Any], generation: Any = None) -> Any:
        with self._lock:
            found = self._values.get(key)
            stale = (found is not None and (found[0] <= time.monotonic() or found[1] != generation)
                     and key not in self._refreshing)
            if stale:
                self._refreshing.add(key)
            first = self._first.setdefault(key, threading.Lock()) if found is None else None
        if first is not None:
            with first:
                with self._lock:
                    found = self._values.get(key)
                try:
                    if found is None:
                        return self._store(key, compute, generation)
                finally:
                    with self._lock:
                        self._first.pop(key, None)
        if stale:
            threading.Thread(target=self._refresh, args=(key, compute, generation), daemon=True).start()
        return found[2]

    def _store(self, key: Any, compute: Callable[[], Any], generation: Any) -> Any:
        value = compute()
        with self._lock:
            self._values[key] = (time.monotonic() + self.seconds, generation, value)
        return value

    def _refresh(self, key: Any, compute: Callable[[], Any], generation: Any) -> None:
        try:
            self._store(key, compute, generation)
        except Exception:
            logger.exception("recomputing %r failed; the old value stays", key)
        finally:
            with self._lock:
                self._refreshing.discard(key)


class ReadingRoom:
    """What every view shares: the archive, the base path and public base URL, the templates and the memo."""

    def __init__(self, archive: Archive, base_path: str, base_url: str | None = None) -> None:
        self.archive = archive
        self.base_path = base_path
        self.base_url = base_url
        self.templates = environment(base_path)
        self.memo = Memo(SUMMARY_SECONDS)
        self.outlet_counts = OutletCounts(archive, SUMMARY_SECONDS)

    def render(self, request: Request, result: Result, as_json: bool) -> Response:
        if as_json:
            return JSONResponse(result.json, status_code=result.status, headers=result.headers)
        template = self.templates.get_template(result.template)
        html = template.render(title=result.title, request_path=request.url.path, **result.context)
        return Response(html, status_code=result.status, headers=result.headers, media_type=result.media_type)

    def error(self, request: Request, status: int, message: str) -> Response:
        as_json = request.query_params.get("format") == "json"
        result = Result("error.html", _STATUS_TITLES.get(status, "Error"), {"status": status, "message": message},
                        {"error": message}, status=status)
        return self.render(request, result, as_json)


_STATUS_TITLES = {400: "Bad request", 403: "Refused", 404: "Not found", 405: "Method not allowed",
                  500: "Internal error", 503: "Archive unavailable"}


def page(room: ReadingRoom, view: View, allowed: tuple[str, ...]) -> Callable[[Request], Response]:
    """A Starlette endpoint for ``view``: parameters checked, errors as pages, HTML or JSON.

    A plain function, so Starlette runs it in its thread pool: the Archive API is synchronous.
    """

    def endpoint(request: Request) -> Response:
        try:
            params = Params(request, allowed)
            as_json = params.wants_json
            result = view(room, request, params)
            if isinstance(result, Response):
                return result
            return room.render(request, result, as_json)
        except PayloadTooLarge:
            return room.error(request, 403, "this capture's payload decodes to more than the archive's size limit "
                                            "(the crawl's DOWNLOAD_MAXSIZE), so it is not served; its WARC record "
                                            "is kept as it is")
        except NOT_FOUND as error:
            return room.error(request, 404, _message(error))
        except BAD_REQUEST as error:
            return room.error(request, 400, str(error))
        except DatabaseUnreachable as error:
            logger.warning("database unreachable: %s", error)
            return room.error(request, 503, "the archive's database does not answer; try again later")
        except ArchiveError as error:
            return room.error(request, 400, str(error))
        except Exception:
            logger.exception("error answering %s", request.url.path)
            return room.error(request, 500, "something went wrong on this page; the error is in the server's log")

    endpoint.__name__ = getattr(view, "__name__", "endpoint")
    return endpoint


def _message(error: Exception) -> str:
    if isinstance(error, WarcUnreadable):
        return "the WARC record of this capture is missing or unreadable on the server"
    return str(error)


class SecurityHeaders:
    """ASGI middleware: the security headers on every response that did not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(archive: Archive, base_path: str = "", base_url: str | None = None) -> ASGIApp:
    """The reading room over ``archive``, its pages under ``base_path`` (e.g. ``/news``, or "" for the root).

    ``base_url`` is the public address of its home page (``https://archive.example.org/news``): permalinks,
    the Cite box and Atom feeds use it; without it they are relative, and nothing is ever built from ``Host``.
    """
    from storage.web.views import ROUTES
    from storage.web.views.common import public_base_url

    base_path = base_path.rstrip("/")
    room = ReadingRoom(archive, base_path, public_base_url(base_url) if base_url else None)
    routes: list[BaseRoute] = [Route(path, page(room, view, allowed), methods=["GET"]) for path, view, allowed in ROUTES]
    routes.append(Mount("/static", app=StaticFiles(directory=STATIC), name="static"))
    if base_path:
        routes = [Mount(base_path, routes=routes)]

    async def http_error(request: Request, error: Exception) -> Response:
        status = error.status_code if isinstance(error, HTTPException) else 500
        message = {404: "there is no such page in the reading room", 405: "the reading room only answers GET"}
        return room.error(request, status, message.get(status, "the request could not be answered"))

    async def server_error(request: Request, error: Exception) -> Response:
        logger.error("unhandled error on %s: %r", request.url.path, error)
        return room.error(request, 500, "something went wrong on this page; the error is in the server's log")

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, Exception: server_error})
    app.state.room = room
    return SecurityHeaders(app)
