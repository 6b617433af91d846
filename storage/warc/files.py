"""Which files of a folder are finished WARC (or ARC) files: what ingest, reindex and ``stats`` count."""

from __future__ import annotations

from pathlib import Path

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")  # a crawl's ``.warc.gz.open`` is none of these


def warcs_in(folder: Path) -> list[Path]:
    """The finished WARC files directly in ``folder``, by name; none when it does not exist."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.is_file() and p.name.endswith(WARC_SUFFIXES)), key=lambda p: p.name)
