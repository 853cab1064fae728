"""Joining with an invite code, leaving, and admins making codes from chat."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from chat import texts
from db.invites import create_invite
from db.models import ChatAccount, InviteCode, Member
from domain.clock import FrozenClock
from tests.conftest import Chat


async def make_code(chat: Chat, member_key: str, clock: FrozenClock) -> str:
    async with chat.database.transaction(write=True) as session:
        member = await session.scalar(select(Member).where(Member.key == member_key))
        assert member is not None
        return await create_invite(session, member, now=clock.now())


async def test_join_with_a_code_then_use_the_bot(chat: Chat, clock: FrozenClock) -> None:
    code = await make_code(chat, "le-hong-vinh", clock)
    welcome = await chat.text("tg-1001", f"/start {code}")
    assert welcome.startswith(
        "Xin chào đồng chí Lê Hồng Vinh! Tài khoản Telegram này đã được liên kết"
    )
    assert "/nhiemvu" in welcome
    assert "Nhiệm vụ của đồng chí Lê Hồng Vinh" in await chat.text("tg-1001", "/nhiemvu")


async def test_codes_are_stored_hashed_and_typed_loosely(chat: Chat, clock: FrozenClock) -> None:
    code = await make_code(chat, "le-hong-vinh", clock)
    async with chat.database.transaction() as session:
        stored = (await session.scalars(select(InviteCode.code_hash))).all()
    assert code not in stored and len(stored[0]) == 64
    spaced = f"{code[:4].lower()} {code[4:8]}-{code[8:]}"
    assert "Xin chào đồng chí Lê Hồng Vinh" in await chat.text("tg-1002", f"/start {spaced}")


async def test_a_used_code_is_refused(chat: Chat, clock: FrozenClock) -> None:
    code = await make_code(chat, "le-hong-vinh", clock)
    await chat.text("tg-1001", f"/start {code}")
    assert await chat.text("tg-2002", f"/start {code}") == texts.INVITE_INVALID
    assert await chat.text("tg-2002", "/nhiemvu") == texts.NOT_LINKED


async def test_an_expired_code_is_refused(chat: Chat, clock: FrozenClock) -> None:
    code = await make_code(chat, "le-hong-vinh", clock)
    clock.advance(timedelta(days=7, seconds=1))
    assert await chat.text("tg-1001", f"/start {code}") == texts.INVITE_INVALID


async def test_guessing_is_throttled_per_account(chat: Chat, clock: FrozenClock) -> None:
    code = await make_code(chat, "le-hong-vinh", clock)
    for guess in range(5):
        assert await chat.text("tg-666", f"/start WRONGCODE{guess}") == texts.INVITE_INVALID
    # The sixth try is refused even with the right code, until an hour has passed.
    assert "quá nhiều lần" in await chat.text("tg-666", f"/start {code}")
    assert await chat.text("tg-777", "/start WRONG") == texts.INVITE_INVALID  # others unaffected
    clock.advance(timedelta(hours=1, seconds=1))
    assert "Xin chào đồng chí Lê Hồng Vinh" in await chat.text("tg-666", f"/start {code}")


async def test_start_without_a_code(chat: Chat) -> None:
    assert await chat.text("tg-1", "/start") == texts.NOT_LINKED
    vinh = await chat.link("le-hong-vinh")
    assert (await chat.text(vinh, "/start")).startswith("Xin chào đồng chí Lê Hồng Vinh!")
    assert "đã được liên kết" in await chat.text(vinh, "/start ABCDEF")


async def test_a_member_can_unlink_and_loses_access_at_once(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    assert "Đã hủy liên kết" in await chat.text(vinh, "/roikhoi")
    assert await chat.text(vinh, "/nhiemvu") == texts.NOT_LINKED
    async with chat.database.transaction() as session:
        assert (await session.scalars(select(ChatAccount))).all() == []


async def test_a_deactivated_member_loses_access_at_once(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    async with chat.database.transaction(write=True) as session:
        member = await session.scalar(select(Member).where(Member.key == "le-hong-vinh"))
        assert member is not None
        member.active = False
    assert await chat.text(vinh, "/nhiemvu I.5") == texts.NOT_LINKED


async def test_an_admin_makes_a_code_in_chat(chat: Chat) -> None:
    admin = await chat.add_member("admin", "Cán bộ Thường trực", admin=True)
    chat.engine.telegram_username = "bcd_test_bot"
    text = await chat.text(admin, "/moi nguyen duc trung")
    assert text.startswith("Mã mời cho đồng chí Nguyễn Đức Trung")
    code = text.splitlines()[1]
    assert f"https://t.me/bcd_test_bot?start={code}" in text
    assert "Nguyễn Đức Trung" in await chat.text("tg-trung", f"/start {code}")
    assert "Có phải đồng chí muốn: Nguyễn Đức Trung" in await chat.text(admin, "/moi Duc Trung x")
    assert await chat.text(admin, "/moi") == texts.INVITE_USAGE


async def test_only_admins_make_codes(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    assert await chat.text(vinh, "/moi Nguyễn Đức Trung") == texts.ADMIN_ONLY
