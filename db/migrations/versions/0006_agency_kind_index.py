"""An index on agencies.kind: every message reads the collectives (the agencies whose members
are reached through the categories they cover), and without it that read scanned every agency
of the province.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_agencies_kind", "agencies", ["kind"])


def downgrade() -> None:
    op.drop_index("ix_agencies_kind", table_name="agencies")
