"""One-time invite codes: random (80 bits), stored only as a hash, single use, 7 days."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import InviteCode, JoinAttempt, Member

INVITE_LIFETIME = timedelta(days=7)
# Wrong codes are kept this long: throttling looks back an hour (handlers/join.py), the rest
# is only there for someone reading the table after an incident.
JOIN_ATTEMPTS_KEPT = timedelta(days=1)


def new_code() -> str:
    """16 characters of base32 (A-Z, 2-7): easy to type, safe in a t.me deep link."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii")


def normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode("ascii", "ignore")).hexdigest()


async def create_invite(
    session: AsyncSession, member: Member, *, now: datetime, created_by: Member | None = None
) -> str:
    code = new_code()
    session.add(
        InviteCode(
            member_id=member.id,
            code_hash=code_hash(code),
            created_at=now,
            expires_at=now + INVITE_LIFETIME,
            created_by_member_id=created_by.id if created_by else None,
        )
    )
    await session.flush()
    return code


async def redeem(session: AsyncSession, code: str, *, now: datetime) -> InviteCode | None:
    """The unused, unexpired invite for ``code``; None for a wrong, used or expired code."""
    invite = await session.scalar(select(InviteCode).where(InviteCode.code_hash == code_hash(code)))
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        return None
    return invite


async def prune_join_attempts(session: AsyncSession, *, now: datetime) -> int:
    """Delete the wrong-code records older than JOIN_ATTEMPTS_KEPT; return how many."""
    result = await session.execute(
        delete(JoinAttempt).where(JoinAttempt.at < now - JOIN_ATTEMPTS_KEPT)
    )
    return result.rowcount if isinstance(result, CursorResult) else 0
