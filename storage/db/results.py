"""The base of every plain value the archive's read side returns.

Times are aware UTC datetimes on the objects and ISO 8601 strings in ``to_json()``;
results held in a field (alone or in a list) are turned to JSON with their own ``to_json()``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from storage.db.times import iso


def _jsonable(value: Any) -> Any:
    if isinstance(value, Result):
        return value.to_json()
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return iso(value) if isinstance(value, datetime) else value


@dataclass(frozen=True, slots=True)
class Result:
    def to_json(self) -> dict[str, Any]:
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}
