"""Exit statuses of ``scrapy crawl news``, for cron and systemd, and the line that says why.

0   the crawl finished, or stopped at a CLOSESPIDER_* bound
1   the crawl failed: it could not start, ended for an unexpected reason, or
    every page it fetched failed in the archive pipeline
2   bad input: a seed file, spider argument or setting to fix
3   the archive could not be written (a directory that cannot be written, disk full, WARC write failure)
4   nothing could be fetched: no outlet was reachable (check the network or proxy; offline, make demo)
75  another crawl holds the archive's lock (EX_TEMPFAIL: try again later)
78  the archive's schema needs ``newsarchive migrate`` first (EX_CONFIG)
130 stopped by Ctrl-C (SIGINT), a JOBDIR pause included: run the same command to go on

:func:`verdict` reads a finished crawl's stats once, for the closing line of
the summary (:mod:`crawler.extensions.summary`) and for the exit status the
command returns (:mod:`crawler.commands.crawl`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.db.errors import SchemaNeedsMigration

OK = 0
FAILED = 1
BAD_INPUT = 2
ARCHIVE_WRITE_FAILED = 3
NOTHING_FETCHED = 4
LOCKED = 75
MIGRATION_NEEDED = SchemaNeedsMigration.exit_code
INTERRUPTED = 130  # 128 + SIGINT, as shells report a program Ctrl-C stopped

_GOOD_REASONS = {"finished", "closespider_timeout", "closespider_itemcount", "closespider_pagecount",
                 "closespider_errorcount", "closespider_timeout_no_item"}
_NETWORK_KINDS = {"dns": "DNS failures", "connection_refused": "refused connections", "timeout": "timeouts",
                  "connection_lost": "lost connections"}
_OUTCOMES = ("archive/new", "archive/changed", "archive/unchanged", "archive/not-article")
_PIPELINE_ERRORS = {"errors/extract": "extraction errors", "errors/db_write": "database write errors"}


@dataclass(frozen=True, slots=True)
class Verdict:
    """How a crawl ended for cron: its exit status, and a line saying why when it is not 0."""

    status: int
    line: str | None = None
    is_error: bool = True  # False: the line says what happened (a stop by Ctrl-C), not what went wrong


def exit_status(finish_reason: str | None) -> int:
    """The status a finish reason alone gives (before looking at what was fetched)."""
    if finish_reason in _GOOD_REASONS:
        return OK
    if finish_reason == "warc_write_failed":
        return ARCHIVE_WRITE_FAILED
    return FAILED


def verdict(stats: dict[str, Any], finish_reason: str | None) -> Verdict:
    """The exit status of a crawl that ended with ``finish_reason`` and ``stats``, and why."""
    status = exit_status(finish_reason)
    if finish_reason == "shutdown" and stats.get("shutdown/signal") == "SIGINT":
        pages = int(stats.get("pages/fetched", 0))
        return Verdict(INTERRUPTED, f"stopped by Ctrl-C after {pages} {'page' if pages == 1 else 'pages'}; "
                       "run the same command to go on (with -s JOBDIR=…, from where it stopped)", is_error=False)
    if status != OK:
        return Verdict(status, f"the crawl failed ({finish_reason}); see the log above")
    unreachable = _nothing_fetched(stats)
    if unreachable is not None:
        return Verdict(NOTHING_FETCHED, unreachable)
    broken = _pipeline_failed(stats)
    if broken is not None:
        return Verdict(FAILED, broken)
    return Verdict(OK)


def _nothing_fetched(stats: dict[str, Any]) -> str | None:
    if int(stats.get("downloader/response_count", 0)):
        return None
    failures = {kind: int(stats.get(f"errors/{kind}", 0)) for kind in _NETWORK_KINDS}
    if not any(failures.values()):
        return None
    counted = ", ".join(f"{count} {_NETWORK_KINDS[kind]}" for kind, count in failures.items() if count)
    return (f"no outlet could be reached: {counted}; check the network (or the proxy in http_proxy); "
            "offline, `make demo` crawls a simulated news web instead")


def _pipeline_failed(stats: dict[str, Any]) -> str | None:
    if any(int(stats.get(key, 0)) for key in _OUTCOMES):
        return None
    failures = {key: int(stats.get(key, 0)) for key in _PIPELINE_ERRORS}
    if not any(failures.values()):
        return None
    counted = ", ".join(f"{count} {_PIPELINE_ERRORS[key]}" for key, count in failures.items() if count)
    return f"every page failed in the archive pipeline: {counted}; see the log above"
