"""Extension requests (xin gia hạn) the standing office approves or refuses; the questions the
bot asked a member (answered by the next message); announcements generalised to notices for
named members (kind, buttons) so that requests and answers go through the same ledger.

Existing announcements become kind "announcement" with no buttons: nothing else changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.migrations.conventions import foreign_key

revision = "0009_extension_requests"
down_revision = "0008_completion_evidence"


def upgrade() -> None:
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="announcement", nullable=False)
        )
        batch_op.add_column(sa.Column("actions", sa.JSON(), nullable=True))

    op.create_table(
        "extension_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("new_due", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        foreign_key("extension_requests", "task_id", "tasks", "CASCADE"),
        foreign_key("extension_requests", "milestone_id", "milestones", "CASCADE"),
        foreign_key("extension_requests", "member_id", "members", "SET NULL"),
        foreign_key("extension_requests", "decided_by", "members", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_requests")),
    )
    with op.batch_alter_table("extension_requests", schema=None) as batch_op:
        batch_op.create_index("ix_extension_requests_state", ["state", "id"], unique=False)
        batch_op.create_index(
            "ix_extension_requests_milestone", ["milestone_id", "state"], unique=False
        )
        batch_op.create_index("ix_extension_requests_task_id", ["task_id"], unique=False)
        batch_op.create_index("ix_extension_requests_member_id", ["member_id"], unique=False)
        batch_op.create_index("ix_extension_requests_decided_by", ["decided_by"], unique=False)

    op.create_table(
        "chat_prompts",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("command", sa.String(length=64), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        foreign_key("chat_prompts", "member_id", "members", "CASCADE"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_chat_prompts")),
    )


def downgrade() -> None:
    op.drop_table("chat_prompts")
    with op.batch_alter_table("extension_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_extension_requests_decided_by")
        batch_op.drop_index("ix_extension_requests_member_id")
        batch_op.drop_index("ix_extension_requests_task_id")
        batch_op.drop_index("ix_extension_requests_milestone")
        batch_op.drop_index("ix_extension_requests_state")
    op.drop_table("extension_requests")
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.drop_column("actions")
        batch_op.drop_column("kind")
