"""Full-text search: one query syntax (``syntax``), run by FTS5 on SQLite and ``tsvector`` on
PostgreSQL (``sql``), returning ``results.SearchHit``.
"""
