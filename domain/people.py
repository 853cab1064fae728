"""Resolve the plan's director cells to people and role groups, and names typed by operators.

"D/c Lê Hồng Vinh, Ủy viên Ban Thường vụ, Phó Chủ tịch Thường trực UBND tỉnh" and
"Đ/c Lê Hồng Vinh, Ủy viên Ban Thường vụ Tỉnh ủy, …" are one person: a person is matched by
the name before the first comma, compared without diacritics. A cell that names a role
("Các đồng chí Phó Chủ tịch UBND tỉnh") resolves to that group.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from domain.normalize import fold

_HONORIFIC = re.compile(r"^(?:d/c|dc|dong chi|cac dong chi|cac d/c)\s+")


@dataclass(frozen=True)
class Person:
    key: str
    name: str


@dataclass(frozen=True)
class RoleGroup:
    key: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolution:
    members: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = field(default=())


def _bare(text: str) -> str:
    return _HONORIFIC.sub("", fold(text).strip(" .,;"))


def _group_for(part: str, groups: Sequence[RoleGroup]) -> RoleGroup | None:
    segments = [s.strip() for s in part.split(",")]
    for group in groups:
        for variant in (group.name, *group.aliases):
            bare = _bare(variant)
            if part == bare or part.startswith(bare + ",") or bare in segments:
                return group
    return None


def resolve_directors(
    cell: str, people: Sequence[Person], groups: Sequence[RoleGroup]
) -> Resolution:
    """Split a director cell on ";" and resolve each part to a person or a group."""
    by_name = {fold(p.name): p.key for p in people}
    members: list[str] = []
    found_groups: list[str] = []
    unresolved: list[str] = []
    for raw in cell.split(";"):
        part = _bare(raw)
        if not part:
            continue
        person = by_name.get(part.split(",")[0].strip())
        group = None if person else _group_for(part, groups)
        if person:
            members.append(person)
        elif group:
            found_groups.append(group.key)
        else:
            unresolved.append(raw.strip())
    return Resolution(tuple(members), tuple(found_groups), tuple(unresolved))


def find_person(name: str, people: Sequence[Person]) -> Person | None:
    """Exact match on the name (diacritics optional) or on the key."""
    wanted = fold(name)
    return next((p for p in people if wanted in (fold(p.name), p.key)), None)


def closest_names(name: str, people: Sequence[Person], limit: int = 3) -> list[str]:
    """Names that look like ``name``: for "did you mean" answers."""
    folded = {fold(p.name): p.name for p in people}
    matches = difflib.get_close_matches(fold(name), list(folded), n=limit, cutoff=0.5)
    if not matches:  # fall back on a shared word: "Vinh" -> "Lê Hồng Vinh"
        words = set(fold(name).split())
        matches = [f for f in folded if words & set(f.split())][:limit]
    return [folded[m] for m in matches]


@dataclass(frozen=True)
class NamedAgency:
    key: str
    name: str
    aliases: tuple[str, ...] = ()


def find_agency(name: str, agencies: Sequence[NamedAgency]) -> NamedAgency | None:
    """Exact match on the name or an alias (diacritics optional) or on the key."""
    wanted = fold(name).strip(" .,;")
    return next(
        (
            a
            for a in agencies
            if wanted == a.key or wanted in {fold(v) for v in (a.name, *a.aliases)}
        ),
        None,
    )


def closest_agencies(name: str, agencies: Sequence[NamedAgency], limit: int = 3) -> list[str]:
    return closest_names(name, [Person(a.key, a.name) for a in agencies], limit)


def slug(name: str) -> str:
    """A key for a new record: "Nguyễn Văn An" -> "nguyen-van-an"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:60] or "x"
