"""Open what a page hides behind "load more" buttons (a live blog's older posts), a bounded number of times."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import Error as PlaywrightError

# What such buttons say, in the languages the archive reads most; or a data-load-more attribute.
LOAD_MORE = re.compile(r"^\s*(load|show|see|view) (more|older)( posts| updates| entries)?\s*$|^\s*older posts\s*$|"
                       r"^\s*(mehr laden|weitere beiträge|plus de billets|afficher plus|cargar más|ver más)\s*$",
                       re.IGNORECASE)
_SELECTOR = "button, a[role=button], [data-load-more]"


async def expand(page: Any, max_clicks: int, settle: Callable[[], Awaitable[None]]) -> int:
    """Click the first visible "load more" control until none is left or ``max_clicks``; return the clicks made."""
    clicks = 0
    while clicks < max_clicks:
        control = await _find(page)
        if control is None:
            break
        try:
            await control.click(timeout=2000)
        except PlaywrightError:
            break
        clicks += 1
        await settle()
    return clicks


async def _find(page: Any) -> Any | None:
    for control in await page.query_selector_all(_SELECTOR):
        try:
            if not await control.is_visible() or await control.is_disabled():
                continue
            marked = await control.get_attribute("data-load-more")
            if marked is not None or LOAD_MORE.search(await control.inner_text()):
                return control
        except PlaywrightError:
            continue
    return None
