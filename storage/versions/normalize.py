"""Text normalisation that decides whether two extractions are the same version.

Two texts that differ only in whitespace, Unicode composition, typographic
quotes or dash style are the same article text: :func:`normalize_text` maps them
to one string and :func:`text_hash` fingerprints title and text together.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Scripts written without spaces between words, compared character by character: kana and Han …
CHINESE_JAPANESE = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# … and Hangul syllables (Korean spaces its words, but a one-syllable edit is still a small one).
CJK = CHINESE_JAPANESE + "\uac00-\ud7af"
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_QUOTES_AND_DASHES = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        "\u2026": "...",
    }
)


def normalize_text(text: str | None) -> str:
    """Return ``text`` in the canonical form used to compare versions."""
    if not text:
        return ""
    if not text.isascii():  # ASCII is already NFC and has nothing the tables map
        text = unicodedata.normalize("NFC", text)
        text = text.translate(_INVISIBLE).translate(_QUOTES_AND_DASHES)
    # str.split() and the regex \s agree on what whitespace is; splitting is several times faster.
    return " ".join(text.split())


def text_hash(title: str | None, text: str | None) -> str:
    """SHA-256 (hex) of the normalised title and text: equal hashes, same version."""
    payload = normalize_text(title) + "\n\x00\n" + normalize_text(text)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def paragraphs(text: str | None) -> list[str]:
    """The normalised non-empty paragraphs (blank-line separated) of ``text``."""
    if not text:
        return []
    parts = (normalize_text(p) for p in re.split(r"\n\s*\n", text))
    return [p for p in parts if p]
