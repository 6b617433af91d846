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

from storage.db.migrations.heavy import Heavy, build_index, rewrite_rows

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

HEAVY = Heavy("rewrite", "versions",
              "writes declared_language into every row of versions and builds ix_versions_language_time")


def upgrade() -> None:
    op.add_column("versions", sa.Column("declared_language", sa.String(20), nullable=True))
    rewrite_rows("versions", "declared_language = language")
    build_index("ix_versions_language_time", "versions", ["language", "first_seen"])


def downgrade() -> None:
    op.drop_index("ix_versions_language_time", table_name="versions")
    with op.batch_alter_table("versions") as batch:
        batch.drop_column("declared_language")
