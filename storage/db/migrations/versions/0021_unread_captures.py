"""``captures.unread``: why a capture's page was not extracted (``oversized``: more HTML elements than the cap).

An unread capture is neither a version nor a removal (:mod:`extract.page`,
:mod:`storage.versions.recorder`). Older captures were all read (NULL).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("captures", sa.Column("unread", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("captures") as batch:
        batch.drop_column("unread")
