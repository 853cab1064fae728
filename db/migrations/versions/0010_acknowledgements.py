"""Reminders people answer: who acknowledged which reminder or announcement, when and through
which account; the bot messages an answer can refer to (a typed "đã nhận" acknowledges the message
it answers, or the last one sent to that chat); and, on the reminder ledger, the reminder a
snoozed or repeated one continues and the announcement a receipts follow-up counts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.migrations.conventions import foreign_key

revision = "0010_acknowledgements"
down_revision = "0009_extension_requests"


def _references(table: str) -> list[sa.ForeignKeyConstraint]:
    """Both tables point at a member and at the reminder or announcement they are about."""
    return [
        foreign_key(table, f"{target}_id", f"{target}s", "CASCADE")
        for target in ("member", "reminder", "announcement")
    ]


def upgrade() -> None:
    op.create_table(
        "acknowledgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("announcement_id", sa.Integer(), nullable=True),
        sa.Column("reminder_key", sa.Integer(), nullable=False),
        sa.Column("announcement_key", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        *_references("acknowledgements"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acknowledgements")),
    )
    with op.batch_alter_table("acknowledgements", schema=None) as batch_op:
        batch_op.create_index(
            "uq_acknowledgements_key",
            ["member_id", "reminder_key", "announcement_key"],
            unique=True,
        )
        batch_op.create_index("ix_acknowledgements_reminder_id", ["reminder_id"], unique=False)
        batch_op.create_index(
            "ix_acknowledgements_announcement_id", ["announcement_id"], unique=False
        )
    op.create_table(
        "receipt_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("announcement_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        *_references("receipt_messages"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_messages")),
        sa.UniqueConstraint(
            "channel", "chat_id", "message_id", name=op.f("uq_receipt_messages_channel")
        ),
    )
    with op.batch_alter_table("receipt_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_receipt_messages_chat", ["channel", "chat_id", "sent_at"], unique=False
        )
        batch_op.create_index("ix_receipt_messages_reminder_id", ["reminder_id"], unique=False)
        batch_op.create_index(
            "ix_receipt_messages_announcement_id", ["announcement_id"], unique=False
        )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("announcement_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_column("announcement_id")
        batch_op.drop_column("origin_id")
    op.drop_table("receipt_messages")
    op.drop_table("acknowledgements")
