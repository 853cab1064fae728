"""Helpers for the web desk's tests: the app in process over httpx, and signing in."""

from __future__ import annotations

import re
from datetime import datetime

import httpx
from sqlalchemy import select

from db.models import Member
from db.session import Database
from db.web_access import create_link
from web.app import COOKIE, Desk, create_app

BASE = "http://desk.test"


async def link_for(database: Database, key: str, now: datetime) -> str:
    """A fresh sign-in token for the member with this key."""
    async with database.transaction(write=True) as session:
        member_id = await session.scalar(select(Member.id).where(Member.key == key))
        assert member_id is not None, key
        return await create_link(session, member_id, now=now)


def client(desk: Desk) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(desk)), base_url=BASE)


async def sign_in(browser: httpx.AsyncClient, database: Database, key: str, now: datetime) -> str:
    """Sign in as the member (a link, then the form's POST); the session cookie's value."""
    token = await link_for(database, key, now)
    page = await browser.get(f"/dang-nhap/{token}")
    assert page.status_code == 200, page.text
    answer = await browser.post("/dang-nhap", data={"token": token})
    assert answer.status_code == 303, answer.text
    cookie = browser.cookies.get(COOKIE)
    assert cookie
    return cookie


def counts(html: str) -> dict[str, int]:
    """The overview's counts by category (data-category of each count's link)."""
    return {k: int(v) for k, v in re.findall(r'data-category="(\w+)" href="[^"]*">(\d+)<', html)}


def task_codes(html: str) -> list[str]:
    return re.findall(r'href="/nhiem-vu/([IVX]+\.\d+b?)[?"]', html)
