"""Serving the desk with uvicorn on the service's own event loop."""

from __future__ import annotations

import asyncio
import logging

import uvicorn

from web.app import Desk, create_app

log = logging.getLogger(__name__)


def server(desk: Desk, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(desk),
        host=host,
        port=port,
        lifespan="off",
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,
    )
    return uvicorn.Server(config)


async def serve(desk: Desk, host: str, port: int) -> None:
    """Until SIGINT or SIGTERM (uvicorn's own signal handling)."""
    log.info("web desk on http://%s:%d", host, port)
    await server(desk, host, port).serve()


class Background:
    """The desk inside ``python -m bot run``: started next to the channels, stopped with them."""

    def __init__(self, desk: Desk, host: str, port: int) -> None:
        self._server = server(desk, host, port)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        # uvicorn tells it has started only by a flag
        while not self._server.started and not self._task.done():  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        if self._task.done():
            self._task.result()  # a port already taken: raise here, at start-up
            raise RuntimeError("the web desk stopped at start-up")
        log.info("web desk on http://%s:%d", self._server.config.host, self._server.config.port)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task
