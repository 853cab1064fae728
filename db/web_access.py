"""Sign-in to the web desk: one-time links (15 minutes, single use) and browser sessions
(8 hours). Tokens are 256 random bits handed out once; only their SHA-256 is stored, so a copy
of the database opens no door. The caller owns the transaction."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Member, WebLink, WebSession
from db.statements import Query

LINK_LIFETIME = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=8)
MAX_TOKEN_CHARS = 128  # longer input is not a token of ours: refused before hashing


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


async def _issue(
    session: AsyncSession,
    kind: type[WebLink] | type[WebSession],
    member_id: int,
    *,
    now: datetime,
    lifetime: timedelta,
) -> str:
    """A new token of ``kind`` for the member: only its hash is stored."""
    token = new_token()
    session.add(
        kind(
            member_id=member_id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    await session.flush()
    return token


async def create_link(session: AsyncSession, member_id: int, *, now: datetime) -> str:
    """A new sign-in token for the member (the URL is the caller's business)."""
    return await _issue(session, WebLink, member_id, now=now, lifetime=LINK_LIFETIME)


async def redeem_link(session: AsyncSession, token: str, *, now: datetime) -> str | None:
    """Use the link once: a new session token for its active member, or None for a wrong,
    used or expired link. The link is marked used in the same conditional UPDATE that checks
    it, so two browsers racing with one link cannot both get in."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    member_id = await session.scalar(
        update(WebLink)
        .where(
            WebLink.token_hash == token_hash(token),
            WebLink.used_at.is_(None),
            WebLink.expires_at > now,
        )
        .values(used_at=now)
        .returning(WebLink.member_id)
    )
    if member_id is None:
        return None
    member = await session.get(Member, member_id)
    if member is None or not member.active:
        return None
    return await _issue(session, WebSession, member_id, now=now, lifetime=SESSION_LIFETIME)


async def end_session(session: AsyncSession, token: str, *, now: datetime) -> None:
    if not token or len(token) > MAX_TOKEN_CHARS:
        return
    await session.execute(
        update(WebSession)
        .where(WebSession.token_hash == token_hash(token), WebSession.ended_at.is_(None))
        .values(ended_at=now)
    )


@dataclass(frozen=True)
class WebUser:
    """The member behind a live browser session, as plain values."""

    member_id: int
    full_name: str
    is_admin: bool
    committee_role: str | None
    plan_year: int | None


def _live(kind: type[WebLink] | type[WebSession], *columns: Any) -> Query:
    """The active member behind a token of ``kind`` that is unexpired and not yet used (a
    link) or ended (a session): one indexed statement."""
    finished = WebLink.used_at if kind is WebLink else WebSession.ended_at
    return Query(
        select(*columns)
        .join(kind, kind.member_id == Member.id)
        .where(
            kind.token_hash == bindparam("token_hash"),
            finished.is_(None),
            kind.expires_at > bindparam("now"),
            Member.active.is_(True),
        )
    )


_SESSION_MEMBER = _live(
    WebSession,
    Member.id,
    Member.full_name,
    Member.is_admin,
    Member.committee_role,
    Member.plan_year,
)


def session_user(connection: Connection, token: str, now: datetime) -> WebUser | None:
    """The active member of a live session (None: no such session, ended, expired, or the member
    was removed). Read on every request: one indexed statement."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    row = _SESSION_MEMBER.first(connection, {"token_hash": token_hash(token), "now": now})
    return WebUser(*row) if row is not None else None


_LINK_MEMBER = _live(WebLink, Member.full_name)


def link_holder(connection: Connection, token: str, now: datetime) -> str | None:
    """The name of the member a live, unused link is for (None: no such link); uses nothing."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    row = _LINK_MEMBER.first(connection, {"token_hash": token_hash(token), "now": now})
    return str(row[0]) if row is not None else None
