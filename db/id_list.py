"""``among(column, name)``: ``column`` is one of a list of ids given as one parameter.

SQLAlchemy's ``column.in_(bindparam(name, expanding=True))`` rewrites the SQL on every call,
one placeholder per id (and on PostgreSQL one cast per id): for a 25-task list that rewriting
cost more than running the statement (``bench.province``). Here the SQL text is fixed and the
list travels as one value:

- SQLite: ``column IN (SELECT value FROM json_each(?))``, the list as JSON text;
- PostgreSQL: ``column = ANY($1)``, the list as an integer array.

Both use the column's index for a short list, and an empty list matches nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BindParameter, Integer, String, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, TypeEngine


class IdList(TypeDecorator[Sequence[int]]):
    """A list of integer ids as one bound value: an array on PostgreSQL, JSON text elsewhere."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(Integer))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: Sequence[int] | None, dialect: Dialect) -> Any:
        ids = [int(i) for i in value or ()]
        if dialect.name == "postgresql":
            return ids
        return f"[{','.join(map(str, ids))}]"  # JSON, without json.dumps' generality


class Among(FunctionElement[bool]):
    """``column`` is one of the ids bound to ``ids``; compiled per dialect below. A function
    element, as in SQLAlchemy's compiler extension: its two arguments are its state (and its
    cache key)."""

    inherit_cache = True
    name = "among"

    def __init__(self, column: ColumnElement[Any], ids: BindParameter[Sequence[int]]) -> None:
        super().__init__(column, ids)

    def parts(self) -> tuple[ColumnElement[Any], ...]:
        return tuple(self.clauses)


def among(column: Any, name: str) -> Among:
    return Among(column, bindparam(name, type_=IdList()))


@compiles(Among)
def _json_each(element: Among, compiler: SQLCompiler, **kw: Any) -> str:
    column, ids = (compiler.process(part, **kw) for part in element.parts())
    return f"{column} IN (SELECT value FROM json_each({ids}))"


@compiles(Among, "postgresql")
def _any(element: Among, compiler: SQLCompiler, **kw: Any) -> str:
    column, ids = (compiler.process(part, **kw) for part in element.parts())
    return f"{column} = ANY({ids})"
