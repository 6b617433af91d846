"""Front pages: where each article stood on its outlet's start pages, and with which headline.

``frontpages`` holds each start page (home or section front) by URL;
``frontpage_captures`` one row per fetch of it (its WARC record, numbered per
front page); ``frontpage_links`` one row per distinct (front page, article URL,
headline, section); ``frontpage_runs`` the runs of consecutive captures in
which a link kept its rank and lead.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "frontpages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("outlet_id", sa.Integer, sa.ForeignKey("outlets.id"), nullable=False),
        sa.Column("url", sa.Text, nullable=False, unique=True),
    )
    op.create_index("ix_frontpages_outlet_id", "frontpages", ["outlet_id"])
    op.create_table(
        "frontpage_captures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("frontpage_id", sa.Integer, sa.ForeignKey("frontpages.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("fetched_at", TIME, nullable=False),
        sa.Column("links", sa.Integer, nullable=False),
        sa.Column("warc_file", sa.Text, nullable=False),
        sa.Column("warc_offset", sa.BigInteger, nullable=False),
        sa.Column("warc_length", sa.BigInteger, nullable=False),
        sa.Column("warc_record_id", sa.String(100), nullable=False, unique=True),
        sa.UniqueConstraint("frontpage_id", "seq", name="uq_frontpage_captures_seq"),
    )
    op.create_index("ix_frontpage_captures_time", "frontpage_captures", ["frontpage_id", "fetched_at"])
    op.create_table(
        "frontpage_links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("frontpage_id", sa.Integer, sa.ForeignKey("frontpages.id"), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("headline", sa.Text, nullable=False),
        sa.Column("section", sa.Text, nullable=False),
        sa.UniqueConstraint("frontpage_id", "url", "headline", "section", name="uq_frontpage_links"),
    )
    op.create_index("ix_frontpage_links_url", "frontpage_links", ["url"])
    op.create_table(
        "frontpage_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("link_id", sa.Integer, sa.ForeignKey("frontpage_links.id"), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("lead", sa.Boolean, nullable=False),
        sa.Column("first_seq", sa.Integer, nullable=False),
        sa.Column("last_seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_frontpage_runs_link", "frontpage_runs", ["link_id", "last_seq"])


def downgrade() -> None:
    op.drop_index("ix_frontpage_runs_link", table_name="frontpage_runs")
    op.drop_table("frontpage_runs")
    op.drop_index("ix_frontpage_links_url", table_name="frontpage_links")
    op.drop_table("frontpage_links")
    op.drop_index("ix_frontpage_captures_time", table_name="frontpage_captures")
    op.drop_table("frontpage_captures")
    op.drop_index("ix_frontpages_outlet_id", table_name="frontpages")
    op.drop_table("frontpages")
