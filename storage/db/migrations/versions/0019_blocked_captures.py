"""``captures.blocked``: the kind of wall a capture met instead of the page (consent, challenge, …).

A blocked capture is neither a version nor a removal: the article's history
goes on when the page comes back (:mod:`extract.walls`,
:mod:`storage.versions.recorder`). Older captures are not blocked (NULL).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("captures", sa.Column("blocked", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("captures") as batch:
        batch.drop_column("blocked")
