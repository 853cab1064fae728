"""The standing office manages who is in: /themtv (add a member, with a join code), /xoatv
(stop a member's access at once), /themcq (add an agency), /chuathamgia (who has not joined).
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from chat import texts
from chat.messages import Reply
from db.invites import create_invite
from db.models import Agency, ChatAccount, Member
from domain.normalize import fold, shorten
from domain.people import NamedAgency, Person, closest_names, find_agency, find_person, slug
from handlers.admin_tasks import did_you_mean, fields, lookup_agency
from handlers.audit import record
from handlers.context import Context

LOCAL_CHANNELS = ("console",)  # an operator's terminal is not the member joining
ADMIN_WORDS = {"quan tri", "admin", "quantri", "thuong truc"}
KIND_WORDS = {
    "so": "department",
    "nganh": "department",
    "so, ban, nganh": "department",
    "huyen": "district",
    "thanh pho": "district",
    "thi xa": "district",
    "dang": "party",
    "doan the": "mass_org",
    "to chuc chinh tri - xa hoi": "mass_org",
    "khac": "other",
}
_DISTRICT_PREFIXES = ("ubnd huyen", "ubnd thanh pho", "ubnd thi xa", "uy ban nhan dan huyen")
MAX_NAME = 128


async def _unique_key(ctx: Context, model: type[Member] | type[Agency], name: str) -> str:
    base = slug(name)
    taken = set(await ctx.session.scalars(select(model.key).where(model.key.like(f"{base}%"))))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


async def add_member(ctx: Context, args: str) -> list[Reply]:
    parts = fields(args)
    if len(parts) < 2 or not parts[0] or not parts[1] or len(parts[0]) > MAX_NAME:
        return [Reply(texts.MEMBER_ADD_USAGE)]
    name, agency_name = parts[0], parts[1]
    make_admin = len(parts) > 2 and fold(parts[2]) in ADMIN_WORDS
    members = (await ctx.session.scalars(select(Member))).all()
    if find_person(name, [Person(m.key, m.full_name) for m in members]) is not None:
        return [Reply(texts.MEMBER_EXISTS.format(name=name))]
    agency = await lookup_agency(ctx, agency_name)
    if isinstance(agency, str):
        return [Reply(agency + "\n" + texts.AGENCY_ADD_USAGE)]
    member = Member(
        key=await _unique_key(ctx, Member, name),
        full_name=name,
        positions=[],
        is_admin=make_admin,
        created_at=ctx.now,
        agencies=[agency],
        groups=[],
        source=f"/themtv {ctx.member.full_name}",
    )
    ctx.session.add(member)
    await ctx.session.flush()
    code = await create_invite(ctx.session, member, now=ctx.now, created_by=ctx.member)
    record(ctx, "member_add", name, agency.name + (texts.ADMIN_MARK if make_admin else ""))
    text = texts.MEMBER_ADDED.format(
        name=name,
        agency=agency.name,
        admin=texts.MEMBER_ADDED_ADMIN if make_admin else "",
        code=code,
    )
    link = ctx.deep_link(code)
    if link:
        text += texts.INVITE_LINK.format(link=link)
    return [Reply(text)]


async def remove_member(ctx: Context, args: str) -> list[Reply]:
    if not args.strip():
        return [Reply(texts.MEMBER_REMOVE_USAGE)]
    members = (await ctx.session.scalars(select(Member).where(Member.active))).all()
    people = [Person(m.key, m.full_name) for m in members]
    person = find_person(args, people)
    if person is None:
        text = texts.UNKNOWN_MEMBER.format(name=shorten(args, 80))
        return [Reply(did_you_mean(text, closest_names(args, people)))]
    member = next(m for m in members if m.key == person.key)
    if member.id == ctx.member.id:
        return [Reply(texts.MEMBER_REMOVE_SELF)]
    member.active = False
    record(ctx, "member_remove", member.full_name)
    return [Reply(texts.MEMBER_REMOVED.format(name=member.full_name))]


def _kind(name: str, typed: str | None) -> str | None:
    if typed:
        return KIND_WORDS.get(fold(typed).strip(" ."))
    folded = fold(name)
    return "district" if folded.startswith(_DISTRICT_PREFIXES) else "department"


async def add_agency(ctx: Context, args: str) -> list[Reply]:
    parts = fields(args)
    name = parts[0] if parts else ""
    category = _kind(name, parts[1] if len(parts) > 1 and parts[1] else None)
    if not name or len(name) > MAX_NAME or category is None:
        return [Reply(texts.AGENCY_ADD_USAGE)]
    agencies = (await ctx.session.scalars(select(Agency))).all()
    named = [NamedAgency(a.key, a.name, tuple(a.aliases or [])) for a in agencies]
    if find_agency(name, named) is not None:
        return [Reply(texts.AGENCY_EXISTS.format(name=name))]
    ctx.session.add(
        Agency(
            key=await _unique_key(ctx, Agency, name),
            name=name,
            kind="agency",
            category=category,
            covers=[],
            aliases=[],
        )
    )
    kind = texts.AGENCY_KINDS[category]
    record(ctx, "agency_add", name, kind)
    return [Reply(texts.AGENCY_ADDED.format(name=name, kind=kind))]


async def not_joined(ctx: Context, args: str) -> list[Reply]:
    linked = exists().where(
        ChatAccount.member_id == Member.id, ChatAccount.channel.not_in(LOCAL_CHANNELS)
    )
    total = len((await ctx.session.scalars(select(Member.id).where(Member.active))).all())
    waiting = (
        await ctx.session.scalars(
            select(Member)
            .where(Member.active, ~linked)
            .options(selectinload(Member.agencies))
            .order_by(Member.full_name)
        )
    ).all()
    if not waiting:
        return [Reply(texts.NOT_JOINED_NONE.format(total=total))]
    lines = [texts.NOT_JOINED_TITLE.format(count=len(waiting), total=total)]
    for member in waiting:
        agencies = ", ".join(a.name for a in member.agencies)
        lines.append(
            texts.NOT_JOINED_LINE.format(
                name=member.full_name, agencies=f" ({agencies})" if agencies else ""
            )
        )
    lines.append(texts.NOT_JOINED_FOOTER)
    return [Reply("\n".join(lines))]
