"""What a spider needs to take part in a distributed crawl: its share of the run's seeding."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.distributed.keys import distributed_enabled

if TYPE_CHECKING:
    from crawler.distributed.frontier import SharedFrontier


class DistributedSpiderMixin:
    """Gives a spider a :class:`SharedFrontier` when ``REDIS_URL`` is set.

    The spider's ``start()`` begins with ``if not self.seeds_frontier(): return``.
    """

    frontier: SharedFrontier | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[misc]
        if distributed_enabled(crawler.settings):
            from crawler.distributed.frontier import (
                SharedFrontier,  # redis loads only for a distributed crawl
            )

            spider.frontier = SharedFrontier.from_crawler(crawler)
        return spider

    def seeds_frontier(self) -> bool:
        """Whether this process issues the start requests (always, unless it joins a running shared crawl)."""
        return self.frontier is None or self.frontier.claim_seeding()

