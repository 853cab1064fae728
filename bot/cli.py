"""The command line: run, chat, seed, invite, admin, export, import, backup, remind, web,
weblink (see docs/OPERATIONS.md)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import console
from bot.logs import install_hooks, log_loop_exception
from bot.settings import Settings, SettingsError
from bot.startup import StartupError
from bot.wiring import DEFAULT_SEED, Service, open_service, web_desk
from chat import texts
from chat.messages import Inbound, made
from db import records
from db.backup import backup_sqlite
from db.invites import create_invite
from db.models import AdminAction, Member, Plan
from domain.people import Person, closest_names, find_person

if TYPE_CHECKING:
    from db.seed import SeedReport


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("needs a UTC offset, e.g. 2024-09-27T08:00+07:00")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the service: channels whose token is set, and the scheduler")
    chat = sub.add_parser("chat", help="talk to the engine on stdin/stdout as a member")
    chat.add_argument("--as", dest="member", required=True, help='member name, e.g. "Lê Hồng Vinh"')
    seed = sub.add_parser("seed", help="load the plan file (idempotent)")
    seed.add_argument("file", nargs="?", type=Path, default=DEFAULT_SEED)
    seed.add_argument(
        "--admin",
        metavar="MEMBER",
        help="then make this member an admin (the standing office's first admin)",
    )
    invite = sub.add_parser("invite", help="print a one-time join code for a member")
    invite.add_argument("member", help="member name")
    backup = sub.add_parser(
        "backup", help="copy the SQLite database consistently, even while running"
    )
    backup.add_argument("file", type=Path)
    admin = sub.add_parser("admin", help="run one chat command as an admin (the standing office)")
    admin.add_argument("--as", dest="member", required=True, help="an admin's name")
    admin.add_argument("text", help='the command, e.g. "/themcq Sở Tư pháp"')
    for verb, what in (("grant-admin", "give"), ("revoke-admin", "take away")):
        grant = sub.add_parser(verb, help=f"{what} a member the standing office's rights")
        grant.add_argument("member", help="member name")
    export = sub.add_parser("export", help="write the Excel report (annex layout + summary)")
    export.add_argument("--xlsx", type=Path, required=True, metavar="FILE")
    export.add_argument("--plan", type=int, metavar="YEAR", help="default: the current plan")
    imp = sub.add_parser("import", help="load a plan from an .xlsx in the annex layout")
    imp.add_argument("file", type=Path)
    imp.add_argument("--plan", type=int, required=True, metavar="YEAR", help="the plan's year")
    imp.add_argument(
        "--code",
        help="plan number, e.g. \"05/KH-BCĐ\" (default: the sheet's, only if it is that year's)",
    )
    imp.add_argument("--title", help="plan title (default: the sheet's, with the year changed)")
    imp.add_argument(
        "--allow-old-dates",
        action="store_true",
        help="import dates before the plan's year and unreadable dates as they are (listed)",
    )
    remind = sub.add_parser("remind", help="show the reminders due at an instant")
    remind.add_argument("--dry-run", action="store_true", required=True, help="send nothing")
    remind.add_argument("--at", type=_instant, help="ISO instant with offset (default: now)")
    sub.add_parser("web", help="serve the read-only web desk on WEB_HOST:WEB_PORT")
    weblink = sub.add_parser("weblink", help="print a one-time sign-in URL to the web desk")
    weblink.add_argument("member", help="member name")
    return parser


async def _find_member(service: Service, name: str) -> Member | None:
    async with service.database.transaction() as session:
        members = await records.all_members(session)
    person = find_person(name, [Person(m.key, m.full_name) for m in members])
    if person is None:
        print(texts.UNKNOWN_MEMBER.format(name=name), file=sys.stderr)
        close = closest_names(name, [Person(m.key, m.full_name) for m in members])
        if close:
            print(texts.CLOSEST.format(names=", ".join(close)), file=sys.stderr)
        return None
    return next(m for m in members if m.key == person.key)


async def _console_member(service: Service, name: str) -> Member | None:
    """The member called ``name``, with their console account linked (None: unknown name)."""
    member = await _find_member(service, name)
    if member is not None:
        async with service.database.transaction(write=True) as session:
            await records.link_account(
                session, member, console.CHANNEL, member.key, now=service.clock.now()
            )
    return member


async def _chat(settings: Settings, name: str) -> int:
    service = await open_service(settings, seed_if_empty=True)
    try:
        member = await _console_member(service, name)
        if member is None:
            return 2
        await _warn_if_the_plan_is_past(service)
        await console.chat(service.engine, member.key, sys.stdin, sys.stdout, settings.reports_dir)
        return 0
    finally:
        await service.close()


async def _warn_if_the_plan_is_past(service: Service) -> None:
    """Say why a past year's plan shows as overdue on today's clock (the bundled plan is 2024's).
    Today is the day in the service's zone, the day the task lists are "as of"."""
    today = service.clock.now().astimezone(service.settings.zone).date()
    async with service.database.transaction() as session:
        year = await session.scalar(select(func.max(Plan.year)))
    if year is not None and year < today.year:
        print(texts.CONSOLE_OLD_PLAN.format(today=texts.day(today), year=year), file=sys.stderr)


async def _admin(settings: Settings, name: str, text: str) -> int:
    service = await open_service(settings, seed_if_empty=True)
    try:
        member = await _console_member(service, name)
        if member is None:
            return 2
        if not member.is_admin:
            print(
                f"{member.full_name} is not an admin; grant it with: "
                f'python -m bot grant-admin "{member.full_name}"',
                file=sys.stderr,
            )
            return 2
        replies = await made(
            await service.engine.handle(
                Inbound(channel=console.CHANNEL, chat_id=member.key, user_id=member.key, text=text)
            )
        )
        print(console.render_block(replies, console.save_files(replies, settings.reports_dir)))
        return 0
    finally:
        await service.close()


async def _grant(settings: Settings, name: str, grant: bool) -> int:
    service = await open_service(settings, seed_if_empty=True)
    try:
        member = await _find_member(service, name)
        if member is None:
            return 2
        async with service.database.transaction(write=True) as session:
            row = await session.get(Member, member.id)
            assert row is not None
            row.is_admin = grant
            session.add(
                AdminAction(
                    member_id=None,
                    channel="cli",
                    at=service.clock.now(),
                    action="admin_grant" if grant else "admin_revoke",
                    target=row.full_name,
                )
            )
        state = "now an admin" if grant else "no longer an admin"
        print(f"{member.full_name} is {state}.")
        return 0
    finally:
        await service.close()


def _print_load(what: str, report: SeedReport) -> None:
    created = ", ".join(f"{n} {k}" for k, n in sorted(report.created.items())) or "nothing"
    updated = ", ".join(f"{n} {k}" for k, n in sorted(report.updated.items())) or "nothing"
    print(f"{what}: created {created}; updated {updated}")
    if report.kept_tasks:
        print(f"kept tasks no longer in the file: {', '.join(report.kept_tasks)}")


async def _seed(settings: Settings, path: Path, admin: str | None = None) -> int:
    from db.seed import apply_seed  # the seed's modules: loaded by the commands that seed
    from db.seed_file import SeedError, load_seed_file

    try:
        seed = load_seed_file(path)
    except SeedError as exc:
        print(f"seed failed, nothing written: {exc}", file=sys.stderr)
        return 1
    service = await open_service(settings)
    try:
        async with service.database.transaction(write=True) as session:
            report = await apply_seed(session, seed, now=service.clock.now())
            admins = await session.scalar(
                select(func.count()).select_from(Member).where(Member.is_admin)
            )
    finally:
        await service.close()
    _print_load(f"plan {seed.plan.year} ({seed.plan.code}) from {path}", report)
    if admin is not None:
        return await _grant(settings, admin, grant=True)
    if not admins:
        print(
            "no admin yet: make the standing office's officer one with "
            'python -m bot seed --admin "<họ tên>" (or bash scripts/start.sh --admin "<họ tên>")'
        )
    return 0


async def _issue(
    settings: Settings, name: str, make: Callable[[AsyncSession, Member, datetime], Awaitable[str]]
) -> tuple[Member, str] | None:
    """Find the member called ``name`` and make them a single-use secret (an invite, a sign-in
    link) in one write transaction; None (after saying why) when no member has that name."""
    service = await open_service(settings)
    try:
        member = await _find_member(service, name)
        if member is None:
            return None
        async with service.database.transaction(write=True) as session:
            return member, await make(session, member, service.clock.now())
    finally:
        await service.close()


async def _invite(settings: Settings, name: str) -> int:
    issued = await _issue(settings, name, lambda s, m, now: create_invite(s, m, now=now))
    if issued is None:
        return 2
    member, code = issued
    print(f"Invite for {member.full_name}, valid 7 days, single use.")
    username = await _telegram_username(settings)
    if username:
        print(f"Link: https://t.me/{username}?start={code}")
    print(f"Or send to the bot: /start {code}")
    print(code)
    return 0


async def _telegram_username(settings: Settings) -> str | None:
    """The bot's username (getMe), for the t.me link; None without a token or network."""
    if settings.telegram_bot_token is None:
        return None
    from telegram import Bot
    from telegram.error import TelegramError

    bot = Bot(settings.telegram_bot_token.get_secret_value(), base_url=settings.telegram_api_base)
    try:
        async with bot:
            return bot.username
    except TelegramError:
        return None


async def _remind(settings: Settings, at: datetime | None) -> int:
    """What would be sent at ``at`` (the service's now by default): to whom, why. Sends nothing."""
    from bot.reminder_preview import preview

    service = await open_service(settings, seed_if_empty=True)
    try:
        for line in await preview(service, settings, at or service.clock.now()):
            print(line)
    finally:
        await service.close()
    return 0


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


async def _export(settings: Settings, target: Path, year: int | None) -> int:
    from reports.data import plan_report
    from reports.workbook import build_workbook

    service = await open_service(settings, seed_if_empty=True)
    try:
        now = service.clock.now().astimezone(settings.zone)
        async with service.database.transaction() as session:
            plan = await records.current_plan(session, year or now.year)
            if plan is None or (year is not None and plan.year != year):
                print(f"no plan for {year or now.year}", file=sys.stderr)
                return 2
            report = await plan_report(session, plan, today=now.date(), zone=settings.zone)
            title = plan.title
        data = build_workbook(report, plan_title=title, zone=settings.zone)
    finally:
        await service.close()
    await asyncio.to_thread(_write, target, data)
    print(
        f"wrote {target}: plan {report.plan_year}, {len(report.rows)} tasks, as of {now:%Y-%m-%d}"
    )
    return 0


async def _import(settings: Settings, args: argparse.Namespace) -> int:
    from reports.import_plan import import_workbook
    from reports.workbook_reader import UNREADABLE, ImportFailed
    from reports.xlsx_guard import MAX_FILE_BYTES

    try:
        if args.file.stat().st_size > MAX_FILE_BYTES:
            reason = f"the file is over {MAX_FILE_BYTES // 2**20} MB"
            print(
                f"import failed, nothing written: {UNREADABLE.format(reason=reason)}",
                file=sys.stderr,
            )
            return 1
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"import failed, nothing written: {exc}", file=sys.stderr)
        return 1
    service = await open_service(settings)
    try:
        async with service.database.transaction(write=True) as session:
            imported = await import_workbook(
                session,
                data,
                year=args.plan,
                now=service.clock.now(),
                code=args.code,
                title=args.title,
                allow_old_dates=args.allow_old_dates,
            )
    except ImportFailed as exc:
        if len(exc.errors) == 1:
            print(f"import failed, nothing written: {exc.errors[0]}", file=sys.stderr)
            return 1
        print("import failed, nothing written:", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    finally:
        await service.close()
    if imported.warnings:
        print(f"imported as written (--allow-old-dates), {len(imported.warnings)} date(s):")
        for warning in imported.warnings:
            print(f"  {warning}")
    _print_load(f"plan {args.plan} from {args.file}", imported.report)
    return 0


async def _web(settings: Settings) -> int:
    from bot.logs import setup_logging
    from web.server import serve

    setup_logging(settings.log_level, settings.secrets())
    service = await open_service(settings, seed_if_empty=True)
    try:
        await serve(web_desk(service), settings.web_host, settings.web_port)
    finally:
        await service.close()
    return 0


async def _weblink(settings: Settings, name: str) -> int:
    from db.web_access import LINK_LIFETIME, create_link
    from web.app import sign_in_url

    issued = await _issue(settings, name, lambda s, m, now: create_link(s, m.id, now=now))
    if issued is None:
        return 2
    member, token = issued
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    print(f"Sign-in link for {member.full_name}, valid {minutes} minutes, single use:")
    print(sign_in_url(settings.web_url, token))
    return 0


async def _run(settings: Settings) -> int:
    from bot.runner import run_service

    return await run_service(settings)


def _backup(settings: Settings, target: Path) -> int:
    source = settings.sqlite_path()
    if source is None:
        print(
            "backup works on a SQLite DATABASE_URL; use the database's own tools otherwise",
            file=sys.stderr,
        )
        return 2
    try:
        pages = backup_sqlite(source, target)
    except (OSError, RuntimeError, ValueError, sqlite3.Error) as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"backed up {source} to {target} ({pages} pages, integrity ok)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(f"settings error: {exc}", file=sys.stderr)
        return 2
    # Uncaught exceptions are logged through the redactor (the token is in URLs and messages).
    install_hooks(settings.log_level if args.command == "run" else "WARNING", settings.secrets())
    try:
        code = _command(settings, args)
        sys.stdout.flush()  # inside the guard: a closed pipe shows here, not at exit
    except BrokenPipeError:
        # The reader went away (`remind --dry-run | head`): stop quietly, as `cat` does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except StartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return code


def _run_async(main: Coroutine[Any, Any, int]) -> int:
    """``asyncio.run`` with the loop's unhandled errors logged through the redactor."""
    with asyncio.Runner() as runner:
        runner.get_loop().set_exception_handler(log_loop_exception)
        return runner.run(main)


def _command(settings: Settings, args: argparse.Namespace) -> int:
    if args.command == "chat":
        return _run_async(_chat(settings, args.member))
    if args.command == "seed":
        return _run_async(_seed(settings, args.file, args.admin))
    if args.command == "invite":
        return _run_async(_invite(settings, args.member))
    if args.command == "backup":
        return _backup(settings, args.file)
    if args.command == "admin":
        return _run_async(_admin(settings, args.member, args.text))
    if args.command in ("grant-admin", "revoke-admin"):
        return _run_async(_grant(settings, args.member, args.command == "grant-admin"))
    if args.command == "export":
        return _run_async(_export(settings, args.xlsx, args.plan))
    if args.command == "import":
        return _run_async(_import(settings, args))
    if args.command == "remind":
        return _run_async(_remind(settings, args.at))
    if args.command == "web":
        return _run_async(_web(settings))
    if args.command == "weblink":
        return _run_async(_weblink(settings, args.member))
    return _run_async(_run(settings))
