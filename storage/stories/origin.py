"""Which member of a story is its origin: the earliest first seen, a credible published date breaking near-ties.

A published date later than first seen (plus clock slack) is not credible
and is ignored; captures first seen within ``ORIGIN_TIE_WINDOW`` of the
earliest count as simultaneous, and among them the earlier credible published
date wins. :mod:`storage.stories.matcher` applies this whenever a story changes.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta

# Captures first seen this close together count as simultaneous; then the
# earlier published date decides. A published date later than first_seen
# (plus this much clock slack) is not credible and is ignored.
ORIGIN_TIE_WINDOW = timedelta(hours=6)
PUBLISHED_SLACK = timedelta(minutes=10)


def credible_published(first_seen: datetime, published: datetime | None) -> datetime | None:
    """``published``, unless missing or later than ``first_seen`` (plus clock slack)."""
    if published is None or published > first_seen + PUBLISHED_SLACK:
        return None
    return published



def pick_origin(items: list[tuple[Hashable, datetime, datetime | None]]) -> Hashable:
    """The origin among ``(id, first_seen, published)``: earliest first seen, near-ties by credible published."""
    earliest = min(first_seen for _, first_seen, _ in items)
    near = [item for item in items if item[1] - earliest <= ORIGIN_TIE_WINDOW]

    def key(item: tuple[Hashable, datetime, datetime | None]) -> tuple[datetime, datetime]:
        _, first_seen, published = item
        return (credible_published(first_seen, published) or first_seen, first_seen)

    return min(near, key=key)[0]

