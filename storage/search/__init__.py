"""Full-text search: one query syntax (``syntax``), run by FTS5 on SQLite and ``tsvector`` on
PostgreSQL (``sql``), returning ``results.SearchHit``; and standing searches: ``watches``
(defined and compiled), matched against each new version in Python (``matching``), whose
events become ``alerts`` delivered from an ``outbox``.
"""
