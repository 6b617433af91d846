"""Outlet boilerplate models in the archive: one learned model per outlet, as JSON.

The crawl's pipeline loads each outlet's :class:`~extract.boilerplate.OutletBoilerplate`
when it opens and saves it back every few hundred pages and when it closes, so
the next crawl starts with what this one learned. ``newsarchive boilerplate``
and ``newsarchive reextract`` read the same rows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from extract.article import Article
from extract.boilerplate import OutletBoilerplate, Stripping
from storage.db.models import BoilerplateModel, Outlet
from storage.db.times import now
from storage.outlets.names import require_outlet

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LearnedLine:
    """One line an outlet's model strips: how many of its pages showed it, and what share."""

    line: str
    pages_seen: int
    share: float

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "pages_seen": self.pages_seen, "share": round(self.share, 4)}


def load_models(session: Session, outlets: Iterable[str] | None = None) -> dict[str, OutletBoilerplate]:
    """The saved model of each outlet (all outlets, or those named); a missing or unreadable one is left out."""
    query = select(Outlet.name, BoilerplateModel.model).join(BoilerplateModel, BoilerplateModel.outlet_id == Outlet.id)
    if outlets is not None:
        query = query.where(Outlet.name.in_(list(outlets)))
    models: dict[str, OutletBoilerplate] = {}
    for name, data in session.execute(query):
        try:
            models[name] = OutletBoilerplate.from_dict(data)
        except (ValueError, KeyError, TypeError) as error:
            logger.warning("ignoring the saved boilerplate model of %s (%s); it will be learned again", name, error)
    return models


def save_models(session: Session, snapshots: dict[str, dict[str, Any]]) -> None:
    """Store ``OutletBoilerplate.to_dict()`` snapshots by outlet name (outlets must exist)."""
    query = select(Outlet.name, Outlet.id).where(Outlet.name.in_(list(snapshots)))
    ids: dict[str, int] = {name: outlet_id for name, outlet_id in session.execute(query)}
    for name, data in snapshots.items():
        if name not in ids:
            logger.warning("not saving the boilerplate model of unknown outlet %s", name)
            continue
        row = session.get(BoilerplateModel, ids[name])
        if row is None:
            session.add(BoilerplateModel(outlet_id=ids[name], pages=int(data["pages"]), model=data, updated_at=now()))
        else:
            row.pages, row.model, row.updated_at = int(data["pages"]), data, now()


def learned_lines(session: Session, outlet: str) -> tuple[int, list[LearnedLine]]:
    """(pages the outlet's model has seen, the lines it strips); raises for an unknown outlet."""
    require_outlet(session, outlet)
    model = load_models(session, [outlet]).get(outlet)
    if model is None:
        return 0, []
    return model.pages, [LearnedLine(line, seen, share) for line, seen, share in model.explain()]



class OutletModels:
    """The crawl's outlet models, kept in the main process and saved every ``save_every`` pages.

    Extraction workers return pages without any outlet model (a model sent to
    a worker process would only learn in the worker's copy); :meth:`apply`
    then teaches the outlet's model and strips its learned lines here.
    """

    def __init__(self, models: dict[str, OutletBoilerplate], save_every: int = 200) -> None:
        self.models = models
        self.save_every = max(1, save_every)
        self._since_save = 0

    @classmethod
    def load(cls, archive: Any, outlets: Iterable[str] | None = None, save_every: int = 200) -> OutletModels:
        """The saved models of ``outlets`` from ``archive`` (a :class:`storage.archive.Archive`)."""
        models = archive.read(lambda session: load_models(session, outlets))
        if models:
            logger.info("boilerplate models loaded for %s", ", ".join(f"{n} ({m.pages} pages)" for n, m in models.items()))
        return cls(models, save_every)

    def apply(self, outlet: str, article: Article, raw_text: str, url: str | None) -> str:
        """Learn from the page and strip ``article.text``; returns the text as it was before stripping."""
        return self.apply_outcome(outlet, article, raw_text, url).original

    def apply_outcome(self, outlet: str, article: Article, raw_text: str, url: str | None) -> Stripping:
        """:meth:`apply`, returning what the model did (``kept_whole``: it would have stripped most of the text)."""
        model = self.models.setdefault(outlet, OutletBoilerplate())
        outcome = model.apply_outcome(article, raw_text, page=url)
        self._since_save += 1
        return outcome

    def due(self) -> bool:
        return self._since_save >= self.save_every

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """JSON-ready copies of every model (take them where the models are updated)."""
        self._since_save = 0
        return {name: model.to_dict() for name, model in self.models.items() if model.pages}

    @staticmethod
    def store(archive: Any, snapshots: dict[str, dict[str, Any]]) -> None:
        """Write snapshots taken by :meth:`snapshot` (safe to run in another thread)."""
        if snapshots:
            archive.write(lambda session: save_models(session, snapshots))
