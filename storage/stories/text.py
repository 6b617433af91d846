"""Article text → the pieces story matching works on: words, sentences, anchors.

Shared by :mod:`storage.stories.fingerprint` (band keys for candidate lookup) and
:mod:`storage.stories.compare` (the exact comparison). Everything here is a pure
function of the text, so a fingerprint computed today equals one recomputed
from the WARC next year.

*Anchors* are the tokens a synonym spinner or a paraphrasing editor leaves
alone: names (capitalised words that are not merely sentence-initial) and
numbers. They carry a rewrite's identity when most of the wording changed.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice

logger = logging.getLogger(__name__)

_QUOTES = {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "–": "-", "—": "-"}
# Han and kana are written without spaces: each character counts as a word.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A word: one CJK character, or a run of other word characters (apostrophes inside allowed).
_WORD = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+(?:'[^\W{_CJK}]+)*")
# A sentence ends at . ! or ? followed by closing quotes or brackets, then space, then a capital or a
# digit (the closing marks and the space are dropped), or right after a CJK full stop. The stop itself
# opens the pattern: a pattern opening with a look-behind is tried at every character, this one only at stops.
_SENTENCE_STOP = re.compile(r"[.!?]([\"')\]]*\s+)(?=[\"'(\[]?[A-Z0-9])|[。！？]")
# Lines this short are page furniture ("Advertisement", "Read more"), not prose.
MIN_LINE_WORDS = 3
# Texts whose shingle sets are kept (see shingle_set).
SHINGLE_CACHE = 512

# Function words: never anchors even when capitalised ("The", "But", "In").
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said says say according told mr mrs ms dr one two""".split()
)


@dataclass(frozen=True, slots=True)
class StoryText:
    """An article body cut into the units matching needs.

    ``words`` are lower-cased tokens in order; ``sentences`` hold each
    sentence's lower-cased tokens; ``anchors`` are the anchor tokens in order
    of appearance (lower-cased).
    """

    words: tuple[str, ...]
    sentences: tuple[tuple[str, ...], ...]
    anchors: tuple[str, ...]

    @property
    def content_words(self) -> list[str]:
        return [w for w in self.words if w not in STOPWORDS]

    def to_cut(self) -> str:
        """Compact form to store: one line per sentence, tokens space-separated, then a tab and the anchors.

        Tokens never hold white space, so :meth:`from_cut` splits it back
        exactly, some ten times faster than cutting the text again.
        """
        return "\n".join(map(" ".join, self.sentences)) + "\t" + " ".join(self.anchors)

    @classmethod
    def from_cut(cls, cut: str) -> StoryText:
        """The :class:`StoryText` that :meth:`to_cut` wrote."""
        body, _, anchors = cut.rpartition("\t")
        sentences = tuple(tuple(line.split(" ")) for line in body.split("\n")) if body else ()
        words = tuple(chain.from_iterable(sentences))
        return cls(words=words, sentences=sentences, anchors=tuple(anchors.split(" ")) if anchors else ())


def _plain_quotes(text: str) -> str:
    # str.replace per mark: several times faster than str.translate with a dict, same result.
    for mark, plain in _QUOTES.items():
        if mark in text:
            text = text.replace(mark, plain)
    return text


def clean_lines(text: str) -> list[str]:
    """Prose lines of ``text``: quotes normalised, furniture and repeated lines dropped."""
    text = _plain_quotes(unicodedata.normalize("NFKC", text))
    seen: set[str] = set()
    lines = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if _too_short(line) or line.lower() in seen:
            continue
        seen.add(line.lower())
        lines.append(line)
    return lines


def _too_short(line: str) -> bool:
    return sum(1 for _ in islice(_WORD.finditer(line), MIN_LINE_WORDS)) < MIN_LINE_WORDS


def split_sentences(lines: list[str]) -> list[str]:
    """Sentences of the prose lines (a line break always ends a sentence)."""
    return [s for line in lines for s in _split_line(line) if _WORD.search(s)]


def _split_line(line: str) -> list[str]:
    """The pieces of ``line`` between sentence ends (``_SENTENCE_STOP``); a piece may hold no words."""
    pieces, start = [], 0
    for stop in _SENTENCE_STOP.finditer(line):
        if stop.lastindex:  # . ! or ?: the stop stays, the closing marks and space go
            pieces.append(line[start : stop.start(1)])
            start = stop.end(1)
        else:
            pieces.append(line[start : stop.end()])
            start = stop.end()
    pieces.append(line[start:])
    return pieces


def _capitalised(tokens: list[str], lows: list[str]) -> list[tuple[bool, str]]:
    """(counts as an anchor form, lower-cased form) of each token starting with a capital or a digit.

    A capital counts anywhere but at the sentence start; a digit anywhere.
    """
    found = []
    for position, (token, lower) in enumerate(zip(tokens, lows)):
        first = token[0]
        if first.isdigit():
            found.append((True, lower))
        elif first.isupper():
            found.append((position > 0, lower))
    return found


def _lower(tokens: list[str]) -> list[str]:
    # One lower() per sentence: tokens hold no spaces, so the split gives them back one for one.
    return " ".join(tokens).lower().split(" ") if tokens else []


def story_text(text: str) -> StoryText:
    """Cut ``text`` (an article body, clutter allowed) into words, sentences and anchors."""
    raw_sentences = [_WORD.findall(s) for s in split_sentences(clean_lines(text))]
    lowered = [_lower(tokens) for tokens in raw_sentences]
    # Anchors are the capitalised tokens whose form is seen capitalised somewhere other than a sentence start.
    capitalised = [c for tokens, lows in zip(raw_sentences, lowered) for c in _capitalised(tokens, lows)]
    forms = {lower for counts, lower in capitalised if counts and lower not in STOPWORDS}
    anchors = tuple(lower for _, lower in capitalised if lower in forms)
    sentences = tuple(map(tuple, lowered))
    words = tuple(chain.from_iterable(sentences))
    return StoryText(words=words, sentences=sentences, anchors=anchors)


def shingles(words: tuple[str, ...] | list[str], size: int) -> set[str]:
    """Overlapping ``size``-word shingles as space-joined strings (the whole text if shorter)."""
    if len(words) < size:
        return {" ".join(words)} if words else set()
    # zip of shifted slices: about three times faster than joining a slice per position.
    return set(map(" ".join, zip(*(words[i:] for i in range(size)))))


@lru_cache(maxsize=SHINGLE_CACHE)
def shingle_set(words: tuple[str, ...], size: int) -> frozenset[str]:
    """:func:`shingles` of ``words``, kept for the texts last asked for.

    A new text is fingerprinted and then compared with its candidates, and a
    candidate is compared with many new texts: both want the same set.
    """
    return frozenset(shingles(words, size))

