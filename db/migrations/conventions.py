"""What the later migrations share: constraints named as the models' naming convention names
them, and tables read from the database as they stand at that revision (a data step then needs
no second spelling of their columns).

Migrations that already ran import these: add to this module, never change what a function does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def foreign_key_name(table: str, column: str, target: str) -> str:
    """The name of a reference from ``table.column`` to ``target``, for ``create_foreign_key``
    and ``drop_constraint`` on a table that exists."""
    return op.f(f"fk_{table}_{column}_{target}")


def foreign_key(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    """A reference from ``table.column`` to ``target.id``, for ``create_table``."""
    name = foreign_key_name(table, column, target)
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=name, ondelete=ondelete)


def reflected(table: str) -> sa.Table:
    """The table as the database has it now, columns and types read back by SQLAlchemy."""
    return sa.Table(table, sa.MetaData(), autoload_with=op.get_bind())
