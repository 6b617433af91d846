"""Article text → the pieces story matching works on: words, sentences, anchors.

Shared by :mod:`extract.fingerprint` (band keys for candidate lookup) and
:mod:`extract.stories` (the exact comparison). Everything here is a pure
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

logger = logging.getLogger(__name__)

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
# Han and kana are written without spaces: each character counts as a word.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK}]|(?:(?![{_CJK}])\w)+(?:'(?:(?![{_CJK}])\w)+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|(?<=[。！？])")
# Lines this short are page furniture ("Advertisement", "Read more"), not prose.
MIN_LINE_WORDS = 3

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


def clean_lines(text: str) -> list[str]:
    """Prose lines of ``text``: quotes normalised, furniture and repeated lines dropped."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    seen: set[str] = set()
    lines = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if len(_WORD.findall(line)) < MIN_LINE_WORDS or line.lower() in seen:
            continue
        seen.add(line.lower())
        lines.append(line)
    return lines


def split_sentences(lines: list[str]) -> list[str]:
    """Sentences of the prose lines (a line break always ends a sentence)."""
    return [s for line in lines for s in _SENTENCE_END.split(line) if _WORD.search(s)]


def _anchor_forms(sentences: list[list[str]]) -> set[str]:
    """Lower-cased forms seen capitalised somewhere other than a sentence start, or as digits."""
    forms: set[str] = set()
    for tokens in sentences:
        for position, token in enumerate(tokens):
            lower = token.lower()
            if lower in STOPWORDS:
                continue
            if token[0].isdigit() or (position > 0 and token[0].isupper()):
                forms.add(lower)
    return forms


def story_text(text: str) -> StoryText:
    """Cut ``text`` (an article body, clutter allowed) into words, sentences and anchors."""
    raw_sentences = [_WORD.findall(s) for s in split_sentences(clean_lines(text))]
    forms = _anchor_forms(raw_sentences)
    anchors = tuple(
        token.lower()
        for tokens in raw_sentences
        for token in tokens
        if (token[0].isupper() or token[0].isdigit()) and token.lower() in forms
    )
    sentences = tuple(tuple(t.lower() for t in tokens) for tokens in raw_sentences)
    words = tuple(w for s in sentences for w in s)
    return StoryText(words=words, sentences=sentences, anchors=anchors)


def shingles(words: tuple[str, ...] | list[str], size: int) -> set[str]:
    """Overlapping ``size``-word shingles as space-joined strings (the whole text if shorter)."""
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}

