"""Completion day, document and confirmation on the history; the files that back a completion.

Existing histories are carried over: a completion recorded before this revision keeps the day it
was reported (in the service's time zone) as the day it was done, and the result typed with it
(``reference``) becomes its document (``evidence``).
"""

from __future__ import annotations

import os
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from db.migrations.conventions import foreign_key, reflected

revision = "0008_completion_evidence"
down_revision = "0007_web_links"

DONE = "hoan_thanh"


def upgrade() -> None:
    with op.batch_alter_table("status_changes") as batch:
        batch.add_column(sa.Column("completed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("evidence", sa.Text(), nullable=True))
        batch.add_column(sa.Column("evidence_kind", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("evidence_number", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("evidence_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("confirmation", sa.String(length=16), nullable=True))
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=256), nullable=False),
        sa.Column("file_name", sa.String(length=256), nullable=False),
        sa.Column("mime_type", sa.String(length=128), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        foreign_key("evidence_files", "member_id", "members", "SET NULL"),
        foreign_key("evidence_files", "task_id", "tasks", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_files")),
    )
    op.create_index("ix_evidence_files_task", "evidence_files", ["task_id", "id"])
    _carry_history()


def _carry_history() -> None:
    """A completion keeps its report day as the day it was done; its result is its document."""
    zone = ZoneInfo(os.environ.get("BOT_TIMEZONE") or "Asia/Ho_Chi_Minh")
    connection = op.get_bind()
    changes = reflected("status_changes")
    rows = connection.execute(
        sa.select(changes.c.id, changes.c.at).where(changes.c.new_status == DONE)
    ).all()
    for change_id, at in rows:
        day = at.replace(tzinfo=UTC).astimezone(zone).date()
        connection.execute(
            changes.update().where(changes.c.id == change_id).values(completed_on=day)
        )
    connection.execute(
        changes.update()
        .where(changes.c.reference.is_not(None))
        .values(evidence=changes.c.reference)
    )


def downgrade() -> None:
    op.drop_index("ix_evidence_files_task", table_name="evidence_files")
    op.drop_table("evidence_files")
    with op.batch_alter_table("status_changes") as batch:
        for column in (
            "confirmation",
            "evidence_date",
            "evidence_number",
            "evidence_kind",
            "evidence",
            "completed_on",
        ):
            batch.drop_column(column)
