"""Bytes → str for HTML pages: BOM first, then the declared charset, else UTF-8.

A page whose bytes are valid UTF-8 with multi-byte characters is read as UTF-8
whatever its ``<meta>`` declares: pages re-saved as UTF-8 by other tools and
proxies keep their original declaration (``gb2312``, ``shift_jis``,
``windows-1251`` …), and text in a legacy multi-byte or 8-bit encoding is
practically never valid UTF-8 over a whole page. Undecodable bytes become
U+FFFD instead of raising, so a page with a wrong or missing declaration still
yields text.
"""

from __future__ import annotations

import codecs
import logging
import re

logger = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOM_PREFIXES = tuple(bom for bom, _ in _BOMS)
# <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_SNIFF_BYTES = 4096
# Browsers treat these labels as windows-1252, which is a superset.
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}


def declared_encoding(data: bytes) -> str | None:
    """The encoding a BOM or a <meta> charset declares, if Python knows it."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    match = _META_CHARSET.search(data[:_SNIFF_BYTES])
    if not match:
        return None
    label = match.group(1).decode("ascii", "ignore").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        logger.debug("unknown charset %r, using UTF-8", label)
        return None


def decode_html(data: bytes) -> str:
    """Decode an HTML document, never raising: unknown bytes become U+FFFD."""
    encoding = declared_encoding(data) or "utf-8"
    if encoding != "utf-8" and not data.startswith(_BOM_PREFIXES):
        text = _as_utf8(data)
        if text is not None:
            return text
    text = data.decode(encoding, errors="replace")
    return text.lstrip("\ufeff")


def _as_utf8(data: bytes) -> str | None:
    """``data`` as UTF-8 when it is valid UTF-8 with at least one multi-byte character, else None."""
    if data.isascii():
        return None  # the declaration decides: ASCII is read alike by every encoding it could name
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
