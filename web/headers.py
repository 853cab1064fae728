"""Security headers on every response (plain ASGI middleware: no per-request task).

CSP: nothing inline and nothing from elsewhere (the stylesheet and the chart are the desk's own
files); no framing; no MIME sniffing; no referrer (a sign-in URL must not leak); every page but
the stylesheet is ``no-store``: pages carry the plan's data and must not stay in a shared cache."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
_COMMON = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_NO_STORE = ((b"cache-control", b"no-store"), (b"pragma", b"no-cache"))
_STATIC = ((b"cache-control", b"public, max-age=3600"),)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = _COMMON + (_STATIC if scope["path"].startswith("/static/") else _NO_STORE)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in extra}
                headers = [h for h in message.get("headers", []) if h[0].lower() not in names]
                message = {**message, "headers": [*headers, *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
