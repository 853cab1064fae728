"""Who is writing: the chat account's member, the plan they look at, and what reaches them.

Read before every message, so lean: plain rows from statements built once, run on a synchronous
connection (``Database.read``: on SQLite, on the event loop without thread hand-offs)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
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
_GROUPS = select(MemberGroup.group_id).where(MemberGroup.member_id == bindparam("member_id"))
_OWN_AGENCIES = (
    select(Agency.id, Agency.category)
    .join(MemberAgency, MemberAgency.agency_id == Agency.id)
    .where(MemberAgency.member_id == bindparam("member_id"))
)
_COLLECTIVES = select(Agency.id, Agency.covers).where(Agency.kind == "collective")


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
    params = {"member_id": member_id}
    group_ids = connection.execute(_GROUPS, params).scalars().all()
    own = connection.execute(_OWN_AGENCIES, params).all()
    collectives = connection.execute(_COLLECTIVES).all()
    return Who(
        member_id=member_id,
        group_ids=frozenset(group_ids),
        agency_ids=reaching_agencies(
            [(a, c) for a, c in own], [(a, covers or []) for a, covers in collectives]
        ),
        is_admin=is_admin,
        committee_role=committee_role,
    )
