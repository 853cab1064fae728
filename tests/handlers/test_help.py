"""/trogiup lists every command a member or the office can type, and fits a phone's message:
each part under Zalo's 2,000 characters (Telegram's limit is 4,096)."""

from __future__ import annotations

import re

from handlers.engine import ROUTES
from tests.conftest import Chat

ZALO_MAX = 2000


def commands_in(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w/])/([a-z]+)\b", text))


async def test_the_office_sees_every_command_in_the_help(chat: Chat) -> None:
    admin = await chat.add_office_admin()
    text = await chat.text(admin, "/trogiup")
    missing = sorted(set(ROUTES) - {"help"} - commands_in(text))  # /help: an alias of /trogiup
    assert not missing, f"not in the help: {missing}"
    assert not commands_in(text) - set(ROUTES) - {"start"}  # nothing the bot does not know


async def test_a_member_sees_the_commands_they_can_type(chat: Chat) -> None:
    cuong = await chat.link("le-duc-cuong")
    shown = commands_in(await chat.text(cuong, "/trogiup"))
    for command in ("hoanthanh", "hoantac", "danhan", "nhaclai", "bantin", "nghiphep", "kenh"):
        assert command in shown, command
    assert "giahan" not in shown and "themcq" not in shown  # the office's own


async def test_the_help_names_every_kind_of_agency_the_bot_accepts(chat: Chat) -> None:
    admin = await chat.add_office_admin()
    line = next(
        x for x in (await chat.text(admin, "/trogiup")).splitlines() if x.startswith("/themcq")
    )
    usage = await chat.text(admin, "/themcq")
    for kind in ("sở", "huyện", "đảng", "đoàn thể", "khác"):
        assert kind in line and kind in usage, kind


async def test_each_message_of_the_help_fits_zalo(chat: Chat) -> None:
    admin = await chat.add_office_admin()
    vinh = await chat.link("le-hong-vinh")
    for account in (admin, vinh):
        replies = await chat.say(account, "/trogiup")
        assert all(len(r.text) <= ZALO_MAX for r in replies), [len(r.text) for r in replies]
