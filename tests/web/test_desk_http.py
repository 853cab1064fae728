"""The web desk over plain HTTP (httpx on the ASGI app, a real database): access, slices,
headers, filters, unknown pages, escaping, the as-of day, and many pages at once."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date, timedelta

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select, update

from db.models import Acknowledgement, Extension, Member, Milestone, Reminder, StatusChange, Task
from db.session import Database
from domain.clock import FrozenClock
from handlers.engine import Engine
from tests.conftest import ZONE, Chat, local
from tests.web.desk import BASE, client, counts, link_for, sign_in, task_codes
from web.app import COOKIE, Desk
from web.fingerprint import FingerprintCache

DATA_PAGES = (
    "/",
    "/theo-muc",
    "/theo-lanh-dao",
    "/theo-co-quan",
    "/nhiem-vu",
    "/nhiem-vu/I.1",
    "/bieu-do.png",
    "/bao-cao.xlsx",
)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(local("2024-09-27 08:00"))


@pytest.fixture
def desk(seeded: Database, clock: FrozenClock) -> Desk:
    return Desk(seeded, clock, ZONE, BASE)


async def test_without_a_session_no_page_shows_data(desk: Desk) -> None:
    async with client(desk) as browser:
        for path in DATA_PAGES:
            page = await browser.get(path)
            assert page.status_code == 401, path
            assert "Cần đăng nhập" in page.text and "/web" in page.text
            assert "I.1" not in page.text and "Sở Nội vụ" not in page.text


async def test_a_forged_or_ended_session_cookie_is_refused(desk: Desk, seeded: Database) -> None:
    async with client(desk) as browser:
        browser.cookies.set(COOKIE, "x" * 43)
        assert (await browser.get("/")).status_code == 401
        browser.cookies.set(COOKIE, "y" * 5000)  # too long to be ours: refused before hashing
        assert (await browser.get("/")).status_code == 401
        browser.cookies.clear()
        real = await sign_in(browser, seeded, "thai-thanh-quy", desk.clock.now())
        assert (await browser.get("/")).status_code == 200
        signed_out = await browser.post("/dang-xuat")
        assert signed_out.status_code == 303 and signed_out.headers["location"] == "/da-dang-xuat"
        assert COOKIE not in browser.cookies
        browser.cookies.set(COOKIE, real)  # the old cookie, kept by someone: dead
        assert (await browser.get("/")).status_code == 401


async def test_a_link_signs_in_once_and_expires_after_15_minutes(
    desk: Desk, seeded: Database, clock: FrozenClock
) -> None:
    async with client(desk) as browser:
        token = await link_for(seeded, "thai-thanh-quy", clock.now())
        page = await browser.get(f"/dang-nhap/{token}")
        assert page.status_code == 200 and "Thái Thanh Quý" in page.text
        assert COOKIE not in browser.cookies  # showing the page (a link preview) uses nothing
        first = await browser.post("/dang-nhap", data={"token": token})
        assert first.status_code == 303
        cookie = first.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=28800" in cookie
        assert "Secure" not in cookie  # plain http base URL
        again = await browser.post("/dang-nhap", data={"token": token})
        assert again.status_code == 410 and "đã được dùng hoặc đã hết hạn" in again.text
        assert (await browser.get(f"/dang-nhap/{token}")).status_code == 410
        late = await link_for(seeded, "thai-thanh-quy", clock.now())
        clock.advance(timedelta(minutes=15, seconds=1))
        assert (await browser.get(f"/dang-nhap/{late}")).status_code == 410
        assert (await browser.post("/dang-nhap", data={"token": late})).status_code == 410
        assert (await browser.post("/dang-nhap", data={"token": "bogus"})).status_code == 410


async def test_the_session_lasts_8_hours(desk: Desk, seeded: Database, clock: FrozenClock) -> None:
    async with client(desk) as browser:
        await sign_in(browser, seeded, "thai-thanh-quy", clock.now())
        clock.advance(timedelta(hours=7, minutes=59))
        assert (await browser.get("/")).status_code == 200
        clock.advance(timedelta(minutes=2))
        assert (await browser.get("/")).status_code == 401


async def test_the_cookie_is_secure_behind_https(seeded: Database, clock: FrozenClock) -> None:
    desk = Desk(seeded, clock, ZONE, "https://desk.example.vn")
    transport = httpx.ASGITransport(app=__import__("web.app").app.create_app(desk))
    async with httpx.AsyncClient(transport=transport, base_url="https://desk.example.vn") as b:
        token = await link_for(seeded, "thai-thanh-quy", clock.now())
        answer = await b.post("/dang-nhap", data={"token": token})
        assert answer.status_code == 303 and "Secure" in answer.headers["set-cookie"]


async def test_a_sign_in_posted_from_another_site_is_refused(desk: Desk, seeded: Database) -> None:
    async with client(desk) as browser:
        token = await link_for(seeded, "thai-thanh-quy", desk.clock.now())
        forged = await browser.post(
            "/dang-nhap", data={"token": token}, headers={"sec-fetch-site": "cross-site"}
        )
        assert forged.status_code == 403 and COOKIE not in browser.cookies
        other = await browser.post(
            "/dang-nhap", data={"token": token}, headers={"origin": "https://evil.example"}
        )
        assert other.status_code == 403
        ok = await browser.post("/dang-nhap", data={"token": token}, headers={"origin": BASE})
        assert ok.status_code == 303  # the refused attempts did not use the link up


async def test_a_member_sees_their_slice_and_may_open_any_task(
    desk: Desk, seeded: Database
) -> None:
    async with client(desk) as leader, client(desk) as member:
        await sign_in(leader, seeded, "thai-thanh-quy", desk.clock.now())
        await sign_in(member, seeded, "le-duc-cuong", desk.clock.now())
        whole = await leader.get("/nhiem-vu")
        assert "42 nhiệm vụ" in whole.text and "Toàn bộ kế hoạch" in whole.text
        mine = await member.get("/nhiem-vu")
        codes = set(task_codes(mine.text))
        assert codes and codes < set(task_codes(whole.text))
        assert "Lê Đức Cường" in mine.text
        other = sorted(set(task_codes(whole.text)) - codes)[0]
        overview = await member.get("/")
        assert sum(
            counts(overview.text)[c]
            for c in ("done_on_time", "done_late", "on_track", "overdue", "no_deadline")
        ) == len(codes)
        # Any task page, as /nhiemvu <code> in the chat; but another member's slice is not a list.
        assert (await member.get(f"/nhiem-vu/{other}")).status_code == 200
        someone_else = await member.get("/nhiem-vu", params={"coquan": "Sở Tư pháp"})
        assert someone_else.status_code == 400
        assert "không có cơ quan “Sở Tư pháp” trong phạm vi đang xem" in someone_else.text


async def test_security_headers_on_every_answer(desk: Desk, seeded: Database) -> None:
    async with client(desk) as browser:
        await sign_in(browser, seeded, "thai-thanh-quy", desk.clock.now())
        for path in (*DATA_PAGES, "/khong-co", "/static/desk.css", "/da-dang-xuat"):
            answer = await browser.get(path)
            csp = answer.headers["content-security-policy"]
            assert "unsafe-inline" not in csp and "default-src 'none'" in csp, path
            assert "script-src" not in csp  # no script at all
            assert answer.headers["x-frame-options"] == "DENY"
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert answer.headers["referrer-policy"] == "no-referrer"
            if path.startswith("/static/"):
                assert "no-store" not in answer.headers["cache-control"]
            else:
                assert answer.headers["cache-control"] == "no-store", path
        page = await browser.get("/")
        assert '<html lang="vi">' in page.text
        assert (
            "<script" not in page.text and "style=" not in page.text and "<style" not in page.text
        )


async def test_unknown_pages_bad_filters_and_unknown_tasks_say_so(
    desk: Desk, seeded: Database
) -> None:
    async with client(desk) as browser:
        await sign_in(browser, seeded, "thai-thanh-quy", desk.clock.now())
        cases = {
            "/khong-co": (404, "Không có trang này"),
            "/nhiem-vu/IX.99": (404, "Không tìm thấy nhiệm vụ “IX.99” trong kế hoạch 02/KH-BCĐ"),
            "/nhiem-vu/%3Cb%3E": (404, "Không tìm thấy nhiệm vụ “&lt;b&gt;”"),
            "/nhiem-vu?loai=xyz": (400, "không có phân loại “xyz”"),
            "/nhiem-vu?muc=IX": (400, "không có mục “IX”"),
            "/nhiem-vu?lanhdao=Ai+%C4%91%C3%B3": (400, "không có lãnh đạo “Ai đó”"),
            "/?ngay=31/02/2024": (400, "ngày “31/02/2024” không đúng"),
            "/?ngay=2030-01-01": (400, "ngày 01/01/2030 chưa đến"),
            "/nhiem-vu?trang=99": (400, "số trang “99” không đúng"),
        }
        for path, (status, text) in cases.items():
            answer = await browser.get(path)
            assert answer.status_code == status, path
            assert text in answer.text, (path, answer.text)
            assert '<html lang="vi">' in answer.text
        assert (await browser.post("/")).status_code == 405  # nothing to change here


async def test_every_string_is_escaped(desk: Desk, seeded: Database) -> None:
    async with seeded.transaction(write=True) as session:
        await session.execute(
            update(Task)
            .where(Task.code == "I.3")
            .values(content='<script>alert("x")</script> & co')
        )
    async with client(desk) as browser:
        await sign_in(browser, seeded, "thai-thanh-quy", desk.clock.now())
        for path in ("/nhiem-vu", "/nhiem-vu/I.3", "/"):
            page = await browser.get(path)
            assert "<script>" not in page.text, path
        detail = await browser.get("/nhiem-vu/I.3")
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in detail.text


async def test_the_overview_counts_are_the_chats_baocao(
    desk: Desk, seeded: Database, clock: FrozenClock
) -> None:
    chat = Chat(seeded, Engine(seeded, clock, ZONE))
    quy = await chat.link("thai-thanh-quy")
    await chat.say(quy, "/capnhat I.1 hoàn thành Kế hoạch số 02/KH-BCĐ")  # done late
    text = await chat.text(quy, "/baocao")
    async with client(desk) as browser:
        await sign_in(browser, seeded, "thai-thanh-quy", clock.now())
        found = counts((await browser.get("/")).text)
    for category, label in (
        ("done_on_time", "Hoàn thành đúng hạn"),
        ("done_late", "Hoàn thành quá hạn"),
        ("on_track", "Đang thực hiện trong hạn"),
        ("overdue", "Quá hạn chưa hoàn thành"),
        ("no_deadline", "Không có thời hạn"),
    ):
        match = re.search(rf"• {label}: (\d+) ", text)
        assert match is not None, label
        assert found[category] == int(match[1]), category
    assert found["done_late"] == 1 and found["all"] == 42


async def test_the_overview_links_each_count_to_its_tasks(desk: Desk, seeded: Database) -> None:
    async with client(desk) as browser:
        await sign_in(browser, seeded, "thai-thanh-quy", desk.clock.now())
        overview = (await browser.get("/")).text
        found = counts(overview)
        listed = await browser.get("/nhiem-vu", params={"loai": "overdue"})
        assert len(task_codes(listed.text)) == found["overdue"] > 0
        assert f"{found['overdue']} nhiệm vụ" in listed.text
        by_section = await browser.get("/nhiem-vu", params={"muc": "III", "loai": "on_track"})
        assert by_section.status_code == 200
        assert all(code.startswith("III.") for code in task_codes(by_section.text))


async def test_as_of_a_past_day_the_later_history_is_left_out(
    desk: Desk, seeded: Database, clock: FrozenClock
) -> None:
    chat = Chat(seeded, Engine(seeded, clock, ZONE))
    office = await chat.add_member(
        "van-phong", "Cán bộ Văn phòng", agencies=("so-noi-vu",), admin=True
    )
    await chat.say(office, "/capnhat III.1 hoàn thành")  # on 27/09
    async with client(desk) as browser:
        await sign_in(browser, seeded, "thai-thanh-quy", clock.now())
        today = counts((await browser.get("/")).text)
        before = counts((await browser.get("/", params={"ngay": "2024-09-26"})).text)
        assert today["done_on_time"] == before["done_on_time"] + 1
        task = await browser.get("/nhiem-vu/III.1", params={"ngay": "26/09/2024"})
        assert "Số liệu đến ngày 26/09/2024" in task.text and "Chưa có cập nhật nào." in task.text
        assert "Chưa có cập nhật nào." not in (await browser.get("/nhiem-vu/III.1")).text
        early = counts((await browser.get("/", params={"ngay": "2024-01-15"})).text)
        assert early["overdue"] == 0  # nothing was due yet in mid-January


async def test_the_excel_download_is_the_persons_report(desk: Desk, seeded: Database) -> None:
    async with client(desk) as browser:
        await sign_in(browser, seeded, "le-duc-cuong", desk.clock.now())
        answer = await browser.get("/bao-cao.xlsx")
        assert answer.status_code == 200
        assert "attachment" in answer.headers["content-disposition"]
        workbook = load_workbook(io.BytesIO(answer.content))
        # the plan, the summary, and (issue 20) the parts of his collective tasks
        assert workbook.sheetnames[:2] == ["Kế hoạch 2024", "Tổng hợp"]
        assert len(workbook.sheetnames) <= 3
        mine = len(task_codes((await browser.get("/nhiem-vu")).text))
        text = "\n".join(
            str(c.value) for row in workbook.worksheets[0].iter_rows() for c in row if c.value
        )
        assert "Lê Đức Cường" in text or mine < 42


async def test_100_pages_at_once_all_answer(desk: Desk, seeded: Database) -> None:
    async with client(desk) as browser:
        await sign_in(browser, seeded, "thai-thanh-quy", desk.clock.now())
        paths = ["/", "/nhiem-vu", "/theo-muc", "/nhiem-vu/I.5", "/theo-co-quan"] * 20
        answers = await asyncio.wait_for(
            asyncio.gather(*(browser.get(p) for p in paths)), timeout=120
        )
    assert [a.status_code for a in answers] == [200] * 100
    assert all(
        "Tổng số" in a.text or "Nhiệm vụ I.5" in a.text or "nhiệm vụ" in a.text for a in answers
    )


async def test_web_in_chat_gives_a_link_that_signs_in(
    desk: Desk, seeded: Database, clock: FrozenClock
) -> None:
    engine = Engine(seeded, clock, ZONE)
    engine.web_base_url = BASE
    chat = Chat(seeded, engine)
    cuong = await chat.link("le-duc-cuong")
    text = await chat.text(cuong, "/web")
    assert "15 phút" in text and "một lần" in text
    url = text.strip().splitlines()[-1]
    assert url.startswith(f"{BASE}/dang-nhap/")
    token = url.rsplit("/", 1)[1]
    async with client(desk) as browser:
        assert (await browser.post("/dang-nhap", data={"token": token})).status_code == 303
        assert "Lê Đức Cường" in (await browser.get("/")).text
    off = Chat(seeded, Engine(seeded, clock, ZONE))
    assert "chưa được bật" in await off.text(cuong, "/web")
    assert "/web" in await chat.text(cuong, "/trogiup")


ASK = "/xingiahan III.5 31/03/2025 chờ <b>hướng dẫn</b> & “Bộ Nội vụ”"


async def test_the_overview_lists_pending_extension_requests_within_the_slice(
    desk: Desk, seeded: Database, clock: FrozenClock
) -> None:
    chat = Chat(seeded, Engine(seeded, clock, ZONE))
    vinh = await chat.link("le-hong-vinh")
    (sent,) = await chat.say(vinh, ASK)
    number = int(sent.text.split("yêu cầu gia hạn số ", 1)[1].split(" ", 1)[0])
    row = (
        f'<td class="num">{number}</td>\n'
        '      <td><a href="/nhiem-vu/III.5">III.5</a></td>\n'
        "      <td>{label}</td>\n"
        "      <td>31/03/2025</td>\n"
        "      <td>Lê Hồng Vinh</td>\n"
        "      <td>chờ &lt;b&gt;hướng dẫn&lt;/b&gt; &amp; “Bộ Nội vụ”</td>"
    )
    async with client(desk) as leader, client(desk) as member, client(desk) as asker:
        await sign_in(leader, seeded, "thai-thanh-quy", clock.now())
        await sign_in(member, seeded, "le-duc-cuong", clock.now())
        await sign_in(asker, seeded, "le-hong-vinh", clock.now())
        whole = (await leader.get("/")).text
        assert "Đề nghị gia hạn chờ duyệt (1)" in whole
        label = re.search(rf'<td class="num">{number}</td>\n.*\n      <td>([^<]*)</td>', whole)
        assert label is not None and row.format(label=label[1]) in whole
        assert "<b>hướng dẫn</b>" not in whole
        own = (await asker.get("/")).text  # III.5 is in Lê Hồng Vinh's slice
        assert row.format(label=label[1]) in own
        assert "III.5" not in task_codes((await member.get("/nhiem-vu")).text)
        other = (await member.get("/")).text  # not in Lê Đức Cường's slice: not shown
        assert "Đề nghị gia hạn chờ duyệt (0)" in other
        assert "Không có đề nghị gia hạn nào chờ duyệt." in other and "hướng dẫn" not in other
        before = (await leader.get("/", params={"ngay": "2024-09-26"})).text
        assert "Đề nghị gia hạn chờ duyệt (0)" in before  # asked on 27/09
    admin = await chat.add_member("van-phong", "Cán bộ Văn phòng", admin=True)  # approves
    await chat.say(admin, f"/duyet {number}")
    async with client(desk) as leader:
        await sign_in(leader, seeded, "thai-thanh-quy", clock.now())
        assert "Đề nghị gia hạn chờ duyệt (0)" in (await leader.get("/")).text


async def test_the_overview_counts_last_weeks_unacknowledged_reminders_by_agency(
    desk: Desk, seeded: Database, clock: FrozenClock
) -> None:
    """Reminders sent in the 7 days before today and never acknowledged, by the recipient's
    agency; an acknowledged one, an older one, today's and a digest are not counted. The
    leadership sees the table; a member does not."""
    chat = Chat(seeded, Engine(seeded, clock, ZONE))
    await chat.add_member("can-bo-a", "Cán bộ A", agencies=("so-noi-vu",))
    await chat.add_member("can-bo-b", "Cán bộ B", agencies=("so-noi-vu",))
    await chat.add_member("can-bo-c", "Cán bộ C")
    now = clock.now()
    sent = [
        ("can-bo-a", "deadline", now - timedelta(days=2)),
        ("can-bo-b", "deadline", now - timedelta(days=6)),
        ("can-bo-c", "overdue", now - timedelta(days=1)),
        ("can-bo-a", "deadline", now - timedelta(days=3)),  # acknowledged below
        ("can-bo-a", "deadline", now - timedelta(days=9)),  # more than 7 days ago
        ("can-bo-b", "deadline", now - timedelta(hours=1)),  # today's: counted from tomorrow
        ("can-bo-c", "digest", now - timedelta(days=1)),  # not a reminder to acknowledge
    ]
    async with seeded.transaction(write=True) as session:
        ids = {
            k: await session.scalar(select(Member.id).where(Member.key == k)) for k, _, _ in sent
        }
        rows = [
            Reminder(
                member_id=ids[k], kind=kind, planned_at=at, state="sent", updated_at=at, sent_at=at
            )
            for k, kind, at in sent
        ]
        session.add_all(rows)
        await session.flush()
        session.add(
            Acknowledgement(
                member_id=ids["can-bo-a"],
                reminder_id=rows[3].id,
                reminder_key=rows[3].id,
                channel="telegram",
                account="tg-can-bo-a",
                at=now,
            )
        )
    async with client(desk) as leader, client(desk) as member:
        await sign_in(leader, seeded, "thai-thanh-quy", now)
        await sign_in(member, seeded, "le-duc-cuong", now)
        page = (await leader.get("/")).text
        assert "Nhắc việc chưa xác nhận “Đã nhận” trong 7 ngày qua, theo cơ quan" in page
        table = page.split('id="unacknowledged"', 1)[1].split("</tbody>", 1)[0]
        assert re.findall(r"<tr><td>([^<]*)</td><td class=\"num\">(\d+)</td></tr>", table) == [
            ("Sở Nội vụ", "2"),
            ("Chưa gắn cơ quan", "1"),
        ]
        assert "Nhắc việc chưa xác nhận" not in (await member.get("/")).text
        week_before = (await leader.get("/", params={"ngay": "2024-09-18"})).text
        assert "Mọi nhắc việc trong 7 ngày qua đã được xác nhận “Đã nhận”." in week_before


async def test_the_cached_verdicts_follow_every_change_of_the_plan(
    desk: Desk, seeded: Database, clock: FrozenClock
) -> None:
    """The whole plan's verdicts are kept under the plan's fingerprint: a new status change, a
    milestone's date edited in place, an extension, a deleted change, a task moved out of the
    plan and a new day each show at once; an unchanged plan is answered from the cache. When
    the plan moved, the tasks whose own inputs did not keep their verdicts (web.verdict_memo)."""
    async with client(desk) as browser:
        await sign_in(browser, seeded, "thai-thanh-quy", clock.now())

        async def seen() -> dict[str, int]:
            return counts((await browser.get("/")).text)

        first = await seen()
        assert await seen() == first
        assert len(desk.verdicts) == 1  # one plan, one day: one entry, reused
        assert len(desk.task_verdicts) == first["all"]  # each task's verdict, with its inputs
        chat = Chat(seeded, Engine(seeded, clock, ZONE))
        office = await chat.add_member("van-phong", "Cán bộ Văn phòng", admin=True)
        await chat.say(office, "/capnhat III.1 hoàn thành")
        done = await seen()
        assert done["done_on_time"] == first["done_on_time"] + 1
        async with seeded.transaction(write=True) as session:
            task_id = await session.scalar(select(Task.id).where(Task.code == "III.1"))
            await session.execute(delete(StatusChange).where(StatusChange.task_id == task_id))
        assert await seen() == first
        async with seeded.transaction(write=True) as session:
            on_track = await session.scalar(
                select(Milestone.task_id)
                .group_by(Milestone.task_id)
                .having(func.min(Milestone.due_on) > clock.now().date())
                .order_by(Milestone.task_id)
                .limit(1)
            )
            milestones = (
                await session.scalars(select(Milestone).where(Milestone.task_id == on_track))
            ).all()
            dues = {m.id: m.due_on for m in milestones}
            for m in milestones:
                m.due_on = date(2024, 9, 1)  # edited in place: no new row, no new id
            milestone = milestones[0]
        moved = await seen()
        assert moved["overdue"] == first["overdue"] + 1 and moved["all"] == first["all"]
        async with seeded.transaction(write=True) as session:
            session.add(
                Extension(
                    milestone_id=milestone.id,
                    new_due=date(2024, 12, 20),
                    reason="x",
                    at=clock.now(),
                )
            )
        assert ", gia hạn đến 20/12/2024" in (await browser.get("/")).text
        async with seeded.transaction(write=True) as session:
            for milestone_id, due in dues.items():
                await session.execute(
                    update(Milestone).where(Milestone.id == milestone_id).values(due_on=due)
                )
        assert await seen() == first
        clock.instant = clock.instant + timedelta(days=60)
        await sign_in(browser, seeded, "thai-thanh-quy", clock.now())  # the session expired
        later = await seen()
        assert later["overdue"] > first["overdue"]


def test_the_fingerprint_cache_answers_only_for_the_same_fingerprint() -> None:
    cache = FingerprintCache(size=2)
    cache.put("a", (1, 2), "A")
    assert cache.get("a", (1, 2)) == "A"
    assert cache.get("a", (1, 3)) is None  # the plan changed: recomputed, never stale
    cache.put("b", (1, 2), "B")
    cache.get("a", (1, 2))
    cache.put("c", (1, 2), "C")  # the least recently used ("b") goes
    assert cache.get("b", (1, 2)) is None and cache.get("a", (1, 2)) == "A"
    assert len(cache) == 2
