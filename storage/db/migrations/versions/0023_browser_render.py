"""``outlets.rendered_since`` and ``rendered_because``: an outlet whose pages turned out to need a browser;
``versions.posts``: a live blog's posts.

An outlet whose seed says ``render = "auto"`` (the default) is rendered by a
browser from the moment a page of it declared itself an article but showed no
text, or only a teaser, without its scripts: when that was, and which page it
was (issue 38, :mod:`storage.outlets.rendering`).

A live blog's version keeps its posts (id, time, author, text; JSON), so the
next version can say which posts were added, edited and deleted
(:mod:`storage.versions.posts`); null for other pages.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outlets") as batch:
        batch.add_column(sa.Column("rendered_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("rendered_because", sa.Text(), nullable=True))
    with op.batch_alter_table("versions") as batch:
        batch.add_column(sa.Column("posts", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("versions") as batch:
        batch.drop_column("posts")
    with op.batch_alter_table("outlets") as batch:
        batch.drop_column("rendered_because")
        batch.drop_column("rendered_since")
