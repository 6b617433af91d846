"""``story_fingerprints.cut``: each fingerprinted version's text as story matching cuts it.

A new version's candidates are older versions spread over the whole archive:
cutting their texts again for every comparison made storing a page cost more
as the archive grew (4.0 to 6.2 ms a page over 5,000 simulated pages,
``bench/story_growth.py``). The stored cut (zlib-compressed, about half the
text's size) is read instead. Rows from before this revision stay empty and
are cut from their text as before.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("story_fingerprints", sa.Column("cut", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("story_fingerprints") as batch:
        batch.drop_column("cut")
