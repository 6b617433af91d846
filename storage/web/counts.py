"""The outlets with their page and version counts, as of the archive's latest write, for every page that shows them.

Counting every page and version takes seconds at millions of versions, so the
count is kept; but a kept count lags the rest of a page (its latest changes,
read fresh) once a crawl writes. So each request reads the archive's
generation (:meth:`storage.Archive.generation`, four max-id lookups) and, when
rows were added since the kept count, adds only those rows
(:meth:`storage.Archive.outlets_as_of`). A full count is redone in the
background every ``seconds``, for rows a ``reindex`` may have deleted.
"""

from __future__ import annotations

import logging
import threading
import time

from storage.archive import Archive
from storage.outlets.listing import Generation
from storage.outlets.results import OutletView

logger = logging.getLogger(__name__)


def _ahead(newer: Generation, older: Generation) -> bool:
    return all(n >= o for n, o in zip(newer, older))


class OutletCounts:
    """``get(generation)``: the outlets counted up to ``generation``, grown from the kept count when it can be."""

    def __init__(self, archive: Archive, seconds: float) -> None:
        self.archive = archive
        self.seconds = seconds
        self._lock = threading.Lock()
        self._kept: tuple[Generation, list[OutletView], float] | None = None  # generation, outlets, full count due
        self._recounting = False

    def get(self, generation: Generation) -> list[OutletView]:
        with self._lock:
            kept = self._kept
            if kept is None or not (_ahead(generation, kept[0]) or _ahead(kept[0], generation)):
                outlets = self.archive.outlets_as_of(generation)  # first, or rows were deleted: count in full
                self._kept = (generation, outlets, time.monotonic() + self.seconds)
                return outlets
            if not _ahead(generation, kept[0]):
                return kept[1]  # this request read the generation just before another's write: the newer count
            if generation != kept[0]:
                self._kept = kept = (generation, self.archive.outlets_as_of(generation, kept[1], kept[0]), kept[2])
            if kept[2] <= time.monotonic() and not self._recounting:
                self._recounting = True
                threading.Thread(target=self._recount, args=(generation,), daemon=True).start()
            return kept[1]

    def _recount(self, generation: Generation) -> None:
        try:
            outlets = self.archive.outlets_as_of(generation)
            with self._lock:
                kept = self._kept
                if kept is not None and kept[0] != generation and _ahead(kept[0], generation):
                    outlets = self.archive.outlets_as_of(kept[0], outlets, generation)
                    generation = kept[0]
                self._kept = (generation, outlets, time.monotonic() + self.seconds)
        except Exception:
            logger.exception("recounting the outlets failed; the kept count stays")
        finally:
            with self._lock:
                self._recounting = False
