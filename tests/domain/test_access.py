"""Who is what on a task, and what they may do."""

from __future__ import annotations

from domain.access import (
    Role,
    Seat,
    Who,
    main_role,
    may_add_note,
    may_change_status,
    reaching_agencies,
    roles_of,
    sees_whole_plan,
)

SEATS = (
    Seat(Role.DIRECTOR, member_id=1),
    Seat(Role.DIRECTOR, group_id=10),
    Seat(Role.LEAD, agency_id=100),
    Seat(Role.COORDINATING, agency_id=200),
)


def test_roles_come_from_the_member_their_groups_and_their_agencies() -> None:
    assert roles_of(Who(1), SEATS) == {Role.DIRECTOR}
    assert roles_of(Who(2, group_ids=frozenset({10})), SEATS) == {Role.DIRECTOR}
    assert roles_of(Who(3, agency_ids=frozenset({100, 200})), SEATS) == {
        Role.LEAD,
        Role.COORDINATING,
    }
    assert roles_of(Who(4, group_ids=frozenset({11}), agency_ids=frozenset({300})), SEATS) == set()


def test_an_empty_seat_field_matches_nobody() -> None:
    # A seat held by an agency has member_id None: a member id never equals None.
    assert roles_of(Who(0), [Seat(Role.LEAD, agency_id=100)]) == frozenset()


def test_the_main_role_is_the_strongest() -> None:
    assert main_role({Role.COORDINATING, Role.DIRECTOR, Role.LEAD}) is Role.DIRECTOR
    assert main_role({Role.COORDINATING, Role.LEAD}) is Role.LEAD
    assert main_role([]) is None


def test_directors_leads_and_admins_change_status_coordinators_only_add_notes() -> None:
    member = Who(5)
    assert may_change_status(member, frozenset({Role.DIRECTOR}))
    assert may_change_status(member, frozenset({Role.LEAD}))
    assert not may_change_status(member, frozenset({Role.COORDINATING}))
    assert may_add_note(member, frozenset({Role.COORDINATING}))
    assert not may_add_note(member, frozenset())
    admin = Who(6, is_admin=True)
    assert may_change_status(admin, frozenset()) and may_add_note(admin, frozenset())


def test_the_whole_plan_is_for_admins_and_the_committee_leadership() -> None:
    assert sees_whole_plan(Who(1, is_admin=True))
    assert sees_whole_plan(Who(2, committee_role="truong_ban"))
    assert sees_whole_plan(Who(3, committee_role="pho_truong_ban_thuong_truc"))
    assert sees_whole_plan(Who(4, committee_role="pho_truong_ban"))
    assert not sees_whole_plan(Who(5, committee_role="uy_vien"))
    assert not sees_whole_plan(Who(6))


def test_a_collective_reaches_the_members_of_the_categories_it_covers() -> None:
    own = [(1, "so_nganh"), (2, None)]
    collectives = [(50, ["so_nganh", "huyen"]), (60, ["huyen"])]
    assert reaching_agencies(own, collectives) == {1, 2, 50}
    assert reaching_agencies([], collectives) == frozenset()
