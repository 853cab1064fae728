"""What became of each reminder delivery, as typed values, and its record: the ledger rows (sent,
failed for good, or planned again), the sent messages a reply can refer to, the accounts that
refused for good marked blocked, and the standing office told about them."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update

from chat import texts
from chat.delivery import Failure, NotSent, Outbox, Outcome, Sent, verdict
from chat.messages import Reply
from db.acks import Receipt, record_receipts
from db.models import ChatAccount, Member, SentMessage
from db.session import Database
from scheduler import ledger

log = logging.getLogger(__name__)
FINISH_BATCH = 200
NO_ACCOUNT = NotSent("", "", Failure.TRANSIENT, "no account")


@dataclass
class Delivery:
    """One message to one member (for one or more ledger rows), on each of their accounts."""

    reminder_ids: list[int]
    member_id: int
    member_name: str
    task_id: int | None
    accounts: list[tuple[str, str]]  # (channel, chat id)
    reply: Reply
    outcomes: list[Outcome] = field(default_factory=list)  # one per account tried

    @property
    def tried_all(self) -> bool:
        return len(self.outcomes) >= len(self.accounts)

    @property
    def sent(self) -> list[Sent]:
        return [o for o in self.outcomes if isinstance(o, Sent)]

    @property
    def refused(self) -> list[NotSent]:
        """The accounts that will never take a message (to be marked blocked)."""
        return [o for o in self.outcomes if isinstance(o, NotSent) and o.permanent]

    def verdict(self) -> NotSent | None:
        return verdict(self.outcomes, no_account=NO_ACCOUNT)


async def record(
    database: Database,
    outboxes: Mapping[str, Outbox],
    deliveries: Sequence[Delivery],
    now: datetime,
) -> None:
    """Record the outcomes of finished deliveries, a batch per transaction."""
    if not deliveries:
        return
    blocked: list[tuple[Delivery, NotSent]] = []
    for start in range(0, len(deliveries), FINISH_BATCH):
        async with database.transaction(write=True) as session:
            batch = deliveries[start : start + FINISH_BATCH]
            rows: list[tuple[int, NotSent | None]] = []
            refused: list[tuple[Delivery, NotSent]] = []
            receipts: list[Receipt] = []
            for d in batch:
                rows += [(reminder_id, d.verdict()) for reminder_id in d.reminder_ids]
                if d.task_id:
                    session.add_all(
                        SentMessage(
                            channel=s.channel,
                            chat_id=s.chat_id,
                            message_id=s.message_id,
                            task_id=d.task_id,
                            sent_at=now,
                        )
                        for s in d.sent
                    )
                refused += [(d, refusal) for refusal in d.refused]
                receipts += [
                    Receipt(s.channel, s.chat_id, s.message_id, d.member_id, d.reminder_ids[0])
                    for s in d.sent
                    if d.reminder_ids
                ]
            await ledger.finish(session, rows, now)
            await record_receipts(session, receipts, now)
            for _, refusal in refused:
                await session.execute(
                    update(ChatAccount)
                    .where(
                        ChatAccount.channel == refusal.channel,
                        ChatAccount.external_id == refusal.chat_id,
                        ChatAccount.blocked_at.is_(None),
                    )
                    .values(blocked_at=now)
                )
        blocked += refused
    if blocked:
        await report_blocked(database, outboxes, blocked)


async def report_blocked(
    database: Database, outboxes: Mapping[str, Outbox], blocked: Sequence[tuple[Delivery, NotSent]]
) -> None:
    """Tell the standing office, once per account, that a member cannot be reached."""
    async with database.transaction() as session:
        admins = (
            await session.scalars(
                select(ChatAccount)
                .join(Member, Member.id == ChatAccount.member_id)
                .where(Member.is_admin.is_(True), ChatAccount.blocked_at.is_(None))
            )
        ).all()
    seen = set()
    for delivery, refusal in blocked:
        if (refusal.channel, refusal.chat_id) in seen:
            continue
        seen.add((refusal.channel, refusal.chat_id))
        text = texts.BLOCKED_REPORT.format(
            name=delivery.member_name,
            channel=texts.CHANNEL_NAMES.get(refusal.channel, refusal.channel),
            reason=texts.BLOCKED_REASON,
        )
        for admin in admins:
            outbox = outboxes.get(admin.channel)
            if outbox is not None:
                try:
                    await outbox.deliver(admin.external_id, Reply(text))
                except Exception:
                    log.exception("could not report a blocked account to an admin")
