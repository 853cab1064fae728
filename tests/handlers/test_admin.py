"""The standing office's commands: each works, is recorded, and is refused to anyone else."""

from __future__ import annotations

import asyncio
import logging
from datetime import date

import pytest
from sqlalchemy import func, select

from chat import texts
from chat.delivery import PermanentFailure
from chat.messages import Reply
from db import facts, records
from db.models import AdminAction, Agency, Announcement, AnnouncementDelivery, Member, Plan
from db.session import Database
from domain.clock import FrozenClock
from scheduler.announcements import AnnouncementSender
from tests.conftest import Chat

ADMIN_COMMANDS = [
    "/themnv II | Hội nghị sơ kết | Quý III/2024",
    "/suanv I.5 thoihan Quý II/2024",
    "/giao I.5 phoihop Sở Tư pháp",
    "/bogiao I.5 chutri Sở Nội vụ",
    "/giahan I.5 30/04/2024 chờ chỉ số",
    "/themtv Trần Văn Mới | Sở Nội vụ",
    "/xoatv Lê Hồng Vinh",
    "/themcq Sở Tư pháp",
    "/moi Lê Hồng Vinh",
    "/chuathamgia",
    "/thongbao Họp BCĐ chiều nay",
    "/nhatky",
    "/xuat",
]


@pytest.fixture
async def admin(chat: Chat) -> str:
    return await chat.add_office_admin()


async def _actions(database: Database) -> list[tuple[str, str]]:
    async with database.transaction() as session:
        rows = await session.scalars(select(AdminAction).order_by(AdminAction.id))
        return [(r.action, r.target) for r in rows]


@pytest.mark.parametrize("command", ADMIN_COMMANDS)
async def test_admin_commands_are_refused_to_members_and_change_nothing(
    chat: Chat, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    vinh = await chat.link("le-hong-vinh")  # Phó Trưởng Ban, director of many tasks: no admin
    with caplog.at_level(logging.WARNING, logger="handlers.access"):
        assert await chat.text(vinh, command) == texts.ADMIN_ONLY
    name = command.split()[0]
    assert [r.getMessage() for r in caplog.records] == [f"refused: admin only: {name}"]
    assert await _actions(chat.database) == []
    async with chat.database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Announcement)) == 0
        assert await session.scalar(select(func.count()).select_from(Agency)) == 21


async def test_add_a_task_then_assign_edit_and_unassign(chat: Chat, admin: str) -> None:
    added = await chat.text(admin, "/themnv II | Tổ chức hội nghị sơ kết | Quý III/2024 | Báo cáo")
    assert added.startswith("Đã thêm nhiệm vụ II.12: Tổ chức hội nghị sơ kết")
    assert (
        await chat.text(admin, "/giao II.12 chutri so noi vu")
        == "Đã giao chủ trì nhiệm vụ II.12: Sở Nội vụ."
    )
    assert (
        await chat.text(admin, "/giao II.12 chỉ đạo Lê Hồng Vinh")
        == "Đã giao chỉ đạo nhiệm vụ II.12: Đ/c Lê Hồng Vinh."
    )
    assert "đã được giao" in await chat.text(admin, "/giao II.12 chutri Sở Nội vụ")
    group = await chat.text(admin, "/giao II.12 chidao Các đồng chí Phó Chủ tịch UBND tỉnh")
    assert group == "Đã giao chỉ đạo nhiệm vụ II.12: Các đồng chí Phó Chủ tịch UBND tỉnh."
    edited = await chat.text(admin, "/suanv II.12 thoihan 15/08/2024")
    assert edited == (
        "Đã sửa thời gian hoàn thành của nhiệm vụ II.12: “Quý III/2024” → “15/08/2024”."
    )
    assert "không đọc được" in (await chat.text(admin, "/suanv II.12 thoihan sớm nhất")).lower()
    removed = await chat.text(admin, "/bogiao II.12 phối hợp Sở Nội vụ")
    assert removed == "Sở Nội vụ không được giao phối hợp nhiệm vụ II.12."
    vinh = await chat.link("le-hong-vinh")
    mine = await chat.text(vinh, "/nhiemvu")
    assert "II.12 · Tổ chức hội nghị sơ kết" in mine  # he directs it now
    detail = await chat.text(vinh, "/nhiemvu II.12")
    assert "Hạn: 15/08/2024" in detail and "Cơ quan thường trực giao: chủ trì Sở Nội vụ" in detail
    async with chat.database.transaction() as session:
        plan = await records.current_plan(session, 2024)
        assert plan is not None
        plan_id = plan.id
        tasks = await session.run_sync(lambda s: facts.whole_plan(s.connection(), plan_id))
    codes = [t.code for t in tasks]
    assert codes.index("II.12") == codes.index("II.11") + 1  # at the end of its section
    assert codes.index("III.1") == codes.index("II.12") + 1
    assert len({t.position for t in tasks}) == 43
    assert [a for a, _ in await _actions(chat.database)] == [
        "task_add", "assign", "assign", "assign", "task_edit",
    ]  # fmt: skip


async def test_add_a_task_checks_its_section_and_date(chat: Chat, admin: str) -> None:
    assert "không có mục V" in await chat.text(admin, "/themnv V | Việc | Quý I/2024")
    assert "Không đọc được" in await chat.text(admin, "/themnv I | Việc | khi nào xong")
    assert await chat.text(admin, "/themnv I | Việc") == texts.TASK_ADD_USAGE
    unknown = await chat.text(admin, "/giao I.5 chutri Sở Nội")
    assert unknown.startswith("Không có cơ quan “Sở Nội”.") and "Sở Nội vụ" in unknown


async def test_a_new_member_gets_a_code_that_joins_and_removal_cuts_access_at_once(
    chat: Chat, admin: str
) -> None:
    assert (await chat.text(admin, "/themcq Sở Tư pháp")).startswith("Đã thêm cơ quan Sở Tư pháp")
    assert "Đã có cơ quan" in await chat.text(admin, "/themcq so tu phap")
    added = await chat.text(admin, "/themtv Trần Thị Bình | Sở Tư pháp")
    code = added.split("/start ")[-1].strip()
    assert "Đã có thành viên" in await chat.text(admin, "/themtv Tran Thi Binh | Sở Tư pháp")
    joined = await chat.text("tg-new", f"/start {code}")
    assert joined.startswith("Xin chào đồng chí Trần Thị Bình")
    waiting = await chat.text(admin, "/chuathamgia")
    assert "Trần Thị Bình" not in waiting and "• Lê Hồng Vinh" in waiting
    assert (await chat.text("tg-new", "/nhiemvu")).startswith("Nhiệm vụ của đồng chí Trần Thị Bình")
    assert await chat.text(admin, "/xoatv Trần Thị Bình") == texts.MEMBER_REMOVED.format(
        name="Trần Thị Bình"
    )
    assert await chat.text("tg-new", "/nhiemvu") == texts.NOT_LINKED  # the very next message
    assert await chat.text(admin, "/xoatv Cán bộ Văn phòng") == texts.MEMBER_REMOVE_SELF
    actions = await _actions(chat.database)
    assert actions[-1] == ("member_remove", "Trần Thị Bình")


class FakeOutbox:
    channel = "telegram"

    def __init__(self, refuse: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.sent: list[tuple[str, str]] = []
        self.refuse = refuse

    async def deliver(self, chat_id: str, reply: Reply) -> str:
        if chat_id in self.refuse:
            raise PermanentFailure("Forbidden: bot was blocked by the user")
        self.sent.append((chat_id, reply.text))
        return str(len(self.sent))


class NoLimit:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *args: object) -> None:
        return None


async def test_an_announcement_reaches_every_linked_member_once(
    chat: Chat, admin: str, clock: FrozenClock
) -> None:
    linked = [await chat.link(k) for k in ("le-hong-vinh", "le-duc-cuong", "thai-thanh-quy")]
    queued = await chat.text(admin, "/thongbao Họp Ban Chỉ đạo lúc 14 giờ ngày 25/3")
    assert queued.startswith("Đã nhận thông báo; đang gửi tới 4 thành viên")
    assert "chưa liên kết" in queued
    outbox = FakeOutbox(refuse={"tg-thai-thanh-quy"})
    sender = AnnouncementSender(
        chat.database, clock, {"telegram": outbox}, NoLimit(), per_chat_seconds=0
    )
    assert await sender.run_once() == 4
    assert await sender.run_once() == 0  # nothing twice
    chats = sorted(c for c, _ in outbox.sent)
    assert chats == sorted([admin, *linked[:2]])
    text = outbox.sent[0][1]
    assert text.startswith("📢 THÔNG BÁO CỦA CƠ QUAN THƯỜNG TRỰC")
    assert "Họp Ban Chỉ đạo lúc 14 giờ ngày 25/3" in text and "— Cán bộ Văn phòng" in text
    async with chat.database.transaction() as session:
        states = sorted((await session.scalars(select(AnnouncementDelivery.state))).all())
        assert states == ["failed", "sent", "sent", "sent"]
        assert await session.scalar(select(Announcement.text)) is not None


async def test_an_announcement_in_flight_at_a_crash_is_sent_again_at_start(
    chat: Chat, admin: str, clock: FrozenClock
) -> None:
    await chat.link("le-hong-vinh")
    await chat.text(admin, "/thongbao Kiểm tra")
    async with chat.database.transaction(write=True) as session:
        for row in await session.scalars(select(AnnouncementDelivery)):
            row.state = "sending"  # as a process killed mid-send leaves them
    outbox = FakeOutbox()
    sender = AnnouncementSender(
        chat.database, clock, {"telegram": outbox}, NoLimit(), per_chat_seconds=0
    )
    await sender.start()
    try:
        for _ in range(100):
            if len(outbox.sent) == 2:
                break
            await asyncio.sleep(0.02)
    finally:
        await sender.stop()
    assert sorted(c for c, _ in outbox.sent) == sorted([admin, "tg-le-hong-vinh"])


class HeldOutbox(FakeOutbox):
    """Delivers only once released: a batch in flight for as long as the test wants."""

    def __init__(self) -> None:
        super().__init__()
        self.called = asyncio.Event()
        self.release = asyncio.Event()

    async def deliver(self, chat_id: str, reply: Reply) -> str:
        self.called.set()
        await self.release.wait()
        return await super().deliver(chat_id, reply)


async def _delivery_states(database: Database) -> list[str]:
    async with database.transaction() as session:
        return sorted((await session.scalars(select(AnnouncementDelivery.state))).all())


async def test_stopping_lets_the_batch_in_flight_finish_and_record(
    chat: Chat, admin: str, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    await chat.link("le-hong-vinh")
    await chat.text(admin, "/thongbao Kiểm tra")
    outbox = HeldOutbox()
    sender = AnnouncementSender(
        chat.database, clock, {"telegram": outbox}, NoLimit(), per_chat_seconds=0
    )
    await sender.start()
    await asyncio.wait_for(outbox.called.wait(), 5)
    stopping = asyncio.create_task(sender.stop())
    await asyncio.sleep(0.05)
    assert not stopping.done()  # waits for the batch
    outbox.release.set()
    with caplog.at_level(logging.ERROR):
        await asyncio.wait_for(stopping, 5)
    assert sorted(c for c, _ in outbox.sent) == sorted([admin, "tg-le-hong-vinh"])
    assert await _delivery_states(chat.database) == ["sent", "sent"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_stop_that_outlasts_its_grace_leaves_the_batch_to_be_sent_again(
    chat: Chat, admin: str, clock: FrozenClock
) -> None:
    await chat.link("le-hong-vinh")
    await chat.text(admin, "/thongbao Kiểm tra")
    outbox = HeldOutbox()  # never released: a Bot API that hangs
    sender = AnnouncementSender(
        chat.database, clock, {"telegram": outbox}, NoLimit(), per_chat_seconds=0
    )
    await sender.start()
    await asyncio.wait_for(outbox.called.wait(), 5)
    await asyncio.wait_for(sender.stop(grace=0.1), 5)
    assert await _delivery_states(chat.database) == ["sending", "sending"]  # resent at start


async def test_stopping_an_idle_sender_is_prompt(chat: Chat, clock: FrozenClock) -> None:
    sender = AnnouncementSender(
        chat.database, clock, {"telegram": FakeOutbox()}, NoLimit(), per_chat_seconds=0
    )
    await sender.start()
    await asyncio.sleep(0.05)
    await asyncio.wait_for(sender.stop(), 2)


async def test_members_view_the_current_plan_unless_they_choose_another(
    chat: Chat, admin: str
) -> None:
    async with chat.database.transaction(write=True) as session:
        session.add(
            Plan(year=2025, code="05/KH-BCĐ", title="Kế hoạch 2025", issued_on=date(2025, 1, 20))
        )
    vinh = await chat.link("le-hong-vinh")
    listing = await chat.text(vinh, "/kehoach")
    assert (
        "• 2024: Kế hoạch 02/KH-BCĐ ← đang xem" in listing
        and "• 2025: Kế hoạch 05/KH-BCĐ" in listing
    )
    assert (await chat.text(vinh, "/kehoach 2025")).startswith(
        "Đồng chí đang xem Kế hoạch 05/KH-BCĐ"
    )
    # The 2025 plan has no tasks yet: the list under its heading is empty, not the 2024 tasks.
    chosen = await chat.text(vinh, "/nhiemvu")
    assert "05/KH-BCĐ" in chosen
    assert texts.MY_TASKS_NONE.format(plan="05/KH-BCĐ") in chosen
    assert "I.1" not in chosen and "02/KH-BCĐ" not in chosen
    assert "Không có kế hoạch năm 2030" in await chat.text(vinh, "/kehoach 2030")
    assert (await chat.text(vinh, "/kehoach hientai")).startswith("Đã trở lại kế hoạch hiện hành")
    assert "02/KH-BCĐ" in await chat.text(vinh, "/nhiemvu")
    async with chat.database.transaction() as session:
        member = await session.scalar(select(Member).where(Member.key == "le-hong-vinh"))
        assert member is not None and member.plan_year is None


async def test_the_audit_trail_lists_admin_actions_newest_first(chat: Chat, admin: str) -> None:
    await chat.text(admin, "/giahan I.5 30/04/2024 chờ chỉ số")
    await chat.text(admin, "/moi Lê Hồng Vinh")
    audit = await chat.text(admin, "/nhatky")
    lines = audit.splitlines()
    assert lines[0] == texts.AUDIT_TITLE
    assert "Cán bộ Văn phòng: tạo mã mời cho Lê Hồng Vinh" in lines[1]
    assert "gia hạn I.5 — 31/03/2024 → 30/04/2024: chờ chỉ số" in lines[2]
