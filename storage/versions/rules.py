"""What makes a new version, in one place.

A capture of a page adds a version only when a reader would notice the
difference from the latest version: title, byline or text, compared after
:mod:`storage.versions.changes` has set aside whitespace, "updated 5 minutes
ago" stamps, counters and clutter lines that leaked through extraction. A new
version records what it changed (:func:`change_summary`) and how much.
:mod:`storage.versions.recorder` applies these rules to every capture; the
benchmarks' bulk loader (``bench/bulk_load.py``) applies the same ones in batches.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from extract.article import Article
from storage.versions import changes
from storage.versions.normalize import text_hash


def reader_hash(title: str | None, text: str | None, authors: list[str] | None) -> str:
    """What a reader sees of a version, hashed: equal hashes mean no new version is due."""
    return changes.stable_hash(title, text, authors)


def same_for_a_reader(known: str, article: Article, unstripped_text: str | None = None,
                      article_hash: str | None = None) -> bool:
    """Whether ``article`` reads the same as the version whose :func:`reader_hash` is ``known``.

    ``unstripped_text`` is the article's text before its outlet's learned
    clutter was stripped: a latest version stored before the model learned those
    lines matches it, and is the same article. ``article_hash`` is the
    article's own reader hash when it was worked out already.
    """
    if (article_hash or reader_hash(article.title, article.text, article.authors)) == known:
        return True
    return unstripped_text is not None and reader_hash(article.title, unstripped_text, article.authors) == known


def change_summary(previous: Any, article: Any) -> dict[str, Any]:
    """What ``article`` changed relative to ``previous`` (see :func:`storage.versions.changes.summarize`).

    Both need ``title`` and ``text``; byline and dates are compared when they have them.
    Whether the outlet declared the change (:mod:`storage.versions.declared`) goes in too.
    """
    return changes.summarize(snapshot(previous), snapshot(article))


def snapshot(value: Any) -> changes.Snapshot:
    """The fields of a version (or article) that a change summary compares."""
    return changes.Snapshot(value.title, value.text or "", list(getattr(value, "authors", None) or []),
                            getattr(value, "published", None), getattr(value, "modified", None),
                            list(getattr(value, "posts", None) or []))


def version_fields(article: Article, previous_seq: int | None, summary: dict[str, Any] | None,
                   seen_at: datetime, extractor_version: str | None, hashed: str | None = None) -> dict[str, Any]:
    """The column values of a new text version of ``article`` (``summary``: what it changed, None for a first).

    ``hashed`` is the article's :func:`storage.versions.normalize.text_hash` when already worked out.
    """
    return {
        "seq": 1 if previous_seq is None else previous_seq + 1,
        "title": article.title,
        "text": article.text,
        "authors": list(article.authors),
        "published": article.published,
        "modified": article.modified,
        "language": article.language,
        "declared_language": getattr(article, "declared_language", None),
        "sitename": article.sitename,
        "description": article.description,
        "tags": list(article.tags),
        "text_hash": hashed or text_hash(article.title, article.text),
        "first_seen": seen_at,
        "last_seen": seen_at,
        "extractor_version": extractor_version,
        "change_summary": summary,
        "posts": list(getattr(article, "posts", None) or []) or None,
        "chars_added": changes.text_size(article.text) if summary is None else summary["chars_added"],
        "chars_removed": 0 if summary is None else summary["chars_removed"],
        "state": "ok",
    }
