"""Full-text search over versions: one query syntax, two engines.

Users write web-search syntax on every backend: words (all must match),
``"a phrase"``, ``OR`` between alternatives, ``-word`` or ``NOT word`` to
exclude. :func:`parse` reads it once; it is rendered as an FTS5 MATCH
expression on SQLite and as ``websearch_to_tsquery`` input on PostgreSQL,
with every word quoted so neither engine sees operators the user did not mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from storage.db.errors import BadQuery

_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
_WORD_JUNK = re.compile(r'["()*:^{}]')


@dataclass(slots=True)
class Query:
    """Alternatives (OR) of terms that must all match, minus excluded terms."""

    alternatives: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


def parse(text: str) -> Query:
    """Parse a user's search string; raise :class:`BadQuery` if nothing must match."""
    query, current, negate = Query(), [], False
    for token in _TOKEN.findall(text):
        if token == "OR":
            if current:
                query.alternatives.append(current)
            current = []
            continue
        if token in ("AND", "+"):
            continue
        if token == "NOT":
            negate = True
            continue
        if token.startswith("-") and len(token) > 1:
            negate, token = True, token[1:]
        term = " ".join(_WORD_JUNK.sub(" ", token).split())
        if term and any(char.isalnum() for char in term):  # "-" or "&" alone is no word
            (query.excluded if negate else current).append(term)
        negate = False
    if current:
        query.alternatives.append(current)
    if not query.alternatives:
        raise BadQuery(f"nothing to search for in {text!r}: give at least one word that must match")
    return query


def _quote(term: str) -> str:
    return '"' + term + '"'


def to_fts5(query: Query) -> str:
    """The query as an SQLite FTS5 MATCH expression."""
    groups = " OR ".join("(" + " AND ".join(map(_quote, group)) + ")" for group in query.alternatives)
    if not query.excluded:
        return groups
    return f"({groups}) NOT (" + " OR ".join(map(_quote, query.excluded)) + ")"


def to_websearch(query: Query) -> str:
    """The query as PostgreSQL ``websearch_to_tsquery`` input (exclusions in every branch)."""
    excluded = " ".join("-" + _quote(term) for term in query.excluded)
    branches = (" ".join(map(_quote, group)) + (" " + excluded if excluded else "") for group in query.alternatives)
    return " or ".join(branches)
