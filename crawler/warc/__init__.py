"""The WARC writer: every fetch the crawler makes, archived as WARC records.

``WarcMiddleware`` (downloader middleware, priority 880) captures each
request/response pair through ``capture`` and writes it with ``WarcFileWriter``;
``repair.finish_open_files`` closes files a killed crawl left ``.open``.
"""

from crawler.warc.record import WrittenRecord

__all__ = ["WrittenRecord"]
