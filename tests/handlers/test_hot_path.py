"""The commands members send most take the write lock only for what they change: showing a task
takes it never, an update (typed, tapped or by reply) once. The message↔task links are written
in the background, in batches, and a reply still finds its task before they are."""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, select

from bench.transactions import Tally, TransactionCounter
from chat import texts
from chat.messages import Reply
from db.identity import identify
from db.models import Member, Plan, SentMessage, StatusChange, Task
from fakes.builders import task_id_of
from handlers.engine import Engine
from reports.chat_report import render_report
from reports.data import plan_report
from tests.conftest import ZONE, Chat

NEVER = 3600.0  # the background writer's turn, for tests that write the links themselves


async def sent(chat: Chat, account: str, text: str, message_id: str, **extra: object) -> Reply:
    """Say ``text`` and note the answer as sent, as a channel does; the answer with a task."""
    replies = await chat.say(account, text, **extra)
    about = [r for r in replies if r.task_id is not None]
    assert len(about) == 1, [r.text for r in replies]
    assert about[0].task_id is not None
    await chat.engine.remember("telegram", account, message_id, about[0].task_id)
    return about[0]


async def links(chat: Chat) -> dict[str, int]:
    async with chat.database.transaction() as session:
        rows = await session.execute(select(SentMessage.message_id, SentMessage.task_id))
        return {message_id: task_id for message_id, task_id in rows}


async def test_showing_a_task_takes_no_write_transaction(chat: Chat) -> None:
    chat.engine.links.interval = NEVER
    vinh = await chat.link("le-hong-vinh")
    with TransactionCounter(chat.database) as tally:
        detail = await sent(chat, vinh, "/nhiemvu I.5", "900")
        question = await sent(chat, vinh, "/hoanthanh I.5", "901")  # the "Hoàn thành" tap
    assert detail.text.startswith("I.5 · ") and question.text.startswith("Nhiệm vụ I.5 hoàn")
    assert (tally.write_transactions, tally.writing_statements) == (0, 0)
    assert tally.read_transactions == 1  # /hoanthanh's session, a read; the detail opens none
    assert await links(chat) == {}  # not written yet, and still known to this process:
    (answer,) = await chat.say(vinh, "60%", reply_to="900")
    assert answer.text.startswith("Đã cập nhật nhiệm vụ I.5: Chưa triển khai → Đang thực hiện")


async def test_an_update_typed_tapped_or_by_reply_takes_one_write_transaction(chat: Chat) -> None:
    chat.engine.links.interval = NEVER
    vinh = await chat.link("le-hong-vinh")
    detail = await sent(chat, vinh, "/nhiemvu I.5", "900")
    tap = next(a.command for a in detail.actions if a.label == texts.ACTION_IN_PROGRESS)
    tallies: list[Tally] = []
    for n, (text, extra) in enumerate(
        [
            (tap, {}),
            ("70% đã trình dự thảo", {"reply_to": "900"}),
            ("/capnhat I.5 gặp vướng mắc chờ số liệu", {}),
        ]
    ):
        with TransactionCounter(chat.database) as tally:
            answer = await sent(chat, vinh, text, f"91{n}", **extra)
        assert answer.text.startswith("Đã cập nhật nhiệm vụ I.5"), answer.text
        tallies.append(tally)
    assert [t.write_transactions for t in tallies] == [1, 1, 1]
    async with chat.database.transaction() as session:
        assert len((await session.scalars(select(StatusChange.id))).all()) == 3


async def test_links_are_written_in_one_batch_and_the_rest_on_close(chat: Chat) -> None:
    """Every link noted is written in one transaction; one to a task deleted meanwhile is
    dropped; what is left at shutdown is written by ``close``."""
    chat.engine.links.interval = NEVER
    vinh = await chat.link("le-hong-vinh")
    async with chat.database.transaction() as session:
        i5, i6, iv4 = [await task_id_of(session, code) for code in ("I.5", "I.6", "IV.4")]
    for n in range(50):
        await chat.engine.remember("telegram", vinh, str(1000 + n), (i5, i6)[n % 2])
    await chat.engine.remember("telegram", vinh, "1000", iv4)  # the same message again: latest
    await chat.engine.remember("telegram", vinh, "2000", i6)
    async with chat.database.transaction(write=True) as session:
        await session.execute(delete(StatusChange).where(StatusChange.task_id == i6))
        await session.execute(delete(Task).where(Task.id == i6))
    with TransactionCounter(chat.database) as tally:
        await chat.engine.links.flush()
    assert tally.write_transactions == 1
    written = await links(chat)
    assert written == {str(1000 + n): i5 for n in range(2, 50, 2)} | {"1000": iv4}
    await chat.engine.remember("telegram", vinh, "3000", i5)
    await chat.engine.close()
    assert (await links(chat))["3000"] == i5


async def test_links_are_written_in_the_background(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    chat.engine.links.interval = 0.05
    await sent(chat, vinh, "/nhiemvu I.5", "900")
    for _ in range(250):
        if await links(chat):
            break
        await asyncio.sleep(0.02)
    async with chat.database.transaction() as session:
        assert await links(chat) == {"900": await task_id_of(session, "I.5")}


async def test_a_reply_at_another_instance_before_the_link_is_written_finds_the_task(
    chat: Chat,
) -> None:
    """Two instances on one database: the link of a task shown by one is not written yet when
    the reply reaches the other, which reads the task from the replied-to message's text. Text
    of any other shape (a list) names no task."""
    chat.engine.links.interval = NEVER
    vinh = await chat.link("le-hong-vinh")
    detail = await sent(chat, vinh, "/nhiemvu IV.4", "900")
    listing = "\n".join(r.text for r in await chat.say(vinh, "/nhiemvu cua toi"))
    other = Chat(chat.database, Engine(chat.database, chat.engine.clock, ZONE))
    (answer,) = await other.say(vinh, "60%", reply_to="900", reply_to_text=detail.text)
    assert answer.text.startswith("Đã cập nhật nhiệm vụ IV.4: Chưa triển khai → Đang thực hiện")
    confirmation = answer.text
    (noted,) = await other.say(vinh, "đã họp", reply_to="901", reply_to_text=confirmation)
    assert noted.text == "Đã ghi chú vào nhiệm vụ IV.4: “đã họp”"
    (unknown,) = await other.say(vinh, "60%", reply_to="902", reply_to_text=listing)
    assert unknown.text == texts.UNKNOWN


async def test_a_members_report_is_read_lean_and_reads_as_before(chat: Chat) -> None:
    """A member's /baocao opens no session and takes no write; its text is the one the report
    read in a session gives (``plan_report``). The whole plan (the office) reads in one."""
    vinh = await chat.link("le-hong-vinh")
    await chat.say(vinh, "/capnhat I.5 đang thực hiện 60%")
    with TransactionCounter(chat.database) as member:
        (reply,) = await chat.say(vinh, "/baocao")
    assert (member.read_transactions, member.write_transactions) == (0, 0)
    async with chat.database.transaction() as session:
        plan = await session.scalar(select(Plan).where(Plan.year == 2024))
        vinh_member = await session.scalar(select(Member).where(Member.key == "le-hong-vinh"))
        assert plan is not None and vinh_member is not None
        found = await chat.database.read(lambda c: identify(c, "telegram", vinh, 2024))
        assert found is not None
        expected = await plan_report(
            session,
            plan,
            today=chat.engine.clock.now().astimezone(ZONE).date(),
            zone=ZONE,
            who=found.who,
            member_name=vinh_member.full_name,
        )
    assert reply.text == render_report(expected)
    admin = await chat.add_member("van-phong", "Cán bộ Văn phòng", admin=True)
    with TransactionCounter(chat.database) as office:
        (whole,) = await chat.say(admin, "/baocao")
    assert (office.read_transactions, office.write_transactions) == (1, 0)
    assert texts.REPORT_SCOPE_PLAN in whole.text
