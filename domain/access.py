"""Who is what on a task, and what they may do. Pure: the caller loads the facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class Role(StrEnum):
    DIRECTOR = "director"  # chịu trách nhiệm chỉ đạo
    LEAD = "lead"  # cơ quan chủ trì tham mưu
    COORDINATING = "coordinating"  # cơ quan phối hợp


ROLE_ORDER = (Role.DIRECTOR, Role.LEAD, Role.COORDINATING)
LEADERSHIP = frozenset({"truong_ban", "pho_truong_ban_thuong_truc", "pho_truong_ban"})


@dataclass(frozen=True)
class Who:
    """What a member is, as far as task assignments care."""

    member_id: int
    group_ids: frozenset[int] = frozenset()
    agency_ids: frozenset[int] = frozenset()  # every agency that reaches them, collectives included
    is_admin: bool = False
    committee_role: str | None = None


class Seat(NamedTuple):
    """One assignment of a task: a role held by a member, a group or an agency. (A named tuple:
    lists build dozens per message, and a frozen dataclass is several times slower to make.)"""

    role: Role
    member_id: int | None = None
    group_id: int | None = None
    agency_id: int | None = None


def reaching_agencies(
    own: Iterable[tuple[int, str | None]], collectives: Iterable[tuple[int, Iterable[str]]]
) -> frozenset[int]:
    """A member's agencies plus the collectives that cover their categories.

    ``own`` is (agency id, category); ``collectives`` is (collective id, categories covered).
    An officer of Sở Nội vụ (a department) is reached by "Các sở, ban, ngành".
    """
    own = list(own)
    categories = {category for _, category in own if category}
    ids = {agency_id for agency_id, _ in own}
    ids |= {cid for cid, covers in collectives if categories & set(covers)}
    return frozenset(ids)


def roles_of(who: Who, seats: Iterable[Seat]) -> frozenset[Role]:
    roles = set()
    for seat in seats:
        if (
            (seat.member_id is not None and seat.member_id == who.member_id)
            or (seat.group_id is not None and seat.group_id in who.group_ids)
            or (seat.agency_id is not None and seat.agency_id in who.agency_ids)
        ):
            roles.add(seat.role)
    return frozenset(roles)


def main_role(roles: Iterable[Role]) -> Role | None:
    """The strongest role: a director who is also in the lead agency is listed as director."""
    held = set(roles)
    return next((r for r in ROLE_ORDER if r in held), None)


def may_change_status(who: Who, roles: frozenset[Role]) -> bool:
    return who.is_admin or Role.DIRECTOR in roles or Role.LEAD in roles


def may_add_note(who: Who, roles: frozenset[Role]) -> bool:
    return may_change_status(who, roles) or Role.COORDINATING in roles


def sees_whole_plan(who: Who) -> bool:
    return who.is_admin or who.committee_role in LEADERSHIP
