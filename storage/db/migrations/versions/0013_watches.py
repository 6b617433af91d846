"""Watches (standing searches), their alerts and the delivery outbox.

``watches`` holds each watch's query, outlets, events and Apprise targets;
``alerts`` one row per event of a watch on a version, with its citation (URL,
version numbers, excerpt, WARC file, offset and record id); ``alert_deliveries``
one row per alert and target until it is delivered, with its attempts and
back-off.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "watches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("outlets", JSON, nullable=False),
        sa.Column("events", JSON, nullable=False),
        sa.Column("targets", JSON, nullable=False),
        sa.Column("digest", sa.Boolean, nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("watch_id", sa.Integer, sa.ForeignKey("watches.id"), nullable=False),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("outlet", sa.String(200), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("version_seq", sa.Integer, nullable=False),
        sa.Column("previous_seq", sa.Integer, nullable=True),
        sa.Column("first_seen", TIME, nullable=False),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("excerpt", sa.Text, nullable=False),
        sa.Column("warc_file", sa.Text, nullable=False),
        sa.Column("warc_offset", sa.BigInteger, nullable=False),
        sa.Column("warc_record_id", sa.String(100), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.UniqueConstraint("watch_id", "version_id", "event", name="uq_alerts_watch_version_event"),
    )
    op.create_index("ix_alerts_watch_time", "alerts", ["watch_id", "created_at"])
    op.create_index("ix_alerts_created_at", "alerts", ["created_at"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id"), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("batch", sa.String(100), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TIME, nullable=False),
        sa.Column("delivered_at", TIME, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    op.create_index("ix_alert_deliveries_alert_id", "alert_deliveries", ["alert_id"])
    op.create_index("ix_alert_deliveries_due", "alert_deliveries", ["delivered_at", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_alert_deliveries_due", table_name="alert_deliveries")
    op.drop_index("ix_alert_deliveries_alert_id", table_name="alert_deliveries")
    op.drop_table("alert_deliveries")
    op.drop_index("ix_alerts_created_at", table_name="alerts")
    op.drop_index("ix_alerts_watch_time", table_name="alerts")
    op.drop_table("alerts")
    op.drop_table("watches")
