"""Which outlets are rendered by a browser: the seed's ``render`` and, for ``auto``, what the crawl found.

``render = "browser"`` renders every page of the outlet; ``"static"`` none;
``"auto"`` (the default) starts without, and from the first page that declares
itself an article (JSON-LD, ``og:type``) but shows no text or only a teaser
without its scripts (:attr:`extract.page.PageAnalysis.needs_scripts`), renders
the outlet's pages from then on: the moment and the page are kept on the
outlet (``rendered_since``, ``rendered_because``) and shown by ``outlets`` and
``health``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db.models import Outlet
from storage.db.times import aware, iso


def mark_rendered(session: Session, outlet: str, since: datetime, because: str) -> bool:
    """Record that ``outlet`` needs the browser from ``since`` on (``because`` that page); False if known as early.

    The earliest such page wins, whatever order the pages are recorded in
    (a crawl's pipeline finishes pages out of order; ``reindex`` reads them in time order).
    """
    row = session.scalar(select(Outlet).where(Outlet.name == outlet))
    if row is None or (row.rendered_since is not None and aware(row.rendered_since) <= since):
        return False
    row.rendered_since, row.rendered_because = since, because
    return True


def rendered_outlets(session: Session, names: list[str] | None = None) -> set[str]:
    """The outlets found to need the browser (whatever their seed says now)."""
    query = select(Outlet.name).where(Outlet.rendered_since.is_not(None))
    if names is not None:
        query = query.where(Outlet.name.in_(names))
    return set(session.scalars(query))


def render_words(seed: dict[str, Any] | None, since: datetime | None) -> str:
    """How the outlet's pages are fetched, in words: ``browser``, ``static``, ``auto: static``, ``auto: browser since T``."""
    mode = (seed or {}).get("render", "auto")
    if mode != "auto":
        return mode
    return f"auto: browser since {iso(aware(since))}" if since is not None else "auto: static"

