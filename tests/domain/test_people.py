"""Resolving people and role groups from what the plan prints and what operators type."""

from __future__ import annotations

from domain.people import Person, RoleGroup, closest_names, find_person, resolve_directors

PEOPLE = [
    Person("le-hong-vinh", "Lê Hồng Vinh"),
    Person("nguyen-nam-dinh", "Nguyễn Nam Định"),
    Person("nguyen-nhu-khoi", "Nguyễn Như Khôi"),
    Person("le-duc-cuong", "Lê Đức Cường"),
]
GROUPS = [
    RoleGroup("pho-chu-tich-ubnd", "Các đồng chí Phó Chủ tịch UBND tỉnh"),
    RoleGroup("giam-doc-cong-an", "Giám đốc Công an tỉnh"),
]


def test_title_variants_are_one_person() -> None:
    for cell in (
        "D/c Lê Hồng Vinh, Ủy viên Ban Thường vụ Tỉnh ủy, Phó Chủ tịch Thường trực UBND tỉnh",
        "Đ/c Lê Hồng Vinh, Ủy viên Ban Thường vụ, Phó Chủ tịch Thường trực UBND tỉnh",
        "D/c Lê Hồng Vinh, Uỷ viên Ban Thường vụ Tỉnh ủy, Phó Chủ tịch Thường trực UBND tỉnh.",
        "đồng chí Le Hong Vinh",
    ):
        assert resolve_directors(cell, PEOPLE, GROUPS).members == ("le-hong-vinh",), cell


def test_two_people_in_one_cell() -> None:
    cell = (
        "D/c Nguyễn Nam Định, Ủy viên Ban Thường vụ Tỉnh uỷ, Phó Chủ tịch Thường trực HĐND tỉnh,"
        " thành viên Ban Chỉ đạo; đ/c Nguyễn Như Khôi, Phó Chủ tịch HĐND tỉnh"
    )
    assert resolve_directors(cell, PEOPLE, GROUPS).members == ("nguyen-nam-dinh", "nguyen-nhu-khoi")


def test_groups_are_named_by_role() -> None:
    resolved = resolve_directors(
        "Các đồng chí Phó Chủ tịch UBND tỉnh, thành viên Ban Chỉ đạo", PEOPLE, GROUPS
    )
    assert (resolved.members, resolved.groups) == ((), ("pho-chu-tich-ubnd",))
    police = resolve_directors(
        "D/c Ủy viên Ban Thường vụ Tỉnh ủy, Giám đốc Công an tỉnh", PEOPLE, GROUPS
    )
    assert police.groups == ("giam-doc-cong-an",)


def test_an_unknown_name_is_reported_not_guessed() -> None:
    resolved = resolve_directors("Đ/c Trần Văn A, Giám đốc Sở", PEOPLE, GROUPS)
    assert resolved.members == () and resolved.groups == ()
    assert resolved.unresolved == ("Đ/c Trần Văn A, Giám đốc Sở",)


def test_find_person_with_or_without_diacritics_or_by_key() -> None:
    assert find_person("lê hồng vinh", PEOPLE) == PEOPLE[0]
    assert find_person("LE HONG VINH", PEOPLE) == PEOPLE[0]
    assert find_person("le-duc-cuong", PEOPLE) == PEOPLE[3]
    assert find_person("Vinh", PEOPLE) is None


def test_closest_names_for_a_typo_or_a_given_name() -> None:
    assert closest_names("Le Hong Vin", PEOPLE)[0] == "Lê Hồng Vinh"
    assert closest_names("Khôi", PEOPLE) == ["Nguyễn Như Khôi"]
    assert closest_names("zzz", PEOPLE) == []
