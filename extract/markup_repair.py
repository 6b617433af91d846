"""Mend the markup breakage that makes a parser lose a whole page.

Browsers and lxml treat everything after an unclosed ``<title>`` (or
``<textarea>``) as plain text, so one missing end tag turns a page into a
title and no body. When such an element is never closed, its end tag is put
back before the first tag that cannot belong inside it.
"""

from __future__ import annotations

import re

_RAWTEXT_OPEN = re.compile(r"<(title|textarea)\b[^>]*>", re.IGNORECASE)
_BLOCK_START = re.compile(r"<(?:/head|body|p|div|article|main|h[1-6]|meta|link|script|style)\b", re.IGNORECASE)


def close_runaway_elements(html: str) -> str:
    """``html`` with an unclosed ``<title>``/``<textarea>`` closed before the next block tag."""
    for match in list(_RAWTEXT_OPEN.finditer(html))[:2]:
        name = match.group(1).lower()
        rest = html[match.end():]
        if re.search(rf"</{name}\s*>", rest, re.IGNORECASE):
            continue
        block = _BLOCK_START.search(rest)
        if block:
            cut = match.end() + block.start()
            html = f"{html[:cut]}</{name}>{html[cut:]}"
    return html
