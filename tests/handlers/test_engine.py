"""The engine's edges: strangers, nonsense, huge or odd input, and failures inside."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat import texts
from chat.messages import Inbound
from tests.conftest import Chat


async def test_a_stranger_sees_nothing_but_how_to_join(chat: Chat) -> None:
    for message in ("/nhiemvu", "/nhiemvu I.5", "/capnhat I.5 xong", "xin chào", "/trogiup"):
        assert await chat.text("unknown-account", message) == texts.NOT_LINKED


async def test_help_and_unknown_input(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    assert "/capnhat <mã> <tình trạng>" in await chat.text(vinh, "/trogiup")
    assert await chat.text(vinh, "tro giup") == await chat.text(vinh, "/trogiup")
    assert await chat.text(vinh, "xin chào") == texts.UNKNOWN
    assert await chat.text(vinh, "/lenhla") == texts.UNKNOWN
    assert await chat.text(vinh, "   ") == texts.EMPTY


async def test_start_greets_a_linked_member_by_name(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    assert (await chat.text(vinh, "/start")).startswith("Xin chào đồng chí Lê Hồng Vinh!")


async def test_very_long_input_is_refused_politely(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    assert "Tin nhắn quá dài" in await chat.text(vinh, "/nhiemvu " + "a" * 10_000)


async def test_an_internal_failure_is_answered_and_logged(
    chat: Chat, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    vinh = await chat.link("le-hong-vinh")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("handlers.engine.identify", broken)
    assert await chat.text(vinh, "/nhiemvu") == texts.INTERNAL_ERROR
    assert "command failed" in caplog.text and "disk on fire" in caplog.text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(st.text(max_size=200), st.text(max_size=60).map(lambda s: "/capnhat I.5 " + s),
                      st.text(max_size=60).map(lambda s: "/nhiemvu " + s)))  # fmt: skip
async def test_any_text_gets_a_short_vietnamese_answer(chat: Chat, text: str) -> None:
    vinh = await chat.link("le-hong-vinh")
    replies = await chat.engine.handle(
        Inbound(channel="telegram", chat_id=vinh, user_id=vinh, text=text)
    )
    assert replies and all(r.text for r in replies)
    assert all(r.text != texts.INTERNAL_ERROR for r in replies)


async def test_the_lists_members_send_most_open_no_session(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lean routes answer from lean reads alone, one task in full (/nhiemvu <code>) too;
    /hoanthanh <code> still gets its session."""
    vinh = await chat.link("le-hong-vinh")
    opened: list[bool] = []
    real = chat.database.transaction

    def counting(*, write: bool = False):  # type: ignore[no-untyped-def]
        opened.append(write)
        return real(write=write)

    monkeypatch.setattr(chat.database, "transaction", counting)
    for lean in ("/nhiemvu", "/quahan", "/sapden", "/tatca"):
        assert not (await chat.text(vinh, lean)).startswith(texts.INTERNAL_ERROR)
    assert opened == []
    assert (await chat.text(vinh, "/nhiemvu I.5")).startswith("I.5 · ")
    assert opened == []
    assert "I.5" in await chat.text(vinh, "/hoanthanh I.5")
    assert opened == [False]
