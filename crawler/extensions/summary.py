"""A one-screen summary printed when a crawl ends, built from the crawl's stats.

It is the last thing a run prints: its final line, when the run is not a
success, says why in the terms of :func:`crawler.exitcodes.verdict` (the same
verdict gives the exit status). Setting: ``CRAWL_SUMMARY_ENABLED`` (default
True). The same figures stay in Scrapy's stats dump, shown with
``-s LOG_LEVEL=INFO``, for logs and scripts.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler import settings as defaults
from crawler.exitcodes import verdict

logger = logging.getLogger(__name__)


class CrawlSummary:
    def __init__(self, crawler: Any, out: TextIO | None = None) -> None:
        if not crawler.settings.getbool("CRAWL_SUMMARY_ENABLED", defaults.CRAWL_SUMMARY_ENABLED):
            raise NotConfigured
        self.crawler = crawler
        self.out = out or sys.stderr

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlSummary:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Any, reason: str) -> None:
        stats = self.crawler.stats
        if stats.get_value("recheck/due") is not None:
            for name, value in self._recheck_outlook(spider).items():
                stats.set_value(f"recheck/{name}", value)
        self.out.write(format_summary(stats.get_stats(), reason) + "\n")
        self.out.flush()

    def _recheck_outlook(self, spider: Any) -> dict[str, Any]:
        """The schedule as the crawl leaves it (its pipeline has written every capture by now):
        pages scheduled, the earliest due time, and whether that is already past."""
        from crawler.archive_access import open_archive  # archive-only crawls never load the database layer

        try:
            with open_archive(self.crawler.settings) as archive:
                scheduled, earliest = archive.recheck_outlook(list(getattr(spider, "outlets", {})) or None)
        except Exception as exc:  # the summary must print whatever the database says
            logger.debug("cannot read the re-check schedule: %s", exc)
            return {}
        if earliest is None:
            return {"scheduled": scheduled}
        return {"scheduled": scheduled, "next_at": earliest.isoformat().replace("+00:00", "Z"),
                "overdue": earliest <= datetime.now(UTC)}


def format_summary(stats: dict[str, Any], reason: str) -> str:
    elapsed = float(stats.get("elapsed_time_seconds") or 0.0)
    responses = int(stats.get("downloader/response_count", 0))
    rate = f"{responses / elapsed:.1f}/s" if elapsed > 0 else "-"
    articles = " · ".join(
        f"{label} {int(stats.get(f'archive/{key}', 0))}"
        for key, label in (("new", "new"), ("changed", "changed"), ("unchanged", "unchanged"),
                           ("not-article", "not articles"))
    )
    errors = {key.split("/", 1)[1]: value for key, value in stats.items() if key.startswith("errors/") and value}
    error_text = " · ".join(f"{kind} {count}" for kind, count in sorted(errors.items())) or "none"
    lines = [
        f"newsarchive crawl finished ({reason}) in {elapsed:.1f} s",
        f"  fetched    {responses} responses ({rate}), {int(stats.get('pages/fetched', 0))} pages",
        f"  articles   {articles}",
        f"  errors     {error_text}",
        f"  robots.txt {int(stats.get('robotstxt/forbidden', 0))} URLs forbidden",
        f"  WARC       {int(stats.get('warc/files', 0))} files, {_size(int(stats.get('warc/bytes_written', 0)))} written",
    ]
    if stats.get("archive/unread"):
        lines.append(f"  unread     {int(stats['archive/unread'])} pages archived but not extracted "
                     "(more HTML elements than EXTRACT_MAX_ELEMENTS)")
    blocked = _blocked(stats)
    if blocked:
        lines.append(f"  blocked    {blocked} (walls instead of pages; `newsarchive health` names the outlets)")
    if stats.get("browser/pages"):
        lines.append(f"  browser    {_rendered(stats)}")
    if "recheck/due" in stats:
        lines.append(f"  re-checks  {_rechecks(stats)}")
    if any(stats.get(f"alerts/{name}") for name in ("sent", "failed", "waiting")):  # watches' alerts
        lines.append(f"  alerts     {_alerts(stats)}")
    ending = verdict(stats, reason)
    if ending.line:
        lines.append(f"error: {ending.line}" if ending.is_error else ending.line)
    return "\n".join(lines)


def _blocked(stats: dict[str, Any]) -> str:
    """Blocked captures by kind ("consent 2 · challenge 1"), or "" when there were none."""
    kinds = {key.split("/", 1)[1]: int(value) for key, value in stats.items() if key.startswith("blocked/") and value}
    return " · ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))


def _rendered(stats: dict[str, Any]) -> str:
    """Pages the browser rendered, milliseconds per render, bytes per screenshot."""
    pages = int(stats["browser/pages"])
    text = f"{pages} pages rendered, {int(stats.get('browser/render_ms', 0)) / pages:.0f} ms each"
    shots = int(stats.get("browser/screenshots", 0))
    if shots:
        text += f", {shots} screenshots of {_size(int(stats.get('browser/screenshot_bytes', 0)) // shots)} each"
    return text


def _rechecks(stats: dict[str, Any]) -> str:
    due = int(stats.get("recheck/due", 0))
    scheduled, upcoming = stats.get("recheck/scheduled"), stats.get("recheck/next_at")
    if scheduled is None:
        later = "schedule unknown"
    elif upcoming is None:
        later = "none scheduled"
    else:
        later = f"{scheduled} scheduled, next {'due now' if stats.get('recheck/overdue') else 'at ' + upcoming}"
    return f"{due} due, {later}; `-a recheck=all` re-checks every archived page now"


def _alerts(stats: dict[str, Any]) -> str:
    sent, failed, waiting = (int(stats.get(f"alerts/{name}", 0)) for name in ("sent", "failed", "waiting"))
    text = f"{sent} messages sent, {failed} failed"
    return text + (f", {waiting} waiting (newsarchive alerts --undelivered)" if waiting else "")


def _size(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count} B"
