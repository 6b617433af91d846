"""The WARC format, end to end and on its own (no Scrapy, no SQL): where a record lives
(``pointer``), building records (``records``), writing rotating files (``writer``), reading
captures back (``reader``, ``payload``), finishing files a killed crawl left open (``repair``),
and its errors (``errors``).
"""
