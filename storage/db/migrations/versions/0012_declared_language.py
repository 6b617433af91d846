"""``versions.declared_language`` beside ``language``, and an index for filtering by language.

``language`` becomes the language detected from the article's text when the
detection is sure (else what the page declared); ``declared_language`` keeps
the page's own declaration. Older versions have only the declaration:
``newsarchive reextract`` detects theirs.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("versions", sa.Column("declared_language", sa.String(20), nullable=True))
    op.execute("UPDATE versions SET declared_language = language")
    op.create_index("ix_versions_language_time", "versions", ["language", "first_seen"])


def downgrade() -> None:
    op.drop_index("ix_versions_language_time", table_name="versions")
    with op.batch_alter_table("versions") as batch:
        batch.drop_column("declared_language")
