"""Stories: version fingerprints, their LSH band keys, and stories of copies.

``story_band``'s primary key (band_key, version_id) is the band-key index:
candidate lookup is one index range scan per key. See :mod:`storage.stories.matcher`.
Versions archived before this revision get no fingerprint here (matching
runs Python code); ``newsarchive stories --index`` fingerprints them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "story_fingerprints",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True),
        sa.Column("fingerprint", sa.LargeBinary, nullable=False),
        sa.Column("fingerprint_version", sa.Integer, nullable=False),
        sa.Column("words", sa.Integer, nullable=False),
    )
    op.create_table(
        "story_band",
        sa.Column("band_key", sa.BigInteger, nullable=False),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
        sa.PrimaryKeyConstraint("band_key", "version_id", name="pk_story_band"),
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("origin_version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("members", sa.Integer, nullable=False),
        sa.Column("outlets", sa.Integer, nullable=False),
        sa.Column("first_seen", TIME, nullable=False),
        sa.Column("last_seen", TIME, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
    )
    op.create_index("ix_stories_size", "stories", ["outlets", "members"])
    op.create_index("ix_stories_last_seen", "stories", ["last_seen"])
    op.create_table(
        "story_members",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id"), nullable=False),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("similarity", sa.Float, nullable=False),
        sa.Column("matched_to", sa.Integer, sa.ForeignKey("versions.id")),
        sa.Column("match_similarity", sa.Float),
    )
    op.create_index("ix_story_members_story_id", "story_members", ["story_id"])


def downgrade() -> None:
    for table in ("story_members", "stories", "story_band", "story_fingerprints"):
        op.drop_table(table)
