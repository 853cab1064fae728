"""Intruders and overreach: every refusal is answered with the reason, changes nothing, and is
logged (one line, "refused: <what>", with the channel and chat, never the message)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from chat import texts
from chat.reach import reachable
from db.identity import identify
from db.invites import create_invite
from db.models import ChatAccount, Member, StatusChange
from domain.clock import FrozenClock
from handlers import engine
from tests.conftest import Chat

Scenario = Callable[[Chat, FrozenClock], Awaitable[str]]


async def code_for(chat: Chat, clock: FrozenClock, key: str = "le-hong-vinh") -> str:
    async with chat.database.transaction(write=True) as session:
        member = await session.scalar(select(Member).where(Member.key == key))
        assert member is not None
        return await create_invite(session, member, now=clock.now())


async def stranger(chat: Chat, clock: FrozenClock) -> str:
    return await chat.text("tg-intruder", "/capnhat I.5 hoàn thành")


async def someone_elses_task(chat: Chat, clock: FrozenClock) -> str:
    cuong = await chat.link("le-duc-cuong")  # neither directs nor leads I.5
    return await chat.text(cuong, "/capnhat I.5 hoàn thành")  # typed, or a forged button


async def a_note_on_someone_elses_task(chat: Chat, clock: FrozenClock) -> str:
    cuong = await chat.link("le-duc-cuong")
    return await chat.text(cuong, "/capnhat I.5 ghi chú xin góp ý")


async def undo_of_another_members_change(chat: Chat, clock: FrozenClock) -> str:
    vinh = await chat.link("le-hong-vinh")
    cuong = await chat.link("le-duc-cuong")
    (done,) = await chat.say(vinh, "/capnhat I.5 hoàn thành")
    return await chat.text(cuong, done.actions[0].command)  # Vinh's undo button, replayed


async def undo_replayed(chat: Chat, clock: FrozenClock) -> str:
    vinh = await chat.link("le-hong-vinh")
    (done,) = await chat.say(vinh, "/capnhat I.5 hoàn thành")
    clock.advance(timedelta(seconds=5))
    await chat.text(vinh, done.actions[0].command)
    clock.advance(timedelta(seconds=5))
    return await chat.text(vinh, done.actions[0].command)  # the same button, a second time


async def undo_expired(chat: Chat, clock: FrozenClock) -> str:
    vinh = await chat.link("le-hong-vinh")
    (done,) = await chat.say(vinh, "/capnhat I.5 hoàn thành")
    clock.advance(timedelta(minutes=10, seconds=1))
    return await chat.text(vinh, done.actions[0].command)


async def undo_after_losing_the_role(chat: Chat, clock: FrozenClock) -> str:
    officer = await chat.add_member("can-bo-snv", "Trần Thị Lan", agencies=("so-noi-vu",))
    (done,) = await chat.say(officer, "/capnhat I.10 hoàn thành")  # Sở Nội vụ leads I.10
    async with chat.database.transaction(write=True) as session:
        member = await session.scalar(
            select(Member).where(Member.key == "can-bo-snv").options(selectinload(Member.agencies))
        )
        assert member is not None
        member.agencies = []  # moved to another post
    return await chat.text(officer, done.actions[0].command)


async def invite_used(chat: Chat, clock: FrozenClock) -> str:
    code = await code_for(chat, clock)
    await chat.text("tg-1001", f"/start {code}")
    return await chat.text("tg-intruder", f"/start {code}")


async def invite_expired(chat: Chat, clock: FrozenClock) -> str:
    code = await code_for(chat, clock)
    clock.advance(timedelta(days=7, seconds=1))
    return await chat.text("tg-1001", f"/start {code}")


async def invite_guessed(chat: Chat, clock: FrozenClock) -> str:
    await code_for(chat, clock)  # a live code exists; the guess is not it
    return await chat.text("tg-intruder", "/start AAAABBBBCCCCDDDD")


async def invite_guessing_throttled(chat: Chat, clock: FrozenClock) -> str:
    code = await code_for(chat, clock)
    for guess in range(5):
        await chat.text("tg-intruder", f"/start WRONG{guess}")
    return await chat.text("tg-intruder", f"/start {code}")  # even the right code, for an hour


async def invite_of_a_removed_member(chat: Chat, clock: FrozenClock) -> str:
    code = await code_for(chat, clock)
    await deactivate(chat, "le-hong-vinh")
    return await chat.text("tg-1001", f"/start {code}")


async def admin_invite_by_a_member(chat: Chat, clock: FrozenClock) -> str:
    vinh = await chat.link("le-hong-vinh")
    return await chat.text(vinh, "/moi Nguyễn Đức Trung")


async def admin_extend_by_a_member(chat: Chat, clock: FrozenClock) -> str:
    vinh = await chat.link("le-hong-vinh")
    return await chat.text(vinh, "/giahan I.5 31/12/2024 chờ số liệu")


async def whole_plan_by_a_member(chat: Chat, clock: FrozenClock) -> str:
    vinh = await chat.link("le-hong-vinh")
    return await chat.text(vinh, "/tatca")


async def deactivate(chat: Chat, key: str) -> None:
    async with chat.database.transaction(write=True) as session:
        member = await session.scalar(select(Member).where(Member.key == key))
        assert member is not None
        member.active = False


async def a_removed_member(chat: Chat, clock: FrozenClock) -> str:
    vinh = await chat.link("le-hong-vinh")
    assert "I.5" in await chat.text(vinh, "/nhiemvu I.5")
    await deactivate(chat, "le-hong-vinh")
    return await chat.text(vinh, "/capnhat I.5 hoàn thành")  # a button from before, say


async def a_member_removed_while_answering(chat: Chat, clock: FrozenClock) -> str:
    """The race: the sender was read as active, then an admin's /xoatv committed before the
    message's own transaction began; the engine looks again inside it."""
    vinh = await chat.link("le-hong-vinh")
    seen = await chat.database.read(
        partial(identify, channel="telegram", external_id=vinh, year=2024)
    )
    assert seen is not None  # read while still active
    await deactivate(chat, "le-hong-vinh")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "identify", lambda connection, **where: seen)
        return await chat.text(vinh, "/capnhat I.5 hoàn thành")


async def an_unlinked_chat_account(chat: Chat, clock: FrozenClock) -> str:
    vinh = await chat.link("le-hong-vinh")
    assert "I.5" in await chat.text(vinh, "/nhiemvu I.5")
    async with chat.database.transaction(write=True) as session:
        await session.execute(delete(ChatAccount).where(ChatAccount.external_id == vinh))
    return await chat.text(vinh, "/nhiemvu I.5")


async def a_group_chat(chat: Chat, clock: FrozenClock) -> str:
    vinh = await chat.link("le-hong-vinh")
    replies = await chat.say(vinh, "/nhiemvu", is_group=True)
    return "\n\n".join(r.text for r in replies)


async def start_in_a_group_chat(chat: Chat, clock: FrozenClock) -> str:
    code = await code_for(chat, clock)
    replies = await chat.say("tg-1001", f"/start {code}", is_group=True)  # a code shown to all
    return "\n\n".join(r.text for r in replies)


# Changes a scenario makes itself before the refused message (a change to undo, and its undo).
CHANGES_BEFORE_THE_REFUSAL: dict[Scenario, int] = {
    undo_of_another_members_change: 1,
    undo_replayed: 2,
    undo_expired: 1,
    undo_after_losing_the_role: 1,
}

CASES: list[tuple[Scenario, str, str]] = [
    (stranger, texts.NOT_LINKED, "not linked"),
    (someone_elses_task, "không thể thay đổi tình trạng nhiệm vụ I.5", "status of I.5"),
    (a_note_on_someone_elses_task, "không thể ghi chú", "note on I.5"),
    (undo_of_another_members_change, texts.UNDO_NOT_YOURS, "undo of another member's change"),
    (undo_replayed, "Chỉ hoàn tác được trong 10 phút", "undo: a newer change exists"),
    (undo_expired, "Chỉ hoàn tác được trong 10 phút", "undo expired"),
    (undo_after_losing_the_role, texts.UNDO_NOT_YOURS, "undo on I.10: no longer allowed"),
    (invite_used, texts.INVITE_INVALID, "invite code: wrong, used or expired"),
    (invite_expired, texts.INVITE_INVALID, "invite code: wrong, used or expired"),
    (invite_guessed, texts.INVITE_INVALID, "invite code: wrong, used or expired"),
    (invite_guessing_throttled, "quá nhiều lần", "invite code: throttled"),
    (invite_of_a_removed_member, texts.INVITE_INVALID, "invite code: member inactive"),
    (admin_invite_by_a_member, texts.ADMIN_ONLY, "admin only: /moi"),
    (admin_extend_by_a_member, texts.ADMIN_ONLY, "admin only: /giahan"),
    (whole_plan_by_a_member, texts.ALL_FORBIDDEN, "whole plan"),
    (a_removed_member, texts.NOT_LINKED, "not linked"),
    (a_member_removed_while_answering, texts.NOT_LINKED, "not linked"),
    (an_unlinked_chat_account, texts.NOT_LINKED, "not linked"),
    (a_group_chat, texts.GROUP_PRIVATE, "group chat"),
    (start_in_a_group_chat, texts.GROUP_PRIVATE, "group chat"),
]


@pytest.mark.parametrize(
    ("scenario", "answer", "reason"), CASES, ids=[c[0].__name__ for c in CASES]
)
async def test_refused_answered_and_logged(
    chat: Chat,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
    scenario: Scenario,
    answer: str,
    reason: str,
) -> None:
    async with chat.database.transaction() as session:
        changes_before = await session.scalar(select(func.count()).select_from(StatusChange))
    caplog.set_level(logging.INFO, logger="handlers.access")
    text = await scenario(chat, clock)
    assert answer in text
    refusals = [r for r in caplog.records if r.name == "handlers.access"]
    assert refusals and refusals[-1].getMessage() == f"refused: {reason}"
    assert refusals[-1].levelno == logging.WARNING and getattr(refusals[-1], "channel", None)
    async with chat.database.transaction() as session:
        statuses = (await session.scalars(select(StatusChange.new_status))).all()
    # Nothing changed by the refused message: only the scenario's own changes are there.
    assert len(statuses) - (changes_before or 0) == CHANGES_BEFORE_THE_REFUSAL.get(scenario, 0)
    assert "hoan_thanh" not in statuses or scenario in {
        undo_of_another_members_change, undo_replayed, undo_expired, undo_after_losing_the_role
    }  # fmt: skip


async def test_plain_group_chatter_is_a_silence_not_a_refusal(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    vinh = await chat.link("le-hong-vinh")
    caplog.set_level(logging.INFO, logger="handlers.access")
    assert await chat.say(vinh, "chào cả nhà, I.5 xong chưa?", is_group=True) == []
    assert not [r for r in caplog.records if r.name == "handlers.access"]


async def test_a_removed_member_gets_no_more_reminders(chat: Chat, clock: FrozenClock) -> None:
    await chat.link("le-hong-vinh")
    await deactivate(chat, "le-hong-vinh")
    async with chat.database.transaction() as session:
        vinh = await session.scalar(select(Member).where(Member.key == "le-hong-vinh"))
        assert vinh is not None
        assert await reachable(session, {vinh.id}, clock.now().date()) == {}
