"""Who is writing: the chat account's member, the plan they look at, and what reaches them.

Read before every message, so lean: plain rows from statements built once, run on a synchronous
connection (``Database.read``: on SQLite, on the event loop without thread hand-offs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, bindparam, literal, null, select, union_all
from sqlalchemy.engine import Connection

from db.models import Agency, ChatAccount, Member, MemberAgency, MemberGroup, Plan
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


_SENDER = (
    select(Member.id, Member.full_name, Member.is_admin, Member.committee_role, Member.plan_year)
    .join(ChatAccount, ChatAccount.member_id == Member.id)
    .where(
        ChatAccount.channel == bindparam("channel"),
        ChatAccount.external_id == bindparam("external_id"),
        Member.active.is_(True),
    )
)
_PLAN_COLUMNS = (Plan.id, Plan.year, Plan.code)
_PLAN_OF_YEAR = select(*_PLAN_COLUMNS).where(Plan.year == bindparam("year"))
_PLAN_UP_TO = (
    select(*_PLAN_COLUMNS).where(Plan.year <= bindparam("year")).order_by(Plan.year.desc()).limit(1)
)
_FIRST_PLAN = select(*_PLAN_COLUMNS).order_by(Plan.year).limit(1)
# What reaches a member, in one statement: rows of (kind, id, category, covers). The
# collectives come first, so that the union reads ``covers`` as JSON.
_COLLECTIVE, _OWN, _GROUP = "c", "a", "g"
_REACH: CompoundSelect[Any] = union_all(
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


def identify(connection: Connection, channel: str, external_id: str, year: int) -> Identity | None:
    """The active member linked to this chat account, with their plan and reach; None if the
    account is not linked (or its member was removed)."""
    row = connection.execute(_SENDER, {"channel": channel, "external_id": external_id}).first()
    if row is None:
        return None
    sender = Sender(*row)
    return Identity(
        member=sender,
        plan=plan_of(connection, sender.plan_year, year),
        who=who_of(connection, sender.id, sender.is_admin, sender.committee_role),
    )


def plan_of(connection: Connection, chosen_year: int | None, year: int) -> PlanRef | None:
    """The plan chosen with /kehoach if it still exists, else the plan of ``year``, else the
    latest before it, else the earliest after it."""
    row = None
    if chosen_year is not None:
        row = connection.execute(_PLAN_OF_YEAR, {"year": chosen_year}).first()
    if row is None:
        row = connection.execute(_PLAN_UP_TO, {"year": year}).first()
    if row is None:
        row = connection.execute(_FIRST_PLAN).first()
    return PlanRef(*row) if row is not None else None


def who_of(
    connection: Connection, member_id: int, is_admin: bool, committee_role: str | None
) -> Who:
    rows = connection.execute(_REACH, {"member_id": member_id}).all()
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
