"""Coordination input (issue 20): a coordinating agency's officer marks its input as sent ("đã
gửi ý kiến", with its document) by command, reply or tap; the lead and the office see who has
and who has not; the 7-day coordination request is not sent to an agency that has sent it.
Through the real stack: the ledger, PTB against the local Bot API server."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from chat import texts
from db.models import Agency, StatusChange
from tests.bot.test_telegram import button
from tests.conftest import local
from tests.scheduler.test_reminders import Stack

KHDT, VP, LEAD, OFFICE = 2201, 2202, 2203, 2204


def _about(stack: Stack, user: int, code: str) -> list[str]:
    return [m.text or "" for m in stack.api.messages_to(user) if f"· {code}\n" in (m.text or "")]


async def test_input_sent_is_recorded_shown_and_stops_the_coordination_request(
    stack: Stack,
) -> None:
    # I.10: Sở Nội vụ leads; "Các sở, ban, ngành" and "UBND các huyện" coordinate; due 30/09,
    # so the coordination request goes out on 23/09 at 08:00.
    stack.clock.instant = local("2024-09-20 09:00")
    await stack.link("can-bo-khdt", KHDT, agency="so-ke-hoach-dau-tu")
    await stack.link("can-bo-vp", VP, agency="van-phong-ubnd-tinh")
    await stack.link("can-bo-snv", LEAD, agency="so-noi-vu")
    await stack.link("can-bo-thuong-truc", OFFICE, admin=True)

    stack.api.push_message(KHDT, "/capnhat I.10 đã gửi ý kiến Công văn số 45/SKHĐT-TH")
    (answer,) = await stack.api.wait_sent(KHDT, 1)
    assert answer.text == (
        "Đã ghi nhận: Sở Kế hoạch và Đầu tư đã gửi ý kiến phối hợp cho nhiệm vụ I.10.\n"
        "Văn bản: Công văn số 45/SKHĐT-TH"
    )
    # The lead agency may not claim an input: it is not a coordinating agency.
    stack.api.push_message(LEAD, "/capnhat I.10 đã gửi ý kiến")
    (refused,) = await stack.api.wait_sent(LEAD, 1)
    assert refused.text is not None and refused.text.startswith("Chỉ cơ quan phối hợp")

    stack.clock.instant = local("2024-09-23 08:00")
    await stack.service().run_due()
    assert _about(stack, KHDT, "I.10") == []  # sent its input: not asked again
    (request,) = [m for m in stack.api.messages_to(VP) if "· I.10\n" in (m.text or "")]
    assert request.text is not None and "Đề nghị cơ quan phối hợp gửi ý kiến" in request.text

    # Văn phòng UBND tỉnh taps "Đã gửi ý kiến" on the request.
    stack.clock.advance(timedelta(minutes=10))
    sent = len(stack.api.messages_to(VP))
    stack.api.push_callback(VP, request.message_id, button(request, texts.ACTION_INPUT_SENT))
    tapped = (await stack.api.wait_sent(VP, sent + 1))[-1]
    assert tapped.text is not None and tapped.text.startswith(
        "Đã ghi nhận: Văn phòng UBND tỉnh đã gửi ý kiến phối hợp cho nhiệm vụ I.10."
    )
    async with stack.database.transaction() as session:
        inputs = (
            await session.execute(
                select(Agency.name, StatusChange.reference)
                .join(Agency, Agency.id == StatusChange.agency_id)
                .where(StatusChange.kind == "input")
                .order_by(StatusChange.id)
            )
        ).all()
    assert [tuple(row) for row in inputs] == [
        ("Sở Kế hoạch và Đầu tư", "Công văn số 45/SKHĐT-TH"),
        ("Văn phòng UBND tỉnh", None),
    ]

    # The lead and the office see who has sent and who has not, in the task's detail.
    for user in (LEAD, OFFICE):
        count = len(stack.api.messages_to(user))
        stack.api.push_message(user, "/nhiemvu I.10")
        detail = (await stack.api.wait_sent(user, count + 1))[-1].text or ""
        assert (
            "Đã gửi ý kiến phối hợp (2): Văn phòng UBND tỉnh (23/09/2024), "
            "Sở Kế hoạch và Đầu tư (20/09/2024 · Công văn số 45/SKHĐT-TH)"
        ) in detail or (
            "Đã gửi ý kiến phối hợp (2): Sở Kế hoạch và Đầu tư (20/09/2024 · Công văn số "
            "45/SKHĐT-TH), Văn phòng UBND tỉnh (23/09/2024)"
        ) in detail
        missing = next(line for line in detail.split("\n") if line.startswith("Chưa gửi ý kiến"))
        assert "Sở Nội vụ" not in missing  # the lead sends no input
        assert "Sở Kế hoạch và Đầu tư" not in missing and "Văn phòng UBND tỉnh" not in missing
        assert "Sở Thông tin và Truyền thông" in missing


async def test_a_reply_to_the_request_records_the_input(stack: Stack) -> None:
    stack.clock.instant = local("2024-09-23 08:00")
    await stack.link("can-bo-vp", VP, agency="van-phong-ubnd-tinh")
    await stack.service().run_due()
    (request,) = [m for m in stack.api.messages_to(VP) if "· I.10\n" in (m.text or "")]
    sent = len(stack.api.messages_to(VP))
    stack.api.push_message(VP, "đã gửi ý kiến, CV 99/VP", reply_to=request.message_id)
    answer = (await stack.api.wait_sent(VP, sent + 1))[-1]
    assert answer.text == (
        "Đã ghi nhận: Văn phòng UBND tỉnh đã gửi ý kiến phối hợp cho nhiệm vụ I.10.\n"
        "Văn bản: CV 99/VP"
    )


async def test_a_part_done_is_not_reminded_and_a_reminder_speaks_of_the_own_part(
    stack: Stack,
) -> None:
    """III.3 (lead: "Các sở, ban, ngành", "UBND các huyện"; due 31/12): Sở Kế hoạch và Đầu tư
    has done its part and is not reminded; Văn phòng UBND tỉnh is, about its own part."""
    stack.clock.instant = local("2024-12-20 09:00")
    await stack.link("can-bo-khdt", KHDT, agency="so-ke-hoach-dau-tu")
    await stack.link("can-bo-vp", VP, agency="van-phong-ubnd-tinh")
    stack.api.push_message(KHDT, "/capnhat III.3 hoàn thành")
    (done,) = await stack.api.wait_sent(KHDT, 1)
    assert done.text is not None and "Phần việc của Sở Kế hoạch và Đầu tư · 1/" in done.text
    stack.clock.instant = local("2024-12-24 08:00")
    await stack.service().run_due()
    assert _about(stack, KHDT, "III.3") == []
    (reminder,) = _about(stack, VP, "III.3")
    assert "Phần việc của Văn phòng UBND tỉnh: ⚪ Chưa triển khai" in reminder


async def test_the_digest_lists_the_officers_own_part(stack: Stack) -> None:
    """Monday 02/12: III.3–III.6 fall due on 31/12. Sở Kế hoạch và Đầu tư has done its part of
    III.3: its officer's digest no longer lists III.3, but still lists III.4."""
    stack.clock.instant = local("2024-11-29 09:00")
    await stack.link("can-bo-khdt", KHDT, agency="so-ke-hoach-dau-tu")
    stack.api.push_message(KHDT, "/capnhat III.3 hoàn thành")
    await stack.api.wait_sent(KHDT, 1)
    stack.clock.instant = local("2024-12-02 08:00")  # Monday
    await stack.service().run_due()
    digest = next(
        m.text or "" for m in stack.api.messages_to(KHDT) if (m.text or "").startswith("📅")
    )
    assert "• III.4 · " in digest and "• III.3 · " not in digest


async def test_a_snoozed_request_is_not_repeated_once_the_input_is_sent(stack: Stack) -> None:
    """Both coordinating officers ask for the request again tomorrow; one sends the input in
    the meantime: only the other is asked again."""
    stack.clock.instant = local("2024-09-23 08:00")
    await stack.link("can-bo-khdt", KHDT, agency="so-ke-hoach-dau-tu")
    await stack.link("can-bo-vp", VP, agency="van-phong-ubnd-tinh")
    await stack.service().run_due()
    stack.clock.advance(timedelta(minutes=5))
    for user in (KHDT, VP):
        (request,) = [m for m in stack.api.messages_to(user) if "· I.10\n" in (m.text or "")]
        edits = len(stack.api.calls_of("editMessageText"))
        stack.api.push_callback(
            user, request.message_id, button(request, texts.ACTION_SNOOZE["mai"])
        )
        await stack.api.wait_calls("editMessageText", edits + 1)
    stack.api.push_message(VP, "/capnhat I.10 đã gửi ý kiến CV 12/VP")
    await stack.api.wait_sent(VP, 3)
    stack.clock.instant = local("2024-09-24 08:00")
    assert await stack.service().run_due() == 1
    again = [m.text or "" for m in stack.api.messages_to(KHDT)]
    assert again[-1].startswith("⏰ Nhắc lại · I.10")
    assert not any(
        t.startswith("⏰ Nhắc lại") for t in (m.text or "" for m in stack.api.messages_to(VP))
    )
    assert ("snoozed", "skipped", "24/09 08:00") in await stack.ledger()
