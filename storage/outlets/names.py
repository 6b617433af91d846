"""Outlet names as users type them: an unknown name is an error that names the closest ones."""

from __future__ import annotations

import difflib

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db.errors import NoSuchOutlet
from storage.db.models import Outlet


def require_outlet(session: Session, name: str) -> int:
    """The id of outlet ``name``; raises :class:`NoSuchOutlet` naming the closest outlets."""
    outlet_id = session.scalar(select(Outlet.id).where(Outlet.name == name))
    if outlet_id is not None:
        return outlet_id
    names = list(session.scalars(select(Outlet.name).order_by(Outlet.name)))
    raise NoSuchOutlet(unknown_outlet_message(name, names))


def unknown_outlet_message(name: str, known: list[str]) -> str:
    """One line saying ``name`` is no outlet, with the closest of ``known`` (or all, when few)."""
    close = difflib.get_close_matches(name.lower(), [k.lower() for k in known], n=3, cutoff=0.4)
    by_lower = {k.lower(): k for k in known}
    if close:
        hint = "closest: " + ", ".join(by_lower[c] for c in close)
    elif known and len(known) <= 5:
        hint = "outlets: " + ", ".join(known)
    elif known:
        hint = "newsarchive outlets lists them"
    else:
        hint = "the archive has no outlets yet"
    return f"no outlet {name!r} in the archive ({hint})"
