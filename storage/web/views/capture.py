"""``/capture/ID``: the page as captured, from its WARC record, framed and inert.

The banner names the WARC file, offset, record id and fetch time. The archived
HTML itself comes from ``/capture/ID/raw`` with a policy that allows no script
and no request outside the app (``sandbox`` gives it an opaque origin too), and
it is shown in an ``<iframe sandbox>`` without ``allow-scripts`` or
``allow-same-origin``, filling the window below the banner (no script may
measure the capture, so the frame takes the room there is and scrolls the
capture itself), with links to the page's previous and next captures and to
the capture opened alone. The WARC file is the one the database row names; no
request parameter ever becomes part of a path. The payload is streamed in
chunks; it is decoded once through first, so one past the archive's limit
(:mod:`storage.warc.capped`) is refused before any byte is sent.
"""

from __future__ import annotations

import re
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from storage.warc.errors import WarcUnreadable
from storage.warc.payload import stream_payload
from storage.warc.rendered import SCREENSHOT_TYPE
from storage.web.params import NoSuchThing, Params, path_id
from storage.web.rendering import Result

RAW_POLICY = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'self'; sandbox")
HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset=\"?([A-Za-z0-9._:-]{1,40})\"?", re.IGNORECASE)


def view(room, request: Request, params: Params) -> Result:
    archive = room.archive
    entry = _entry(archive, request, params)
    source = archive.payload_capture(entry.id, entry.fetch)
    siblings = archive.page_captures(entry.url)
    here = next((index for index, c in enumerate(siblings) if (c.id, c.fetch) == (entry.id, entry.fetch)), None)
    earlier = siblings[here - 1] if here else None
    later = siblings[here + 1] if here is not None and here + 1 < len(siblings) else None
    context = {"capture": entry, "source": source, "earlier": earlier, "later": later,
               "number": None if here is None else here + 1, "count": len(siblings)}
    data = {"capture": entry.to_json(), "payload_capture": None if source is None else source.to_json(),
            "previous_capture": None if earlier is None else earlier.id,
            "next_capture": None if later is None else later.id,
            "previous_fetch": None if earlier is None else earlier.fetch,
            "next_fetch": None if later is None else later.fetch}
    return Result("capture.html", f"Capture of {entry.url}", context, data)


def raw_view(room, request: Request, params: Params) -> Response:
    archive = room.archive
    entry = _entry(archive, request, params)
    source = archive.payload_capture(entry.id, entry.fetch)
    if source is None:
        raise WarcUnreadable(f"capture {entry.id} is a revisit whose original response is not in the archive")
    path = warc_file(archive, source.warc_file)
    for _ in stream_payload(path, source.warc_offset):  # PayloadTooLarge (or damage) before any byte is sent
        pass
    # content-type set as a header, not media_type: Starlette would add "charset=utf-8" to any text/ type,
    # and a page that names its charset only in a <meta> tag must keep it.
    headers = {"content-type": media_type(source.content_type), "content-security-policy": RAW_POLICY,
               "x-frame-options": "SAMEORIGIN", "content-disposition": "inline",
               "cache-control": "private, max-age=3600"}
    return StreamingResponse(stream_payload(path, source.warc_offset), headers=headers)


def _entry(archive, request: Request, params: Params):
    """The capture the path names, or with ``?fetch=N`` the N-th re-check in its run of unchanged ones."""
    return archive.capture(path_id(request.path_params["capture_id"], "capture"), params.integer("fetch", 0, 0) or 0)


def warc_file(archive, name: str) -> Path:
    """The WARC file a capture row names, refused if a relative name climbs out of ``warcs/``.

    Absolute names are files ``newsarchive ingest`` indexed in place; the archive chose them, not a request.
    """
    path = archive.warc_path(name)
    if not Path(name).is_absolute():
        warcs = (archive.archive_dir / "warcs").resolve()
        if not path.resolve().is_relative_to(warcs):
            raise WarcUnreadable(f"WARC file name {name!r} points outside the archive's warcs/")
    return path


def media_type(content_type: str | None) -> str:
    """HTML stays HTML (in its own charset), anything else is shown as plain text."""
    kind = (content_type or "").split(";")[0].strip().lower()
    charset = _CHARSET.search(content_type or "")
    suffix = f"; charset={charset.group(1)}" if charset else ""
    return (kind if kind in HTML_TYPES else "text/plain") + suffix


def screenshot_view(room, request: Request, params: Params) -> Response:
    """``/capture/ID/screenshot``: the screenshot a browser capture recorded beside it, as the JPEG it is."""
    archive = room.archive
    entry = archive.capture(path_id(request.path_params["capture_id"], "capture"))
    warc_file(archive, entry.warc_file)  # refused if the name climbs out of warcs/
    shot = archive.renditions(entry.warc_file, entry.warc_offset, entry.warc_record_id).screenshot
    if shot is None:
        raise NoSuchThing(f"capture {entry.id} has no screenshot (only pages rendered by a browser, and new "
                          "versions of outlets with screenshots = 'versions', have one)")
    return Response(shot, headers={"content-type": SCREENSHOT_TYPE, "cache-control": "private, max-age=86400",
                                   "content-security-policy": "default-src 'none'; sandbox"})
