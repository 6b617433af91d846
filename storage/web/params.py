"""Query parameters of the reading room's pages: each page names the ones it takes, and each is checked.

A parameter a page does not know, one given twice, or one that does not parse
is the client's mistake: :class:`BadParameter` becomes a 400 page whose one
line says what is wrong. Numbers are bounded so no database sees an integer it
cannot store, and NUL characters (which PostgreSQL refuses in text) never
reach a query.
"""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request

from storage.db.errors import BadTime
from storage.db.times import parse_time

MAX_VALUE_CHARS = 4000
MAX_INT = 2**31 - 1
COMMON = ("format",)
FORMATS = ("html", "json")


class BadParameter(Exception):
    """A malformed or unknown parameter; ``str(error)`` is the one line shown."""


class Params:
    """The query parameters of one request, limited to ``allowed`` (plus ``format``)."""

    def __init__(self, request: Request, allowed: tuple[str, ...]) -> None:
        self._values: dict[str, str] = {}
        known = allowed + COMMON
        for name, value in request.query_params.multi_items():
            if name not in known:
                raise BadParameter(f"unknown parameter {_shown(name)} (this page takes: {', '.join(known)})")
            if name in self._values:
                raise BadParameter(f"parameter {name} given twice")
            if len(value) > MAX_VALUE_CHARS or "\x00" in value:
                raise BadParameter(f"parameter {name} is too long or holds a NUL character")
            self._values[name] = value

    @property
    def wants_json(self) -> bool:
        fmt = self._values.get("format", "html")
        if fmt not in FORMATS:
            raise BadParameter(f"format must be html or json, not {_shown(fmt)}")
        return fmt == "json"

    def text(self, name: str) -> str | None:
        """The value, stripped; ``None`` when absent or blank."""
        value = self._values.get(name, "").strip()
        return value or None

    def required(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise BadParameter(f"parameter {name} is required")
        return value

    def integer(self, name: str, default: int | None = None, minimum: int = 1) -> int | None:
        value = self.text(name)
        if value is None:
            return default
        if not value.isascii() or not value.isdigit() or not minimum <= int(value) <= MAX_INT:
            raise BadParameter(f"parameter {name} must be a whole number from {minimum} to {MAX_INT}, "
                               f"not {_shown(value)}")
        return int(value)

    def page_number(self) -> int:
        return self.integer("page", 1) or 1

    def time(self, name: str, end_of_day: bool = False) -> datetime | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return parse_time(value, end_of_day=end_of_day, what=name)
        except BadTime as error:
            raise BadParameter(str(error)) from None

    def choice(self, name: str, choices: tuple[str, ...]) -> str:
        value = self.text(name) or choices[0]
        if value not in choices:
            raise BadParameter(f"parameter {name} must be one of {', '.join(choices)}, not {_shown(value)}")
        return value


def path_id(value: str, what: str) -> int:
    """A numeric id from the URL path; anything else (or out of range) is a 404: no such thing."""
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_INT:
        raise NoSuchThing(f"no {what} {_shown(value)} in the archive")
    return int(value)


class NoSuchThing(Exception):
    """A path names nothing the archive holds (a 404)."""


def _shown(value: str, limit: int = 80) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")
