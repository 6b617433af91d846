"""Drop ``ix_versions_text_hash``: no query looks versions up by their text hash.

``versions.text_hash`` is read with its row (re-extraction compares it, story
matching caches cut texts by it) but never searched on, and its hashes are
random keys: every inserted version wrote to a random leaf of the index, the
costliest B-tree insert of a bulk load once the archive outgrows the page cache.
The column stays.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

from storage.db.migrations.heavy import drop_index

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    drop_index("ix_versions_text_hash", "versions")


def downgrade() -> None:
    op.create_index("ix_versions_text_hash", "versions", ["text_hash"])
