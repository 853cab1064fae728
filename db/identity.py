"""Who is writing: the chat account's member, the plan they look at, and what reaches them.

Read before every message, so lean: plain rows from statements built once, run on a synchronous
connection (``Database.read``: on SQLite, on the event loop without thread hand-offs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, literal, null, select, union_all
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
# The sender and their plan, in one statement.
_SENDER = Query(
    select(*_SENDER_COLUMNS, *_PLAN_COLUMNS)
    .join(ChatAccount, ChatAccount.member_id == Member.id)
    .outerjoin(Plan, Plan.id == _plan_id(Member.plan_year))
    .where(
        ChatAccount.channel == bindparam("channel"),
        ChatAccount.external_id == bindparam("external_id"),
        Member.active.is_(True),
    )
)
_PLAN = Query(select(*_PLAN_COLUMNS).where(Plan.id == _plan_id(bindparam("chosen_year"))))
# What reaches a member, in one statement: rows of (kind, id, category, covers). The
# collectives come first, so that the union reads ``covers`` as JSON.
_COLLECTIVE, _OWN, _GROUP = "c", "a", "g"
_REACH = Query(
    union_all(
        select(literal(_COLLECTIVE), Agency.id, null(), Agency.covers).where(
            Agency.kind == "collective"
        ),
        select(literal(_OWN), Agency.id, Agency.category, null())
        .join(MemberAgency, MemberAgency.agency_id == Agency.id)
        .where(MemberAgency.member_id == bindparam("member_id")),
        select(literal(_GROUP), MemberGroup.group_id, null(), null()).where(
            MemberGroup.member_id == bindparam("member_id")
        ),
    )
)


def identify(connection: Connection, channel: str, external_id: str, year: int) -> Identity | None:
    """The active member linked to this chat account, with their plan and reach; None if the
    account is not linked (or its member was removed)."""
    row = _SENDER.first(connection, {"channel": channel, "external_id": external_id, "year": year})
    if row is None:
        return None
    sender = Sender(*row[: len(_SENDER_COLUMNS)])
    return Identity(
        member=sender,
        plan=PlanRef(*row[len(_SENDER_COLUMNS) :]) if row[-1] is not None else None,
        who=who_of(connection, sender.id, sender.is_admin, sender.committee_role),
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
    return Who(
        member_id=member_id,
        group_ids=frozenset(id_ for kind, id_, _, _ in rows if kind == _GROUP),
        agency_ids=reaching_agencies(
            [(id_, category) for kind, id_, category, _ in rows if kind == _OWN],
            [(id_, covers or []) for kind, id_, _, covers in rows if kind == _COLLECTIVE],
        ),
        is_admin=is_admin,
        committee_role=committee_role,
    )
