"""The web desk: a read-only view of the plan for the standing office and the committee.

Starlette, server-rendered Jinja2 pages (autoescaped), one stylesheet, no script. Nothing but
the sign-in and sign-out pages answers without a live session; each person sees what the chat
would show them (``web.data``). No page changes the plan: the only POSTs sign in and out.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from chat import texts as chat_texts
from chat.views import HistoryLine
from db.identity import PlanRef
from db.session import Database
from db.web_access import SESSION_LIFETIME, end_session, link_holder, redeem_link
from domain.classify import CATEGORY_ORDER, percentages
from domain.parts import INPUT
from reports.model import Breakdown, Report, verdict_for
from web import texts
from web.data import Overview, Viewer, overview_for, plan_title, report_for, task_view, viewer
from web.filters import PAGE_SIZE, BadFilter, Filters, apply, parse_filters
from web.fingerprint import FingerprintCache
from web.headers import SecurityHeaders
from web.verdict_memo import VerdictMemo

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
COOKIE = "bcd_phien"
MAX_FORM_BYTES = 2048
_CODE_CHARS = frozenset("IVXivx.0123456789abcdefghijklmnopqrstuvwxyz")


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class Desk:
    """What the desk runs on: the service's database and clock, and where it is reached."""

    database: Database
    clock: Clock
    zone: ZoneInfo
    base_url: str  # e.g. https://desk.example.vn, for the links it hands out
    # the whole plan's verdicts under the plan's fingerprint (never stale: web.fingerprint)
    verdicts: FingerprintCache = field(default_factory=FingerprintCache, compare=False)
    # each task's last verdict with its inputs, for when the plan moved (web.verdict_memo)
    task_verdicts: VerdictMemo = field(default_factory=VerdictMemo, compare=False)

    @property
    def secure(self) -> bool:
        return self.base_url.startswith("https://")


def sign_in_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/dang-nhap/{token}"


def _day(value: date) -> str:
    return chat_texts.day(value)


def _percent(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + "%"


_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals.update(
    t=texts,
    chat=chat_texts,
    day=_day,
    percent=_percent,
    categories=CATEGORY_ORDER,
)


def render(template: str, status: int = 200, **values: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(template).render(**values), status_code=status)


def message(title: str, text: str, status: int, *, person: Viewer | None = None) -> HTMLResponse:
    return render("message.html", status, title=title, text=text, person=person, query="")


@dataclass(frozen=True)
class Page:
    """One data page's request, resolved: the person, their plan, the filters, the day."""

    request: Request
    person: Viewer
    plan: PlanRef
    filters: Filters
    day: date
    past: bool


PageHandler = Callable[[Desk, Page], Awaitable[Response]]


def _guarded(desk: Desk, handler: PageHandler) -> Callable[[Request], Awaitable[Response]]:
    """A data page: a live session or 401, the plan or 404, good filters or 400."""

    async def endpoint(request: Request) -> Response:
        now = desk.clock.now()
        token = request.cookies.get(COOKIE, "")
        person = await viewer(desk.database, token, now=now, zone=desk.zone) if token else None
        if person is None:
            return message(texts.ERROR_TITLE, texts.NEED_SIGN_IN, 401)
        if person.plan is None:
            return message(texts.ERROR_TITLE, texts.NO_PLAN, 404, person=person)
        today = now.astimezone(desk.zone).date()
        try:
            filters = parse_filters(request.query_params, today=today)
            page = Page(
                request, person, person.plan, filters, filters.as_of or today, bool(filters.as_of)
            )
            return await handler(desk, page)
        except BadFilter as exc:
            return message(texts.ERROR_TITLE, str(exc), 400, person=person)

    return endpoint


async def _report(desk: Desk, page: Page) -> Report:
    return await report_for(
        desk.database, page.person, page.plan, day=page.day, past=page.past, zone=desk.zone
    )


def _common(page: Page, report: Report | Overview) -> dict[str, Any]:
    scope = texts.SCOPE_PLAN if report.scope is None else texts.SCOPE_MINE.format(name=report.scope)
    return {
        "person": page.person,
        "report": report,
        "filters": page.filters,
        "query": page.filters.day_only(),
        "scope": scope,
        "past": page.past,
        "day_value": page.day.isoformat(),
    }


async def overview(desk: Desk, page: Page) -> Response:
    report = await overview_for(
        desk.database,
        page.person,
        page.plan,
        day=page.day,
        past=page.past,
        zone=desk.zone,
        cache=desk.verdicts,
        memo=desk.task_verdicts,
    )
    return render(
        "overview.html",
        shares=percentages(report.totals),
        overdue=report.overdue,
        **_common(page, report),
    )


def _breakdown_page(
    title: str, label: str, key: str, pick: Callable[[Report], tuple[Breakdown, ...]]
) -> PageHandler:
    async def handler(desk: Desk, page: Page) -> Response:
        report = await _report(desk, page)
        rows = []
        for b in pick(report):
            value = b.label.split(".", 1)[0] if key == "muc" else b.label
            rows.append((b, value))
        return render(
            "breakdown.html", title=title, label=label, key=key, rows=rows, **_common(page, report)
        )

    return handler


async def task_list(desk: Desk, page: Page) -> Response:
    report = await _report(desk, page)
    rows = apply(report.rows, page.filters, unassigned=chat_texts.REPORT_UNASSIGNED)
    pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
    number = page.filters.page
    if number > pages:
        raise BadFilter(texts.BAD_FILTER.format(reason=texts.BAD_PAGE.format(value=number)))
    shown = rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    f = page.filters
    described = [
        wording.format(value=value)
        for wording, value in (
            (texts.FILTER_CATEGORY, chat_texts.CATEGORY[f.category] if f.category else None),
            (texts.FILTER_SECTION, f.section),
            (texts.FILTER_DIRECTOR, f.director),
            (texts.FILTER_AGENCY, f.agency),
        )
        if value
    ]
    return render(
        "tasks.html",
        rows=shown,
        count=len(rows),
        number=number,
        pages=pages,
        described=", ".join(described),
        previous=f.query(trang=number - 1 if number > 2 else None) if number > 1 else None,
        next=f.query(trang=number + 1) if number < pages else None,
        **_common(page, report),
    )


async def task_page(desk: Desk, page: Page) -> Response:
    code = str(page.request.path_params["code"])
    known = len(code) <= 12 and set(code) <= _CODE_CHARS
    view = (
        await task_view(
            desk.database, page.plan, code, day=page.day, past=page.past, zone=desk.zone
        )
        if known
        else None
    )
    if view is None:
        text = texts.TASK_NOT_FOUND.format(code=code[:40], plan=page.plan.code)
        return message(texts.ERROR_TITLE, text, 404, person=page.person)
    return render(
        "task.html",
        person=page.person,
        view=view,
        day_label=_day(page.day),
        history=[_history_line(line, desk.zone) for line in reversed(view.history)],
        document=next(
            (h.reference for h in reversed(view.history) if h.reference and h.kind != INPUT),
            None,
        ),
        verdict=verdict_for(view, page.day, desk.zone),
        plan=page.plan,
        query=page.filters.day_only(),
        past=page.past,
        day_value=page.day.isoformat(),
        zone=desk.zone,
    )


def _status(value: str | None) -> str:
    return chat_texts.STATUS.get(value, value or "") if value else "—"  # type: ignore[call-overload]


def _history_line(line: HistoryLine, zone: ZoneInfo) -> tuple[str, str, str]:
    """(when, who, what changed) for the history table, newest first."""
    parts = []
    if line.kind == INPUT:
        parts.append(texts.HISTORY_INPUT)
    if line.milestone_label and line.new_status:
        parts.append(texts.HISTORY_MILESTONE.format(label=line.milestone_label))
    elif line.new_status and line.new_status != line.old_status:
        parts.append(
            texts.HISTORY_STATUS.format(old=_status(line.old_status), new=_status(line.new_status))
        )
    if line.progress is not None:
        parts.append(f"{line.progress}%")
    if line.note:
        parts.append(f"{texts.HISTORY_NOTE}: {line.note}")
    if line.reference:
        parts.append(line.reference)
    return (chat_texts.moment(line.at, zone), line.who or texts.SOMEONE, " · ".join(parts))


async def chart(desk: Desk, page: Page) -> Response:
    from reports.chart import render_chart

    report = await _report(desk, page)
    title = chat_texts.CHART_TITLE_SECTION.format(
        code=report.plan_code, year=report.plan_year, today=chat_texts.day(report.today)
    )
    png = await asyncio.to_thread(render_chart, report.by_section, title)
    return Response(png, media_type="image/png")


async def workbook(desk: Desk, page: Page) -> Response:
    from reports.data import export_filename
    from reports.workbook import build_workbook

    report = await _report(desk, page)
    title = await plan_title(desk.database, page.plan)
    data = await asyncio.to_thread(build_workbook, report, plan_title=title, zone=desk.zone)
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{export_filename(report)}"'},
    )


def _same_origin(desk: Desk, request: Request) -> bool:
    """A sign-in or sign-out POST must come from the desk's own pages: the browser's
    Sec-Fetch-Site says so where it is sent; else the Origin, when there is one. (With the
    no-referrer policy a browser sends "Origin: null" even on a same-origin form.)"""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return True
    own = {urlsplit(desk.base_url)._replace(path="", query="", fragment="").geturl()}
    own.add(f"{request.url.scheme}://{request.url.netloc}")
    return origin in own


def _sign_in_page(desk: Desk) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        token = str(request.path_params["token"])
        name = await desk.database.read(lambda c: link_holder(c, token, desk.clock.now()))
        if name is None:
            return message(texts.ERROR_TITLE, texts.LINK_INVALID, 410)
        return render("signin.html", name=name, token=token, person=None, query="")

    return endpoint


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in fields.items() if values}


def _sign_in(desk: Desk) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        if not _same_origin(desk, request):
            return message(texts.ERROR_TITLE, texts.FORBIDDEN_ORIGIN, 403)
        token = (await _form(request)).get("token", "")
        async with desk.database.transaction(write=True) as session:
            session_token = await redeem_link(session, token, now=desk.clock.now())
        if session_token is None:
            return message(texts.ERROR_TITLE, texts.LINK_INVALID, 410)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            COOKIE,
            session_token,
            max_age=int(SESSION_LIFETIME.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=desk.secure,
            path="/",
        )
        return response

    return endpoint


def _sign_out(desk: Desk) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        if not _same_origin(desk, request):
            return message(texts.ERROR_TITLE, texts.FORBIDDEN_ORIGIN, 403)
        token = request.cookies.get(COOKIE, "")
        if token:
            async with desk.database.transaction(write=True) as session:
                await end_session(session, token, now=desk.clock.now())
        response = RedirectResponse("/da-dang-xuat", status_code=303)
        response.delete_cookie(COOKIE, path="/", secure=desk.secure, httponly=True, samesite="lax")
        return response

    return endpoint


async def _signed_out(request: Request) -> Response:
    return message(texts.SIGNED_OUT_TITLE, texts.SIGNED_OUT_TEXT, 200)


async def _not_found(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException) and exc.status_code == 405:
        return message(texts.ERROR_TITLE, texts.NOT_FOUND, 405)
    return message(texts.ERROR_TITLE, texts.NOT_FOUND, 404)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("web page failed: %s", request.url.path, exc_info=exc)
    return message(texts.ERROR_TITLE, texts.INTERNAL_ERROR, 500)


def create_app(desk: Desk) -> SecurityHeaders:
    def guarded(handler: PageHandler) -> Callable[[Request], Awaitable[Response]]:
        return _guarded(desk, handler)

    routes = [
        Route("/", guarded(overview)),
        Route(
            "/theo-muc",
            guarded(
                _breakdown_page(texts.SECTIONS, texts.LABEL_SECTION, "muc", lambda r: r.by_section)
            ),
        ),
        Route(
            "/theo-lanh-dao",
            guarded(
                _breakdown_page(
                    texts.DIRECTORS, texts.LABEL_DIRECTOR, "lanhdao", lambda r: r.by_director
                )
            ),
        ),
        Route(
            "/theo-co-quan",
            guarded(
                _breakdown_page(texts.AGENCIES, texts.LABEL_AGENCY, "coquan", lambda r: r.by_lead)
            ),
        ),
        Route("/nhiem-vu", guarded(task_list)),
        Route("/nhiem-vu/{code}", guarded(task_page)),
        Route("/bieu-do.png", guarded(chart)),
        Route("/bao-cao.xlsx", guarded(workbook)),
        Route("/dang-nhap/{token}", _sign_in_page(desk)),
        Route("/dang-nhap", _sign_in(desk), methods=["POST"]),
        Route("/dang-xuat", _sign_out(desk), methods=["POST"]),
        Route("/da-dang-xuat", _signed_out),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={404: _not_found, 405: _not_found, 500: _server_error},
    )
    return SecurityHeaders(app)
