"""Imported only in the extraction pool's fork server: its processes ignore SIGINT and SIGTERM.

A signal to the whole process group (``timeout``, systemd, Ctrl-C) must stop
the crawl, not the workers under it: Scrapy's graceful shutdown still needs
them for the pages in flight. Ignoring the signals in the fork server, before
any worker exists, leaves no moment at which a new worker could die of one;
the crawl stops its workers itself when it closes.
"""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
