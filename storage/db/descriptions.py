"""What each table of the archive holds, and its main columns, in words: written once, here.

The wording follows the README's schema table and the docstrings of
:mod:`storage.db.models`. Tools that show the schema to people take it from
:data:`TABLES` (Datasette's metadata: :mod:`storage.db.datasette_metadata`),
so a table or column is explained in one place only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class TableDescription:
    """One table: a sentence on what one row is, and a phrase for each main column."""

    description: str
    columns: Mapping[str, str] = field(default_factory=dict)


ARCHIVE = (
    "The index of a news archive: every version of every article, by outlet and time. "
    "The WARC files are the source of truth; each capture points at its WARC record."
)

_SEEN = {
    "first_seen": "when it was first captured (UTC, ISO 8601)",
    "last_seen": "when it was last captured unchanged (UTC, ISO 8601)",
}

TABLES: Mapping[str, TableDescription] = MappingProxyType({
    "outlets": TableDescription(
        "One row per outlet of the seed files.",
        {
            "name": "the outlet's name in the seed file: unique and stable",
            "domains": "the domains its crawl stays inside (JSON list)",
            "created_at": "when the outlet entered the archive",
            "seed": "its seed entry as crawled (JSON), from the WARC files' run records",
            "rendered_since": "render = \"auto\": when its pages turned out to need a browser (null: not so far)",
            "rendered_because": "the page that showed it: an article whose text came only with its scripts",
        },
    ),
    "pages": TableDescription(
        "One row per article URL (canonical), whatever it was fetched as.",
        {
            "outlet_id": "the outlet that owns the URL",
            "url": "the canonical article URL",
            **_SEEN,
            "state": "ok, or how the article went away: removed, redirected, paywalled, or moved to a new address",
            "moved_to_id": "the page its article moved to (a new address of the outlet), where its history goes on",
        },
    ),
    "captures": TableDescription(
        "One row per fetch of a page (a WARC response or revisit record), or per run of re-checks that found it unchanged.",
        {
            "page_id": "the page fetched",
            "fetched_url": "the URL as it was fetched (before canonicalisation)",
            "fetched_at": "when it was fetched (UTC, ISO 8601)",
            "status": "the HTTP status",
            "record_type": "response, or revisit when the payload was unchanged",
            "warc_file": "the WARC file holding the record",
            "warc_offset": "the record's byte offset in that file",
            "warc_length": "the record's length in bytes",
            "warc_record_id": "the record's WARC-Record-ID",
            "payload_digest": "the WARC-Payload-Digest of the body",
            "etag": "the response's ETag header",
            "last_modified": "the response's Last-Modified header",
            "run_id": "the crawl run that made the fetch",
            "blocked": "the wall met instead of the page (consent, challenge, denied, login, maintenance, "
                       "rate-limit), or empty: a blocked capture is neither a version nor a removal",
            "unread": "why the page's text was not extracted: oversized (more HTML elements than the cap), "
                      "or empty; an unread capture is neither a version nor a removal",
            "last_fetched_at": "the last re-check that found this capture unchanged (its run's fetches are in "
                               "capture_fetches), or empty when it was fetched once",
        },
    ),
    "capture_fetches": TableDescription(
        "One row per re-check that found a capture unchanged: a revisit record of the same payload, URL and "
        "headers, one more fetch in that capture's run.",
        {
            "capture_id": "the capture it found unchanged (its URL, payload digest and headers are the capture's)",
            "fetched_at": "when it was fetched (UTC, ISO 8601)",
            "status": "the HTTP status (304 when the server answered Not Modified)",
            "warc_file_id": "the WARC file holding the revisit record",
            "warc_offset": "the record's byte offset in that file",
            "warc_length": "the record's length in bytes",
            "record_id": "the record's WARC-Record-ID, as the 16 bytes of its UUID",
        },
    ),
    "warc_files": TableDescription(
        "One row per WARC file that capture_fetches point into: its name once.",
        {"name": "the WARC file's name, as captures.warc_file gives it"},
    ),
    "versions": TableDescription(
        "One row per distinct article text (or title) of a page, numbered 1, 2, … by seq.",
        {
            "page_id": "the page this is a version of",
            "outlet_id": "the page's outlet, repeated for fast outlet-and-time queries",
            "seq": "the version's number for its page: 1, 2, …",
            "title": "the headline",
            "text": "the article text, without the page's clutter",
            "authors": "the byline (JSON list)",
            "published": "the publication time the page gives",
            "modified": "the modification time the page gives",
            "language": "the text's language",
            **_SEEN,
            "capture_id": "the capture this version was extracted from",
            "state": "ok, or removed, redirected, paywalled or moved (then the text is empty)",
            "change_summary": "what this version changed from the one before (JSON); declared: false marks a stealth edit",
            "posts": "a live blog's posts in this version (JSON: id, time, author, text); null for other pages",
            "chars_added": "reader-visible characters this version added",
            "chars_removed": "reader-visible characters this version removed",
            "extractor_version": "the extractor that produced the text",
        },
    ),
    "versions_fts": TableDescription(
        "The full-text index (FTS5) over the title and text of versions, kept in step by triggers.",
        {"title": "the version's title", "text": "the version's text"},
    ),
    "stories": TableDescription(
        "One row per story: a group of versions carrying the same article across outlets.",
        {
            "origin_version_id": "the version judged to be the story's origin",
            "members": "how many versions the story has",
            "outlets": "how many outlets carry it",
            **_SEEN,
        },
    ),
    "story_members": TableDescription(
        "One row per version in a story: its relation to the origin.",
        {
            "version_id": "the member version",
            "story_id": "the story",
            "relation": "how it relates to the origin: origin, verbatim, edited or rewrite",
            "similarity": "how similar it is to the origin, 0 to 1 (its meaning depends on relation)",
            "matched_to": "the version it matched when it joined",
            "match_similarity": "how similar it was to that version",
        },
    ),
    "story_fingerprints": TableDescription(
        "One row per version fingerprint, used to find copies incrementally.",
        {"version_id": "the version", "words": "the number of words fingerprinted",
         "cut": "the text as story matching reads it, zlib-compressed: a line of lower-cased words per sentence, then the names and numbers"},
    ),
    "story_band": TableDescription(
        "One row per LSH band key of a version, used to find copies incrementally.",
        {"band_key": "the band key", "version_id": "the version"},
    ),
    "page_schedule": TableDescription(
        "One row per archived article: when it is next re-checked, and its track record.",
        {
            "page_id": "the page",
            "outlet_id": "the page's outlet",
            "next_check_at": "when the page is next due (empty: retired, never checked again)",
            "last_checked_at": "when it was last checked",
            "last_changed_at": "when it last changed",
            "checks": "how many times it was checked",
            "changes": "how many of those checks found a change",
            "failures": "failed checks in a row (a 503, a timeout, …): each doubles the wait, up to a day",
            "last_failure": "the kind of the last failed check (http_503, timeout, dns, …)",
        },
    ),
    "outlet_change_record": TableDescription(
        "One row per outlet: running totals of checks and changes, the prior for its new pages.",
        {
            "outlet_id": "the outlet",
            "checks": "re-checks of its pages",
            "changes": "re-checks that found a change",
        },
    ),
    "outlet_boilerplate": TableDescription(
        "One row per outlet: its learned clutter model.",
        {
            "outlet_id": "the outlet",
            "pages": "how many pages the model was learned from",
            "model": "the model (JSON)",
            "updated_at": "when it was last learned",
        },
    ),
    "runs": TableDescription(
        "One row per crawl run: start, end, finish reason, counts, errors and WARC files.",
        {
            "started_at": "when the run started",
            "finished_at": "when it ended (empty: still running, or killed)",
            "host": "the machine it ran on",
            "finish_reason": "why it ended",
            "counts": "what it fetched and recorded (JSON)",
            "errors": "errors by kind (JSON)",
            "outlets": "figures per outlet (JSON)",
            "warc_files": "the WARC files it wrote (JSON list)",
            "crawl_id": "the distributed crawl it was one process of (empty: a crawl of its own)",
            "exit_status": "what scrapy crawl returned: 0 ok, 1 failed, 3 archive not written, 4 nothing fetched, ...",
        },
    ),
    "watches": TableDescription(
        "One row per watch: a standing search, the events it follows and where its alerts go.",
        {
            "name": "the watch's name: unique",
            "query": "the query, in the search syntax",
            "outlets": "the outlets it follows (JSON list; empty: every outlet)",
            "events": "the events it follows (JSON list)",
            "targets": "where its alerts go: Apprise URLs, secrets included",
            "digest": "whether a delivery run sends one digest instead of one message per alert",
            "created_at": "when the watch was added",
        },
    ),
    "alerts": TableDescription(
        "One row per event of a watch on a version, with the capture behind it.",
        {
            "watch_id": "the watch",
            "event": "new, changed, removed, headline, correction, appears or disappears",
            "version_id": "the version that raised it",
            "url": "the page's URL",
            "version_seq": "the version's number on its page",
            "previous_seq": "the number of the version before it",
            "excerpt": "what changed: the match, the old and new title, the correction, the removal",
            "warc_file": "the WARC file of the capture behind it",
            "warc_offset": "the record's offset in that file",
            "warc_record_id": "the WARC-Record-ID of the capture",
        },
    ),
    "alert_deliveries": TableDescription(
        "The outbox: one row per alert and notification target, until it is delivered.",
        {
            "alert_id": "the alert",
            "target": "the Apprise URL it goes to, secrets included",
            "attempts": "how many times sending was tried",
            "next_attempt_at": "when it is tried next",
            "delivered_at": "when it was delivered (empty: still waiting)",
            "last_error": "why the last try failed",
            "claimed_until": "a delivery run is sending it until then (empty: no run is)",
        },
    ),
    "frontpages": TableDescription(
        "One row per front page: an outlet's start page (home or section front), by the URL it was fetched as.",
        {"outlet_id": "the outlet", "url": "the URL it was fetched as (after redirects)"},
    ),
    "frontpage_captures": TableDescription(
        "One row per fetch of a front page, numbered 1, 2, … per front page; points at its WARC record.",
        {
            "frontpage_id": "the front page",
            "seq": "the capture's number on its front page",
            "fetched_at": "when it was fetched (the WARC-Date; UTC, ISO 8601)",
            "links": "how many article links it showed",
            "warc_file": "the WARC file holding the response",
            "warc_offset": "where the record starts in it",
            "warc_record_id": "the WARC record's id",
        },
    ),
    "frontpage_links": TableDescription(
        "One row per distinct article link of a front page: its URL, the headline and the section it had.",
        {
            "frontpage_id": "the front page",
            "url": "the article's canonical URL",
            "headline": "the front page's headline for it (the link text)",
            "section": "the heading or landmark it stood under (empty: none)",
        },
    ),
    "frontpage_runs": TableDescription(
        "One row per run of consecutive captures in which a link kept its rank and lead.",
        {
            "link_id": "the link (article, headline, section)",
            "rank": "its place in reading order (1: first)",
            "lead": "whether it was the lead story",
            "first_seq": "the first capture of the run",
            "last_seq": "the last capture of the run",
        },
    ),
    "renditions": TableDescription(
        "One row per screenshot taken of a version after its capture: a page fetched without the browser, "
        "rendered again because its outlet asks for a screenshot of every version.",
        {
            "capture_record_id": "the capture it shows (captures.warc_record_id)",
            "warc_file": "the WARC file holding the screenshot, its layout and the rendered DOM",
            "warc_offset": "where the first of those records starts",
            "taken_at": "when the page was rendered",
        },
    ),
    "alembic_version": TableDescription(
        "The schema's revision in the Alembic chain (storage/db/migrations/).",
        {"version_num": "the current revision"},
    ),
})
