"""The schema. One plan per year; tasks with milestones; people, agencies and role groups;
who is assigned what; chat accounts; an append-only status history; invite codes; the reminder
ledger. Instants are UTC (see ``db.types``); calendar dates are plain dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime}


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date | None]

    sections: Mapped[list[Section]] = relationship(
        back_populates="plan", order_by="Section.position", cascade="all, delete-orphan"
    )


class Section(Base):
    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int]

    plan: Mapped[Plan] = relationship(back_populates="sections")


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("plan_id", "code"),
        Index("ix_tasks_plan_position", "plan_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"))
    code: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(8))
    position: Mapped[int]
    content: Mapped[str] = mapped_column(Text)
    directors_printed: Mapped[str | None] = mapped_column(Text)
    deadline_text: Mapped[str | None] = mapped_column(Text)
    schedule: Mapped[str] = mapped_column(String(16))  # domain.deadlines.Schedule
    flag: Mapped[str | None] = mapped_column(Text)
    product: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)

    section: Mapped[Section] = relationship()
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="task", order_by="Milestone.position", cascade="all, delete-orphan"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="task", order_by="Assignment.position", cascade="all, delete-orphan"
    )


class Milestone(Base):
    __tablename__ = "milestones"
    __table_args__ = (
        UniqueConstraint("task_id", "position"),
        Index("ix_milestones_due_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    position: Mapped[int]
    label: Mapped[str | None] = mapped_column(String(64))
    due_on: Mapped[date]

    task: Mapped[Task] = relationship(back_populates="milestones")
    extensions: Mapped[list[Extension]] = relationship(
        order_by="Extension.id", cascade="all, delete-orphan"
    )

    @property
    def current_due(self) -> date:
        """The due date after the latest extension (gia hạn), else the original."""
        return self.extensions[-1].new_due if self.extensions else self.due_on


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # "agency" | "collective"
    category: Mapped[str | None] = mapped_column(String(32), index=True)
    covers: Mapped[list[str]] = mapped_column(JSON, default=list)  # collectives: categories
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)


class Group(Base):
    """A role that a plan row names instead of a person ("Các đồng chí Phó Chủ tịch UBND tỉnh")."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(128))
    positions: Mapped[list[str]] = mapped_column(JSON, default=list)
    committee_role: Mapped[str | None] = mapped_column(String(32))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    source: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    digest_muted: Mapped[bool] = mapped_column(default=False)
    paused_until: Mapped[date | None]  # on leave: no reminders up to and including this day
    preferred_channel: Mapped[str | None] = mapped_column(String(16))  # None: every account
    plan_year: Mapped[int | None]  # the plan this member chose to view; None: the current one

    groups: Mapped[list[Group]] = relationship(secondary="member_groups", order_by="Group.key")
    agencies: Mapped[list[Agency]] = relationship(
        secondary="member_agencies", order_by="Agency.key"
    )


class MemberGroup(Base):
    __tablename__ = "member_groups"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MemberAgency(Base):
    __tablename__ = "member_agencies"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Assignment(Base):
    """One cell entry of a task: a director, a lead agency or a coordinating agency."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN member_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN agency_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN group_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
        CheckConstraint("role IN ('director', 'lead', 'coordinating')", name="role"),
        # Covering: a member's, agency's or group's tasks are read from the index alone.
        Index("ix_assignments_member", "member_id", "task_id"),
        Index("ix_assignments_agency", "agency_id", "task_id"),
        Index("ix_assignments_group", "group_id", "task_id"),
        Index("ix_assignments_task", "task_id", "role", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int]
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))

    task: Mapped[Task] = relationship(back_populates="assignments")
    member: Mapped[Member | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    group: Mapped[Group | None] = relationship()


class ChatAccount(Base):
    """A member's account on one channel (telegram, zalo, console). A member may have several."""

    __tablename__ = "chat_accounts"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(128))
    preferred: Mapped[bool] = mapped_column(default=False)
    linked_at: Mapped[datetime]
    blocked_at: Mapped[datetime | None]  # the member blocked the bot: delivery stopped, reported

    member: Mapped[Member] = relationship()


class StatusChange(Base):
    """Append-only history: every status change or note, who made it, when, from which chat."""

    __tablename__ = "status_changes"
    __table_args__ = (
        Index("ix_status_changes_task", "task_id", "id"),
        Index("ix_status_changes_member_id", "member_id"),
        Index("ix_status_changes_agency_id", "agency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestones.id", ondelete="SET NULL")
    )
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    # A collective task's part: the agency whose part this line is (None: the whole task).
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    # "status" | "note" | "confirm" | "carried" | "close" | "input" (domain.progress, domain.parts)
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]
    old_status: Mapped[str | None] = mapped_column(String(32))
    new_status: Mapped[str | None] = mapped_column(String(32))
    progress: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(Text)  # before 0007: the result, as typed
    # A completion: the day it was really done, and the document or result that shows it.
    completed_on: Mapped[date | None]
    evidence: Mapped[str | None] = mapped_column(Text)  # as written: "Quyết định số 45/…"
    evidence_kind: Mapped[str | None] = mapped_column(String(64))  # "Quyết định"
    evidence_number: Mapped[str | None] = mapped_column(String(64))  # "45/QĐ-UBND"
    evidence_date: Mapped[date | None]
    # "pending": a completion the office has yet to confirm (CONFIRM_COMPLETION);
    # "returned": the office sent a completion back (a status change with the reason as note).
    confirmation: Mapped[str | None] = mapped_column(String(16))

    member: Mapped[Member | None] = relationship()


class EvidenceFile(Base):
    """A file that backs a task's completion: kept under the data directory, with the
    platform's file id (to send it back without uploading) and a checksum."""

    __tablename__ = "evidence_files"
    __table_args__ = (Index("ix_evidence_files_task", "task_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str] = mapped_column(String(256))  # the platform's id of the file
    file_name: Mapped[str] = mapped_column(String(256))
    mime_type: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(Text)  # relative to the files directory
    at: Mapped[datetime]

    member: Mapped[Member | None] = relationship()


class InviteCode(Base):
    __tablename__ = "invite_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("chat_accounts.id", ondelete="SET NULL")
    )
    created_by_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )


class Reminder(Base):
    """The reminder ledger: one row per (task, milestone, member, kind, planned instant), moving
    planned -> sending -> sent | failed. A weekly digest has no task (task_key 0)."""

    __tablename__ = "reminders"
    __table_args__ = (
        Index(
            "uq_reminders_key",
            "task_key",
            "milestone_key",
            "member_id",
            "kind",
            "planned_at",
            unique=True,
        ),
        Index("ix_reminders_state_planned", "state", "planned_at"),
        # Under the cascading foreign keys: deleting a task or a member does not scan the ledger.
        Index("ix_reminders_task_id", "task_id"),
        Index("ix_reminders_milestone_id", "milestone_id"),
        Index("ix_reminders_member_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    task_key: Mapped[int] = mapped_column(default=0)  # task_id or 0: NULLs never clash
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestones.id", ondelete="CASCADE")
    )
    milestone_key: Mapped[int] = mapped_column(default=0)  # milestone_id or 0
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    planned_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), default="planned")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # A snoozed or repeated reminder: the row it continues. A receipts follow-up: the
    # announcement whose receipts it counts.
    origin_id: Mapped[int | None]
    announcement_id: Mapped[int | None]


class Extension(Base):
    """A deadline extension (gia hạn): the milestone's original date is kept on the milestone."""

    __tablename__ = "extensions"
    __table_args__ = (Index("ix_extensions_milestone", "milestone_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"))
    new_due: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    at: Mapped[datetime]


class SentMessage(Base):
    """A bot message about a task: replying to it talks about that task."""

    __tablename__ = "sent_messages"
    __table_args__ = (UniqueConstraint("channel", "chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime]


class JoinAttempt(Base):
    """A wrong invite code sent from a chat account: for throttling guesses."""

    __tablename__ = "join_attempts"
    __table_args__ = (Index("ix_join_attempts_account", "channel", "external_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class AdminAction(Base):
    """The standing office's audit trail: every admin action, who, when, from which channel."""

    __tablename__ = "admin_actions"
    __table_args__ = (Index("ix_admin_actions_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(32))  # e.g. "task_add", "assign", "announce"
    target: Mapped[str] = mapped_column(Text)  # what it acted on: a task code, a member's name
    detail: Mapped[str | None] = mapped_column(Text)

    member: Mapped[Member | None] = relationship()


class Announcement(Base):
    """One message to members, sent once each through the ledger below: the standing office's
    announcement to every active member (kind "announcement", sent under its heading), or a
    notice to named members (kind "notice", sent as written, with its buttons), such as an
    extension request to the office or the office's answer to the requester."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(
        String(16), default="announcement", server_default="announcement"
    )
    actions: Mapped[list[list[str]] | None] = mapped_column(JSON)  # [[label, command], …]
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    at: Mapped[datetime]

    member: Mapped[Member | None] = relationship()


class AnnouncementDelivery(Base):
    """The announcement ledger: one row per member, planned -> sending -> sent | failed."""

    __tablename__ = "announcement_deliveries"
    __table_args__ = (Index("ix_announcement_deliveries_state", "state"),)

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(16), default="planned")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class _WebToken:
    """What a sign-in link and a browser session share: a member's secret, stored only as a
    hash, with its lifetime."""

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class WebLink(_WebToken, Base):
    """A one-time sign-in link to the web desk: single use, 15 minutes."""

    __tablename__ = "web_links"

    used_at: Mapped[datetime | None]


class WebSession(_WebToken, Base):
    """A signed-in browser: 8 hours, ended at sign-out."""

    __tablename__ = "web_sessions"

    ended_at: Mapped[datetime | None]


class ExtensionRequest(Base):
    """A request for more time (xin gia hạn) on one milestone, which the standing office approves
    (an ``Extension`` is made) or refuses. pending -> approved | refused | replaced (a newer
    request for the same milestone while this one was pending). The office's own extension
    (/giahan) to the asked day or later approves it too, ``answer`` saying so."""

    __tablename__ = "extension_requests"
    __table_args__ = (
        Index("ix_extension_requests_state", "state", "id"),
        Index("ix_extension_requests_milestone", "milestone_id", "state"),
        Index("ix_extension_requests_task_id", "task_id"),
        Index("ix_extension_requests_member_id", "member_id"),
        Index("ix_extension_requests_decided_by", "decided_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    new_due: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    channel: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(Text)  # why refused, or that /giahan met it

    task: Mapped[Task] = relationship()
    milestone: Mapped[Milestone] = relationship()
    member: Mapped[Member | None] = relationship(foreign_keys=[member_id])


class ChatPrompt(Base):
    """A question the bot asked a member (the date and reason of an extension request, the
    reason of a refusal): the member's next plain message completes ``command``."""

    __tablename__ = "chat_prompts"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    command: Mapped[str] = mapped_column(String(64))  # e.g. "/xingiahan III.5 đợt 2"
    asked_at: Mapped[datetime]


class Acknowledgement(Base):
    """A member said "Đã nhận" to a reminder (a ledger row) or an announcement: when, and through
    which account. Not a note: the task's history is left alone."""

    __tablename__ = "acknowledgements"
    __table_args__ = (
        Index(
            "uq_acknowledgements_key", "member_id", "reminder_key", "announcement_key", unique=True
        ),
        Index("ix_acknowledgements_reminder_id", "reminder_id"),
        Index("ix_acknowledgements_announcement_id", "announcement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"))
    announcement_id: Mapped[int | None] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE")
    )
    reminder_key: Mapped[int] = mapped_column(default=0)  # reminder_id or 0: NULLs never clash
    announcement_key: Mapped[int] = mapped_column(default=0)
    channel: Mapped[str] = mapped_column(String(16))
    account: Mapped[str] = mapped_column(String(64))  # the chat account's external id
    at: Mapped[datetime]


class ReceiptMessage(Base):
    """A bot message that can be acknowledged: the reminder or announcement it carried, so that
    a typed "đã nhận" (a reply to it, or the last one in that chat) acknowledges it."""

    __tablename__ = "receipt_messages"
    __table_args__ = (
        UniqueConstraint("channel", "chat_id", "message_id"),
        Index("ix_receipt_messages_chat", "channel", "chat_id", "sent_at"),
        Index("ix_receipt_messages_reminder_id", "reminder_id"),
        Index("ix_receipt_messages_announcement_id", "announcement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"))
    announcement_id: Mapped[int | None] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE")
    )
    sent_at: Mapped[datetime]
