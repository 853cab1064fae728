"""Parts of collective tasks: a line of history may belong to one agency's part
(``status_changes.agency_id``).

Existing data is carried over: for every task whose lead is a collective ("Các sở, ban, ngành"),
the whole task's current status (with its %, completion day, document, and the batches done)
becomes the status of every concrete agency the collective reaches today, as one line of kind
"carried" per agency and status (not shown as history). The task's own history is kept as it
was. An agency added later starts its part as not started.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from db.migrations.conventions import foreign_key_name, reflected

revision = "0011_parts"
down_revision = "0010_acknowledgements"

DONE = "hoan_thanh"
NOT_STARTED = "chua_trien_khai"
CARRIED = "carried"
_COPIED = (
    "milestone_id",
    "new_status",
    "progress",
    "completed_on",
    "evidence",
    "evidence_kind",
    "evidence_number",
    "evidence_date",
    "confirmation",
)


def upgrade() -> None:
    with op.batch_alter_table("status_changes") as batch:
        batch.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            foreign_key_name("status_changes", "agency_id", "agencies"),
            "agencies",
            ["agency_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_status_changes_agency_id", ["agency_id"], unique=False)
    _carry_statuses()


def _carry_statuses() -> None:
    """Every part of a collective task starts where the whole task stood."""
    connection = op.get_bind()
    agency, assignment, changes = map(reflected, ("agencies", "assignments", "status_changes"))
    agencies = connection.execute(
        sa.select(agency.c.id, agency.c.kind, agency.c.category, agency.c.covers)
    ).all()
    concrete = [(a.id, a.category) for a in agencies if a.kind != "collective"]
    covers = {a.id: set(a.covers or []) for a in agencies if a.kind == "collective"}
    reached: dict[int, set[str]] = defaultdict(set)
    for task_id, agency_id in connection.execute(
        sa.select(assignment.c.task_id, assignment.c.agency_id).where(
            assignment.c.role == "lead", assignment.c.agency_id.in_(list(covers) or [0])
        )
    ).all():
        reached[task_id] |= covers[agency_id]
    for task_id, categories in sorted(reached.items()):
        parts = [agency_id for agency_id, category in concrete if category in categories]
        lines = _current(connection, changes, task_id)
        rows = [
            {
                **line,
                "task_id": task_id,
                "agency_id": agency_id,
                "member_id": None,
                "kind": CARRIED,
                "channel": "migration",
                "old_status": None,
            }
            for line in lines
            for agency_id in parts
        ]
        if rows:
            connection.execute(changes.insert(), rows)


def _current(connection: Any, changes: sa.Table, task_id: int) -> list[dict[str, Any]]:
    """The task's current standing as lines to replay: its status (with %, day, document) and
    the batches done, each as its latest line said. Empty: never started."""
    task_line: dict[str, Any] | None = None
    batches: dict[int, dict[str, Any]] = {}
    rows = connection.execute(
        sa.select(changes.c.at, *(changes.c[name] for name in _COPIED))
        .where(
            changes.c.task_id == task_id,
            changes.c.kind == "status",
            changes.c.agency_id.is_(None),
            changes.c.new_status.is_not(None),
        )
        .order_by(changes.c.id)
    ).mappings()
    for row in rows:
        line = dict(row)
        if line["milestone_id"] is not None:
            if line["new_status"] == DONE:
                batches[line["milestone_id"]] = line
            else:
                batches.pop(line["milestone_id"], None)
        elif line["new_status"] == DONE and task_line and task_line["new_status"] == DONE:
            kept_at: datetime = task_line["at"]  # a completion given again keeps its instant
            task_line = {**line, "at": kept_at}
        else:
            task_line = line
    lines = list(batches.values())
    if task_line is not None and task_line["new_status"] != NOT_STARTED:
        lines.append(task_line)
    return lines


def downgrade() -> None:
    changes = reflected("status_changes")
    op.get_bind().execute(changes.delete().where(changes.c.agency_id.is_not(None)))
    with op.batch_alter_table("status_changes") as batch:
        batch.drop_index("ix_status_changes_agency_id")
        batch.drop_constraint(
            foreign_key_name("status_changes", "agency_id", "agencies"), type_="foreignkey"
        )
        batch.drop_column("agency_id")
