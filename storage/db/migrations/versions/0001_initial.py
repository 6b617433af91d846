"""Initial schema: outlets, pages, captures, versions and the full-text index.

SQLite gets an FTS5 table over versions (title, text) kept in step by
triggers; PostgreSQL gets a generated ``tsvector`` column with a GIN index.
Both use language-neutral tokenising (no stemming): outlets write in many languages.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)

SQLITE_FTS = [
    """CREATE VIRTUAL TABLE versions_fts USING fts5(
        title, text, content='versions', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER versions_fts_insert AFTER INSERT ON versions BEGIN
        INSERT INTO versions_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    """CREATE TRIGGER versions_fts_delete AFTER DELETE ON versions BEGIN
        INSERT INTO versions_fts(versions_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END""",
    """CREATE TRIGGER versions_fts_update AFTER UPDATE OF title, text ON versions BEGIN
        INSERT INTO versions_fts(versions_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO versions_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
]

POSTGRES_FTS = [
    """ALTER TABLE versions ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(text, '')), 'B')) STORED""",
    "CREATE INDEX ix_versions_search ON versions USING gin (search)",
]


def upgrade() -> None:
    op.create_table(
        "outlets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("domains", JSON, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("outlet_id", sa.Integer, sa.ForeignKey("outlets.id"), nullable=False),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("first_seen", TIME, nullable=False),
        sa.Column("last_seen", TIME, nullable=False),
        sa.Column("state", sa.String(20), nullable=False, server_default="ok"),
    )
    op.create_index("ix_pages_outlet_id", "pages", ["outlet_id"])
    op.create_table(
        "captures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("page_id", sa.Integer, sa.ForeignKey("pages.id"), nullable=False),
        sa.Column("fetched_url", sa.Text, nullable=False),
        sa.Column("fetched_at", TIME, nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("record_type", sa.String(10), nullable=False, server_default="response"),
        sa.Column("warc_file", sa.Text, nullable=False),
        sa.Column("warc_offset", sa.BigInteger, nullable=False),
        sa.Column("warc_length", sa.BigInteger, nullable=False),
        sa.Column("warc_record_id", sa.String(100), nullable=False, unique=True),
        sa.Column("payload_digest", sa.String(100)),
        sa.Column("content_type", sa.String(200)),
        sa.Column("etag", sa.String(200)),
        sa.Column("last_modified", sa.String(100)),
        sa.Column("run_id", sa.String(100)),
    )
    op.create_index("ix_captures_page_time", "captures", ["page_id", "fetched_at"])
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("page_id", sa.Integer, sa.ForeignKey("pages.id"), nullable=False),
        sa.Column("outlet_id", sa.Integer, sa.ForeignKey("outlets.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("authors", JSON, nullable=False),
        sa.Column("published", TIME),
        sa.Column("modified", TIME),
        sa.Column("language", sa.String(20)),
        sa.Column("sitename", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("first_seen", TIME, nullable=False),
        sa.Column("last_seen", TIME, nullable=False),
        sa.Column("capture_id", sa.Integer, sa.ForeignKey("captures.id"), nullable=False),
        sa.Column("extractor_version", sa.String(50)),
        sa.Column("change_summary", JSON),
        sa.Column("state", sa.String(20), nullable=False, server_default="ok"),
        sa.UniqueConstraint("page_id", "seq", name="uq_versions_page_seq"),
    )
    op.create_index("ix_versions_outlet_time", "versions", ["outlet_id", "first_seen"])
    op.create_index("ix_versions_first_seen", "versions", ["first_seen"])
    op.create_index("ix_versions_text_hash", "versions", ["text_hash"])
    for statement in _full_text_statements():
        op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS versions_fts")
    for table in ("versions", "captures", "pages", "outlets"):
        op.drop_table(table)


def _full_text_statements() -> list[str]:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        return SQLITE_FTS
    if dialect == "postgresql":
        return POSTGRES_FTS
    return []
