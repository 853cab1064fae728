"""One task in full, read lean (``Database.read``): its facts (``db.facts``) and the files that
back its completion, by its code in a plan. For ``/nhiemvu <mã>``: no session, no ORM."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from db import facts
from db.models import EvidenceFile, Member, Task
from db.statements import Query


class FileFacts(NamedTuple):
    """A file kept for a task, as its detail lists it."""

    file_name: str
    size: int
    at: datetime
    who: str | None  # the sender's name (None: removed since)


class TaskInFull(NamedTuple):
    task: facts.TaskFacts
    files: list[FileFacts]


_BY_CODE = Query(
    select(Task.id).where(Task.plan_id == bindparam("plan_id"), Task.code == bindparam("code"))
)
_FILES = Query(
    select(EvidenceFile.file_name, EvidenceFile.size, EvidenceFile.at, Member.full_name)
    .outerjoin(Member, Member.id == EvidenceFile.member_id)
    .where(EvidenceFile.task_id == bindparam("task_id"))
    .order_by(EvidenceFile.id)
)


def task_in_full(connection: Connection, plan_id: int, code: str) -> TaskInFull | None:
    """Task ``code`` of the plan with its files, oldest first; None if the plan has no such task."""
    found = _BY_CODE.first(connection, {"plan_id": plan_id, "code": code})
    if found is None:
        return None
    (task,) = facts.tasks(connection, [found[0]])
    files = [FileFacts(*row) for row in _FILES.all(connection, {"task_id": task.id})]
    return TaskInFull(task, files)
