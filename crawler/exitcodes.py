"""Exit statuses of ``scrapy crawl news``, for cron and systemd.

0   the crawl finished, or stopped at a CLOSESPIDER_* bound
1   the crawl could not start (bootstrap failure) or ended for an unexpected reason
2   bad input: a seed file or argument to fix
3   the archive could not be written (disk full, WARC write failure)
75  another crawl holds the archive's lock (EX_TEMPFAIL: try again later)
"""

from __future__ import annotations

OK = 0
FAILED = 1
BAD_INPUT = 2
ARCHIVE_WRITE_FAILED = 3
LOCKED = 75

_GOOD_REASONS = {"finished", "closespider_timeout", "closespider_itemcount", "closespider_pagecount",
                 "closespider_errorcount", "closespider_timeout_no_item"}


def exit_status(finish_reason: str | None) -> int:
    if finish_reason in _GOOD_REASONS:
        return OK
    if finish_reason == "warc_write_failed":
        return ARCHIVE_WRITE_FAILED
    return FAILED
