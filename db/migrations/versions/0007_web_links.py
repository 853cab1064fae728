"""The web desk: one-time sign-in links and browser sessions, both stored only as hashes.

Revision ID: 0007_web_links
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_web_links"
down_revision = "0006"
branch_labels = None
depends_on = None


def _table(name: str, used: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column(used, sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f(f"fk_{name}_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("token_hash", name=op.f(f"uq_{name}_token_hash")),
    )


def upgrade() -> None:
    _table("web_links", "used_at")
    _table("web_sessions", "ended_at")


def downgrade() -> None:
    op.drop_table("web_sessions")
    op.drop_table("web_links")
