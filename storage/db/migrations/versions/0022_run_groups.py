"""``runs.crawl_id`` and ``runs.exit_status``: the processes of one distributed crawl, and how each one exited.

Processes sharing one Redis frontier record the same ``crawl_id`` (the run id
of the process that joined first), so ``newsarchive runs`` shows them as one
crawl with its processes and ``health`` judges outlets from their sum. A
single-process crawl has none. ``exit_status`` is the status ``scrapy crawl``
returned (crawler/exitcodes.py): a crawl that finished without reaching any
outlet exits 4, which its finish reason alone (``finished``) does not say.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("crawl_id", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("exit_status", sa.Integer(), nullable=True))
    op.create_index("ix_runs_crawl_id", "runs", ["crawl_id"])


def downgrade() -> None:
    op.drop_index("ix_runs_crawl_id", table_name="runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("exit_status")
        batch.drop_column("crawl_id")
