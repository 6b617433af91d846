"""Counts in words, for what people read: "1 error", "3 errors"."""

from __future__ import annotations


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` and the noun in the form that goes with it; ``plural`` when adding an s is wrong."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"
