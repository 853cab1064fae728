"""Who is writing: the chat account's member, the plan they look at, and what reaches them.

Read before every message, so lean: plain rows from statements built once, run on a synchronous
connection (``Database.read``: on SQLite, on the event loop without thread hand-offs), and all
of it in one statement (``identify``): on PostgreSQL each statement is a round trip to another
process."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, bindparam, func, literal, null, select, type_coerce, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from db.models import Agency, ChatAccount, Member, MemberAgency, MemberGroup, Plan
from db.statements import Query
from domain.access import Who, reaching_agencies


@dataclass(frozen=True)
class Sender:
    """The member behind a chat account, as plain values."""

    id: int
    full_name: str
    is_admin: bool
    committee_role: str | None
    plan_year: int | None  # the plan chosen with /kehoach, if any


@dataclass(frozen=True)
class PlanRef:
    id: int
    year: int
    code: str


@dataclass(frozen=True)
class Identity:
    member: Sender
    plan: PlanRef | None  # None: no plan loaded at all
    who: Who


def _plan_id(chosen_year: Any) -> Any:
    """The plan a member looks at, as SQL: the plan chosen with /kehoach if it still exists,
    else the plan of ``:year``, else the latest before it, else the earliest after it."""
    plans = aliased(Plan)  # its own name: the statements below select from plans too
    return func.coalesce(
        select(plans.id).where(plans.year == chosen_year).scalar_subquery(),
        select(plans.id)
        .where(plans.year <= bindparam("year"))
        .order_by(plans.year.desc())
        .limit(1)
        .scalar_subquery(),
        select(plans.id).order_by(plans.year).limit(1).scalar_subquery(),
    )


_SENDER_COLUMNS = (
    Member.id, Member.full_name, Member.is_admin, Member.committee_role, Member.plan_year,
)  # fmt: skip
_PLAN_COLUMNS = (Plan.id, Plan.year, Plan.code)
_PLAN = Query(select(*_PLAN_COLUMNS).where(Plan.id == _plan_id(bindparam("chosen_year"))))
# What reaches a member: rows of (kind, id, category, covers).
_COLLECTIVE, _OWN, _GROUP = "c", "a", "g"


def _reach(member_id: Any, *padding: Any) -> list[Any]:
    """The three kinds of reach of the member ``member_id`` (SQL): every collective, the
    member's own agencies and groups; each row padded with ``padding``."""
    return [
        select(literal(_COLLECTIVE), Agency.id, null(), Agency.covers, *padding).where(
            Agency.kind == "collective"
        ),
        select(literal(_OWN), Agency.id, Agency.category, null(), *padding)
        .join(MemberAgency, MemberAgency.agency_id == Agency.id)
        .where(MemberAgency.member_id == member_id),
        select(literal(_GROUP), MemberGroup.group_id, null(), null(), *padding).where(
            MemberGroup.member_id == member_id
        ),
    ]


# The collectives come first, so that the union reads ``covers`` as JSON.
_REACH = Query(union_all(*_reach(bindparam("member_id"))))
# The sender, their plan and what reaches them, in one statement: the sender's row (kind "s",
# none if the account is not linked to an active member) and the reach rows of the account's
# member, each of (kind, id, category, covers, *sender, *plan). The sender's row comes first
# and types every column, so that the union reads booleans and JSON as such on both databases.
_SENDER_KIND = "s"
_SENDER_AT = 4  # the sender's columns start here, the plan's after them
_ACCOUNT_MEMBER = (
    select(ChatAccount.member_id)
    .where(
        ChatAccount.channel == bindparam("channel"),
        ChatAccount.external_id == bindparam("external_id"),
    )
    .scalar_subquery()
)
_IDENTITY = Query(
    union_all(
        select(
            literal(_SENDER_KIND),
            Member.id,
            type_coerce(null(), String),
            type_coerce(null(), Agency.covers.type),
            *_SENDER_COLUMNS,
            *_PLAN_COLUMNS,
        )
        .join(ChatAccount, ChatAccount.member_id == Member.id)
        .outerjoin(Plan, Plan.id == _plan_id(Member.plan_year))
        .where(
            ChatAccount.channel == bindparam("channel"),
            ChatAccount.external_id == bindparam("external_id"),
            Member.active.is_(True),
        ),
        *_reach(_ACCOUNT_MEMBER, *[null()] * (len(_SENDER_COLUMNS) + len(_PLAN_COLUMNS))),
    )
)


def identify(connection: Connection, channel: str, external_id: str, year: int) -> Identity | None:
    """The active member linked to this chat account, with their plan and reach; None if the
    account is not linked (or its member was removed)."""
    rows = _IDENTITY.all(connection, {"channel": channel, "external_id": external_id, "year": year})
    row = next((row for row in rows if row[0] == _SENDER_KIND), None)
    if row is None:
        return None
    plan_at = _SENDER_AT + len(_SENDER_COLUMNS)
    sender = Sender(*row[_SENDER_AT:plan_at])
    return Identity(
        member=sender,
        plan=PlanRef(*row[plan_at:]) if row[plan_at] is not None else None,
        who=_who(rows, sender.id, sender.is_admin, sender.committee_role),
    )


def plan_of(connection: Connection, chosen_year: int | None, year: int) -> PlanRef | None:
    """The plan chosen with /kehoach if it still exists, else the plan of ``year``, else the
    latest before it, else the earliest after it (None: no plan at all)."""
    row = _PLAN.first(connection, {"chosen_year": chosen_year, "year": year})
    return PlanRef(*row) if row is not None else None


def who_of(
    connection: Connection, member_id: int, is_admin: bool, committee_role: str | None
) -> Who:
    rows = _REACH.all(connection, {"member_id": member_id})
    return _who(rows, member_id, is_admin, committee_role)


def _who(
    rows: Sequence[Sequence[Any]], member_id: int, is_admin: bool, committee_role: str | None
) -> Who:
    """The member's reach from rows beginning (kind, id, category, covers)."""
    return Who(
        member_id=member_id,
        group_ids=frozenset(row[1] for row in rows if row[0] == _GROUP),
        agency_ids=reaching_agencies(
            [(row[1], row[2]) for row in rows if row[0] == _OWN],
            [(row[1], row[3] or []) for row in rows if row[0] == _COLLECTIVE],
        ),
        is_admin=is_admin,
        committee_role=committee_role,
    )
