"""An HTTP/1.1 download handler that keeps what the WARC writer needs from the wire.

Scrapy's Twisted handler drops the status line's reason phrase and the
``Transfer-Encoding`` header (Twisted de-chunks the body). This handler keeps
both: the wire's transfer codings become ``X-Orig-Transfer-Encoding`` response
headers, and the reason phrase rides in a private header that
``WarcMiddleware`` turns into the record's status line and then removes.

Turn it on in settings::

    DOWNLOAD_HANDLERS = {
        "http": "crawler.middlewares.warc_handler.WarcHttpDownloadHandler",
        "https": "crawler.middlewares.warc_handler.WarcHttpDownloadHandler",
    }

Without it the WARC writer uses the standard reason phrase for each code.
It builds on private parts of ``scrapy.core.downloader.handlers.http11``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
)

from crawler.middlewares.warc_records import REASON_HEADER
from storage.warc.records import ORIG_TRANSFER_ENCODING

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)


class _WireNotingProtocol(_LenientHTTP11ClientProtocol):
    """Copies the reason phrase and transfer codings into the response headers."""

    def request(self, request: Any) -> Deferred[Any]:
        d = super().request(request)
        parser = self._parser

        def note_wire(response: Any) -> Any:
            for coding in parser.connHeaders.getRawHeaders(b"transfer-encoding", []):
                response.headers.addRawHeader(ORIG_TRANSFER_ENCODING, coding)
            if response.phrase is not None:
                response.headers.setRawHeaders(REASON_HEADER, [response.phrase])
            return response

        d.addCallback(note_wire)
        return d


class _WireNotingFactory(_LenientHTTP11ClientFactory):
    def buildProtocol(self, addr: Any) -> _WireNotingProtocol:
        return _WireNotingProtocol(self._quiescentCallback)


class WarcHttpDownloadHandler(HTTP11DownloadHandler):
    """``HTTP11DownloadHandler`` whose responses say how they looked on the wire."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._pool._factory = _WireNotingFactory
