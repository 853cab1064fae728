"""Bad input, property-based: the parser and the engine take any text — arbitrary Unicode,
10,000+ characters, control and format characters, markup, SQL-looking strings, emoji, NFD
diacritics, empty or blank messages — without an unhandled exception, and always answer with a
short Vietnamese sentence (or, in a group, a documented silence). Task text is rendered
verbatim: replies are plain text, so nothing in it is markup."""

from __future__ import annotations

import logging
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from chat import texts
from chat.messages import Inbound
from db.models import Member, StatusChange, Task
from handlers.parse import (
    MAX_INPUT_CHARS,
    UpdateRequest,
    parse_code,
    parse_command,
    parse_update,
)
from tests.conftest import Chat

VIETNAMESE = re.compile(
    r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.I
)
SHORT = 2_000  # characters, one Zalo message: a sentence or two, a short list, the help
SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

CONTROLS = st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs"])
MARKUP = st.sampled_from([*"<>&*_`[]()~|#+-=.!{}\\\"'", "<b>", "</a>", "&amp;", "```"])
SQL = st.sampled_from(
    ["'; DROP TABLE tasks; --", '" OR 1=1 --', "1; DELETE FROM members", "%' UNION SELECT *--"]
)
EMOJI = st.sampled_from(["👍", "🔥", "👨‍👩‍👧", "🇻🇳", "✅", "❤️", "\U0001f9d1\u200d💻"])
WORDS = st.sampled_from(
    ["hoàn thành", "đang thực hiện", "vướng", "xong", "60%", "150%", "đợt 2", "ghi chú", "I.5",
     "IV.4b", "nhiệm vụ", "Kế hoạch số 15/KH-UBND", "/capnhat", "/nhiemvu", "@bcd_bot"]
)  # fmt: skip
PIECE = st.one_of(st.text(max_size=30), CONTROLS, MARKUP, SQL, EMOJI, WORDS)
COMMANDS = st.sampled_from(
    ["", "/capnhat ", "/capnhat I.5 ", "/nhiemvu ", "/hoantac ", "/giahan I.5 ", "/moi ",
     "/start ", "/kenh ", "/nghiphep ", "/bantin ", "/quahan ", "/trogiup ", "/"]
)  # fmt: skip
TEXT = st.one_of(
    st.text(),
    st.builds(lambda head, parts: head + "".join(parts), COMMANDS, st.lists(PIECE, max_size=12)),
    st.builds(lambda head, n, ch: head + ch * n, COMMANDS, st.integers(10_000, 20_000), PIECE),
    st.builds(lambda t: unicodedata.normalize("NFD", t), st.text()),
)
PHRASES = [
    "/capnhat I.5 đang thực hiện 60% đã trình dự thảo",
    "/capnhat IV.4b hoàn thành Kế hoạch số 15/KH-UBND",
    "/capnhat I.8 đợt 1 hoàn thành",
    "/capnhat I.1 ghi chú đã gửi ý kiến",
    "/capnhat I.6 gặp vướng mắc chờ Trung ương",
    "nhiệm vụ của tôi",
]


JOINERS = "\u200c\u200d"


def normalized(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@given(text=TEXT)
@settings(max_examples=300, deadline=None)
@example(text="/capnhat I.5 đang thực hiện 150%")
@example(text="/capnhat I.5 xong \x00\u200b ghi\x1b[31m")
def test_the_parser_takes_any_text(text: str) -> None:
    command = parse_command(text)
    if command is not None:
        assert command.name == command.name.strip() and "\x00" not in command.args
    for args in (text, command.args if command else ""):  # as typed, and after the command
        parsed = parse_update(args)
        if isinstance(parsed, UpdateRequest):
            assert re.fullmatch(r"(I|II|III|IV)\.\d{1,2}[a-z]?", parsed.code)
            assert parsed.progress is None or 0 <= parsed.progress <= 100
            assert not any(unicodedata.category(ch) in {"Cc", "Cs"} for ch in parsed.text)
            # Format characters: only the joiners and a flag's tags, which emoji are made of.
            assert all(
                ch in JOINERS or "\U000e0020" <= ch <= "\U000e007f"
                for ch in parsed.text
                if unicodedata.category(ch) == "Cf"
            )
    code = parse_code(text)
    assert code is None or parse_code(code) == code


@given(phrase=st.sampled_from(PHRASES), form=st.sampled_from(["NFD", "NFKD", "NFKC"]))
def test_nfd_and_nfc_read_the_same(phrase: str, form: str) -> None:
    other = unicodedata.normalize(form, phrase)
    assert parse_command(other) == parse_command(phrase)
    assert parse_update(other.removeprefix("/capnhat ")) == parse_update(
        phrase.removeprefix("/capnhat ")
    )


@SETTINGS
@given(text=TEXT, member=st.sampled_from(["le-hong-vinh", "new-member"]))
@example(text="", member="le-hong-vinh")
@example(text="\u200b\u200e\x00 \n\t", member="le-hong-vinh")
@example(text="/capnhat I.5 xong " + "🔥" * 12_000, member="le-hong-vinh")
@example(text="/capnhat I.5 ghi chú '; DROP TABLE tasks; --", member="le-hong-vinh")
async def test_any_text_gets_a_short_vietnamese_answer_and_no_failure(
    chat: Chat, caplog: pytest.LogCaptureFixture, text: str, member: str
) -> None:
    account = await account_of(chat, member)
    caplog.clear()
    replies = await chat.engine.handle(
        Inbound(channel="telegram", chat_id=account, user_id=account, text=text)
    )
    assert replies, "a private message always gets an answer"
    for reply in replies:
        assert reply.text != texts.INTERNAL_ERROR
        assert VIETNAMESE.search(reply.text), reply.text[:200]
        assert 0 < len(reply.text) <= (SHORT if member == "new-member" else 4096), len(reply.text)
        if len(text) > MAX_INPUT_CHARS:
            assert reply.text == texts.TOO_LONG.format(limit=MAX_INPUT_CHARS)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    async with chat.database.transaction() as session:  # nothing dropped or deleted
        assert await session.scalar(select(func.count()).select_from(Task)) == 42


async def account_of(chat: Chat, key: str) -> str:
    async with chat.database.transaction() as session:
        known = await session.scalar(select(Member.id).where(Member.key == key))
    if known is None:  # linked, with nothing assigned: even its lists are short
        return await chat.add_member(key, "Cán bộ Mới")
    return await chat.link(key)


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/hoantac ²", texts.UNDO_UNKNOWN),  # str.isdigit() is true, int() refuses it
        ("/hoantac ١٢", texts.UNDO_UNKNOWN),  # Arabic-Indic digits: not an id either
        ("/hoantac 99999999999999999999999", texts.UNDO_UNKNOWN),  # over SQLite's 64 bits
        ("/hoantac 2147483648", texts.UNDO_UNKNOWN),  # over PostgreSQL's INTEGER
        ("/kehoach ²²²²", "Không có kế hoạch năm ²²²². Các năm hiện có: 2024."),
    ],
)
async def test_numbers_other_than_ascii_digits_or_out_of_range_are_answered_plainly(
    chat: Chat, caplog: pytest.LogCaptureFixture, command: str, answer: str
) -> None:
    vinh = await chat.link("le-hong-vinh")
    caplog.clear()
    assert await chat.text(vinh, command) == answer
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@SETTINGS
@given(text=TEXT)
async def test_any_text_in_a_group_is_a_silence_or_the_group_answer(chat: Chat, text: str) -> None:
    vinh = await chat.link("le-hong-vinh")
    replies = await chat.say(vinh, text, is_group=True)
    assert all(r.text != texts.INTERNAL_ERROR for r in replies)
    assert len(replies) <= 1 and all(VIETNAMESE.search(r.text) for r in replies)
    if replies and len(text) <= MAX_INPUT_CHARS:
        # /start (and every other command) is sent to the private chat; /trogiup is the help.
        (help_text,) = await chat.say(vinh, "/trogiup")
        assert replies[0].text in (texts.GROUP_PRIVATE, help_text.text)
    async with chat.database.transaction() as session:  # a group never writes a change
        assert await session.scalar(select(func.count()).select_from(StatusChange)) == 0


@SETTINGS
@given(
    # Task text is written straight to the database here; PostgreSQL's text holds no NUL and no
    # encoding holds a lone surrogate (what people type is stripped of both before it is stored).
    content=st.text(
        st.characters(exclude_characters="\x00", exclude_categories=("Cs",)),
        min_size=1,
        max_size=400,
    ).filter(lambda t: t.strip())
)
@example(content="Kiểm tra <b>đậm</b> & _nghiêng_ *sao* [liên kết](http://x) `mã` '; DROP TABLE")
async def test_task_text_is_rendered_verbatim(chat: Chat, content: str) -> None:
    vinh = await chat.link("le-hong-vinh")
    async with chat.database.transaction(write=True) as session:
        await session.execute(update(Task).where(Task.code == "I.5").values(content=content))
    (detail,) = await chat.say(vinh, "/nhiemvu I.5")
    assert content.strip() in detail.text or normalized(content).strip() in detail.text


async def test_emoji_sequences_survive_in_notes_and_names(chat: Chat) -> None:
    """The zero-width joiner is part of 👨‍👩‍👧 (it was once dropped, leaving three emoji)."""
    family, coder, heart = "👨\u200d👩\u200d👧", "\U0001f9d1\u200d💻", "❤\ufe0f"
    admin = await chat.add_member("office", "Cán bộ Văn phòng", agencies=("so-noi-vu",), admin=True)
    noted = await chat.text(admin, f"/capnhat I.5 ghi chú họp xong {family} {heart}")
    assert noted == f"Đã ghi chú vào nhiệm vụ I.5: “họp xong {family} {heart}”"
    added = await chat.text(admin, f"/themtv Trần Lan {coder} | Sở Nội vụ")
    assert f"Trần Lan {coder}" in added
    async with chat.database.transaction() as session:
        assert await session.scalar(select(StatusChange.note)) == f"họp xong {family} {heart}"
        names = set(await session.scalars(select(Member.full_name)))
    assert f"Trần Lan {coder}" in names
