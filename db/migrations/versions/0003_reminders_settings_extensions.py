"""Reminders: member settings (digest, leave, channel), blocked accounts, deadline extensions,
and a ledger key that also covers digests (no task).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digest_muted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("paused_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("preferred_channel", sa.String(length=16), nullable=True))
    with op.batch_alter_table("chat_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("blocked_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index("uq_reminders_key")
        batch_op.alter_column("task_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("task_key", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE reminders SET task_key = task_id")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index(
            "uq_reminders_key",
            ["task_key", "milestone_key", "member_id", "kind", "planned_at"],
            unique=True,
        )
    op.create_table(
        "extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("new_due", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_extensions_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["milestones.id"],
            name=op.f("fk_extensions_milestone_id_milestones"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extensions")),
    )
    with op.batch_alter_table("extensions", schema=None) as batch_op:
        batch_op.create_index("ix_extensions_milestone", ["milestone_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_table("extensions")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index("uq_reminders_key")
        batch_op.drop_column("task_key")
        batch_op.alter_column("task_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(
            "uq_reminders_key",
            ["task_id", "milestone_key", "member_id", "kind", "planned_at"],
            unique=True,
        )
    with op.batch_alter_table("chat_accounts", schema=None) as batch_op:
        batch_op.drop_column("blocked_at")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("preferred_channel")
        batch_op.drop_column("paused_until")
        batch_op.drop_column("digest_muted")
