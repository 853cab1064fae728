"""Indexes for province scale (bench.province): covering indexes from an assignee to its tasks
(a member's list is read from them alone), and indexes under the foreign keys that cascade
(deleting a task, milestone or member no longer scans the reminder ledger or the history).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COVERING = {
    "ix_assignments_member": "member_id",
    "ix_assignments_agency": "agency_id",
    "ix_assignments_group": "group_id",
}
FOREIGN_KEYS = {
    "ix_reminders_task_id": ("reminders", "task_id"),
    "ix_reminders_milestone_id": ("reminders", "milestone_id"),
    "ix_reminders_member_id": ("reminders", "member_id"),
    "ix_status_changes_member_id": ("status_changes", "member_id"),
    "ix_agencies_category": ("agencies", "category"),
}


def upgrade() -> None:
    for name, column in COVERING.items():
        op.drop_index(name, table_name="assignments")
        op.create_index(name, "assignments", [column, "task_id"])
    for name, (table, column) in FOREIGN_KEYS.items():
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, (table, _) in FOREIGN_KEYS.items():
        op.drop_index(name, table_name=table)
    for name, column in COVERING.items():
        op.drop_index(name, table_name="assignments")
        op.create_index(name, "assignments", [column])
