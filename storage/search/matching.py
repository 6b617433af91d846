"""Match a parsed search query against one version's title and text, in Python.

Watches (:mod:`storage.search.watches`) test every new version as it is
recorded; running the full-text index over the whole archive for that would
cost a query per watch per version. So the query (:func:`storage.search.syntax.parse`)
is evaluated here against the version's own words, tokenised the way SQLite's
FTS5 ``unicode61 remove_diacritics 2`` tokeniser does:

* a token is a run of letters and digits; everything else separates
  (``net-zero`` is ``net zero``, ``covid-19`` is ``covid 19``);
* case and diacritics are folded (``Zürich`` matches ``zurich``);
* a term is a phrase: its tokens in a row, inside the title or inside the text
  (a phrase never runs from the title into the text, as in FTS5's columns).

Where it may differ from a search: PostgreSQL's ``simple`` configuration keeps
diacritics (``zürich`` does not match ``zurich`` there, here it does), reads
e-mail addresses, URLs and hyphenated words as tokens of their own as well as
their parts, and FTS5 knows a few more Unicode separators than Python's ``\\w``.
Both ignore stemming, as this module does.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from storage.search.syntax import Branch, Query

_TOKEN = re.compile(r"[^\W_]+")
# ASCII text (most of it) is split by str.translate, four times faster than the regular expression.
_ASCII_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def tokens(text: str | None) -> list[str]:
    """The tokens of ``text``: letter-and-digit runs, case and diacritics folded."""
    if not text:
        return []
    folded = text.lower()  # simple case folding, as unicode61 (casefold would make "ß" "ss")
    if folded.isascii():
        return folded.translate(_ASCII_SEPARATORS).split()
    folded = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return _TOKEN.findall(folded)


@functools.lru_cache(maxsize=4096)  # a watch's terms are looked up for every version
def term_tokens(term: str) -> tuple[str, ...]:
    """A query term (a word or a phrase) as the tokens it must match, in order."""
    return tuple(tokens(term))


@dataclass(slots=True)
class Document:
    """A version's title and text, tokenised on first use (and joined again only if a phrase is looked for)."""

    title: str | None
    text: str | None
    _words: frozenset[str] | None = field(default=None, repr=False)
    _tokens: tuple[list[str], list[str]] = field(default=([], []), repr=False)
    _joined: tuple[str, str] | None = field(default=None, repr=False)

    @property
    def words(self) -> frozenset[str]:
        """Every distinct token of the title and text."""
        if self._words is None:
            self._tokens = (tokens(self.title), tokens(self.text))
            self._words = frozenset(self._tokens[0]).union(self._tokens[1])
        return self._words

    def _phrases(self) -> tuple[str, str]:
        """Title and text as space-separated tokens, padded, for phrase look-ups."""
        if self._joined is None:
            self._joined = tuple(" " + " ".join(part) + " " for part in self._tokens)  # type: ignore[assignment]
        return self._joined  # type: ignore[return-value]

    def has(self, term: str) -> bool:
        """Whether ``term`` (a word or a phrase) occurs in the title or in the text."""
        wanted = term_tokens(term)
        if not wanted:
            return False
        words = self.words
        if len(wanted) == 1:
            return wanted[0] in words
        if any(token not in words for token in wanted):
            return False
        phrase = " " + " ".join(wanted) + " "
        title, body = self._phrases()
        return phrase in title or phrase in body


def matching_branch(query: Query, document: Document) -> Branch | None:
    """The first alternative of ``query`` that ``document`` matches, or None."""
    for branch in query.branches:
        if all(document.has(term) for term in branch.terms) and not any(
                document.has(term) for term in query.branch_exclusions(branch)):
            return branch
    return None


def matches(query: Query, document: Document) -> bool:
    """Whether ``document`` matches ``query`` as a search would."""
    return matching_branch(query, document) is not None


def key_token(branch: Branch) -> str | None:
    """One token every match of ``branch`` contains: the longest, likely the rarest (for indexing watches)."""
    candidates = [token for term in branch.terms for token in term_tokens(term)]
    return max(candidates, key=len) if candidates else None
