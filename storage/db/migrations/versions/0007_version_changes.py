"""Version changes: characters added and removed by each version, for "biggest change first".

States of a version (``ok``, ``removed``, ``paywalled``, ``redirected``) use the
existing ``versions.state`` column; what changed lives in ``change_summary``.
Versions recorded before this revision keep NULL sizes (counted as 0).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.db.migrations.heavy import Heavy, build_index

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

HEAVY = Heavy("index", "pages", "builds ix_pages_state on pages")


def upgrade() -> None:
    # Plain ADD COLUMN: a batch rebuild of ``versions`` would drop its full-text triggers on SQLite.
    op.add_column("versions", sa.Column("chars_added", sa.Integer, nullable=True))
    op.add_column("versions", sa.Column("chars_removed", sa.Integer, nullable=True))
    build_index("ix_pages_state", "pages", ["state"])


def downgrade() -> None:
    op.drop_index("ix_pages_state", table_name="pages")
    op.drop_column("versions", "chars_removed")
    op.drop_column("versions", "chars_added")
