"""The archive's SQL index over its WARC files: models, migrations, the Archive API, the CLI.

``storage.Archive`` is loaded on first use, so importing ``storage.records``
does not pull in SQLAlchemy.
"""

from typing import Any

__all__ = ["Archive"]


def __getattr__(name: str) -> Any:
    if name == "Archive":
        from storage.archive import Archive

        return Archive
    raise AttributeError(f"module 'storage' has no attribute {name!r}")
