"""Migration 0008 on real PostgreSQL: versions' text and tsvector stored LZ4-compressed, searched as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bench.bulk_load import bulk_load
from storage.archive import Archive
from tests.helpers.captures import article, capture, hours, scratch_schema

COMPRESSION = """
    SELECT a.attname, a.attcompression FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relname = 'versions' AND c.relnamespace = current_schema()::regnamespace
      AND a.attname IN ('text', 'search')
"""
LZ4_BUILT = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
# Long enough to be compressed out of line, as real articles are.
LONG = "\n\n".join(f"The harbour authority approved berth number {n} for the night ferries." for n in range(80))


def test_text_and_search_vector_are_lz4_and_long_texts_are_found(pg_url: str, tmp_path: Path) -> None:
    with scratch_schema(pg_url) as url, Archive(url, tmp_path, create=True) as archive:
        if not archive.read(lambda s: s.execute(text(LZ4_BUILT)).scalar()):
            pytest.skip("this PostgreSQL server is built without LZ4")
        assert dict(archive.read(lambda s: s.execute(text(COMPRESSION)).all())) == {"text": "l", "search": "l"}
        bulk_load(archive, [(capture(f"https://daily.example/bulk{i}", hours(i)), article(LONG + f" Bulk{i}."))
                           for i in range(3)], batch=2)
        archive.record_captures([(capture("https://daily.example/one", hours(9)), article(LONG + " Single."))])
        assert len(archive.search('"night ferries"')) == 4
        assert [h.url for h in archive.search("single")] == ["https://daily.example/one"]
        stored = "SELECT DISTINCT pg_column_compression(text) FROM versions"
        assert archive.read(lambda s: s.execute(text(stored)).scalars().all()) == ["lz4"]
        assert archive.version("https://daily.example/one").text == LONG + " Single."
