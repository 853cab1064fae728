"""The plan file (``seed_tasks.json``): its schema, and checks that name the offending entry."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from domain.deadlines import Schedule


class SeedError(Exception):
    """The file cannot be loaded; the message says which entry and why (in English, for ops)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlanIn(_Strict):
    year: int = Field(ge=2000, le=2200)
    code: str
    title: str
    issued_on: date | None = None


class SectionIn(_Strict):
    code: str
    title: str


class GroupIn(_Strict):
    key: str
    name: str
    aliases: list[str] = []


class AgencyIn(_Strict):
    key: str
    name: str
    kind: Literal["agency", "collective"]
    category: str | None = None
    covers: list[str] = []
    aliases: list[str] = []


class MemberIn(_Strict):
    key: str
    name: str
    positions: list[str] = []
    committee_role: (
        Literal["truong_ban", "pho_truong_ban_thuong_truc", "pho_truong_ban", "thanh_vien"] | None
    ) = None
    groups: list[str] = []
    source: str | None = None


class DirectorIn(_Strict):
    member: str | None = None
    group: str | None = None

    @model_validator(mode="after")
    def _one(self) -> DirectorIn:
        if (self.member is None) == (self.group is None):
            raise ValueError("a director is either a member or a group")
        return self


class MilestoneIn(_Strict):
    label: str | None = None
    due: date


class TaskIn(_Strict):
    code: str
    section: str
    number: str
    content: str = Field(min_length=1)
    directors_printed: str | None = None
    directors: list[DirectorIn] = []
    lead_agencies: list[str] = []
    coordinating_agencies: list[str] = []
    deadline_text: str | None = None
    milestones: list[MilestoneIn] = []
    schedule: Schedule
    flag: str | None = None
    product: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _schedule_matches(self) -> TaskIn:
        if (self.schedule == Schedule.DATED) != bool(self.milestones):
            raise ValueError("schedule 'dated' goes with milestones, and only it")
        if self.code != f"{self.section}.{self.number}":
            raise ValueError(f"code {self.code} does not match section {self.section}")
        return self


class SeedFile(_Strict):
    plan: PlanIn
    sections: list[SectionIn]
    groups: list[GroupIn] = []
    agencies: list[AgencyIn] = []
    members: list[MemberIn] = []
    tasks: list[TaskIn]

    @model_validator(mode="after")
    def _references(self) -> SeedFile:
        for kind, keys in (
            ("section", [s.code for s in self.sections]),
            ("group", [g.key for g in self.groups]),
            ("agency", [a.key for a in self.agencies]),
            ("member", [m.key for m in self.members]),
            ("task", [t.code for t in self.tasks]),
        ):
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            if dupes:
                raise ValueError(f"duplicate {kind} {', '.join(dupes)}")
        sections = {s.code for s in self.sections}
        groups = {g.key for g in self.groups}
        agencies = {a.key for a in self.agencies}
        members = {m.key for m in self.members}
        for member in self.members:
            for key in member.groups:
                if key not in groups:
                    raise ValueError(f"member {member.key}: unknown group '{key}'")
        for task in self.tasks:
            where = f"task {task.code}"
            if task.section not in sections:
                raise ValueError(f"{where}: unknown section '{task.section}'")
            for d in task.directors:
                if d.member is not None and d.member not in members:
                    raise ValueError(f"{where}: unknown member '{d.member}'")
                if d.group is not None and d.group not in groups:
                    raise ValueError(f"{where}: unknown group '{d.group}'")
            for key in (*task.lead_agencies, *task.coordinating_agencies):
                if key not in agencies:
                    raise ValueError(f"{where}: unknown agency '{key}'")
        return self


def _describe(error: ValidationError, raw: object) -> str:
    """Turn pydantic's location (tasks.5.milestones.0.due) into "task I.6, milestones.0.due"."""
    lines = []
    for item in error.errors():
        loc = list(item["loc"])
        where = ".".join(str(p) for p in loc) or "file"
        if (
            len(loc) >= 2
            and loc[0] == "tasks"
            and isinstance(loc[1], int)
            and isinstance(raw, dict)
        ):
            tasks = raw.get("tasks") or []
            code = (
                tasks[loc[1]].get("code")
                if loc[1] < len(tasks) and isinstance(tasks[loc[1]], dict)
                else None
            )
            rest = ".".join(str(p) for p in loc[2:])
            where = f"task {code or '#' + str(loc[1] + 1)}" + (f", {rest}" if rest else "")
        lines.append(f"{where}: {item['msg']}")
    return "; ".join(lines)


def load_seed_file(path: Path) -> SeedFile:
    """Parse and check the whole file; raise ``SeedError`` naming the first bad entries."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SeedError(f"{path}: no such file") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SeedError(f"{path}: not valid JSON ({exc})") from exc
    try:
        return SeedFile.model_validate(raw)
    except ValidationError as exc:
        raise SeedError(f"{path}: {_describe(exc, raw)}") from exc
