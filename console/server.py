"""Run the console's HTTP server in this process (``csms console``, or a child of ``csms up``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import uvicorn

from console.app import build
from servicekit.console_settings import ConsoleSettings

LOG = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """uvicorn's server without its signal handlers: signals belong to the component runner
    (launcher.components), which stops the console with the rest."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class RunningConsole:
    def __init__(self, server: _Server, task: asyncio.Task[None], port: int) -> None:
        self._server = server
        self._task = task
        self.port = port

    async def stop(self) -> None:
        self._server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self._task, timeout=10)


async def start(settings: ConsoleSettings) -> RunningConsole:
    # One line per API call at INFO would drown the console's own log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    config = uvicorn.Config(
        build(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        lifespan="on",
        # Envoy in front says who the client is; the console never trusts it for anything.
        proxy_headers=False,
        timeout_graceful_shutdown=2,
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
            raise OSError(f"the console could not listen on {settings.host}:{settings.port}")
        await asyncio.sleep(0.05)
    port = settings.port
    for listener in server.servers:
        for sock in listener.sockets:
            port = int(sock.getsockname()[1])
    LOG.info(
        "console listening on %s:%d, calling the API at %s", settings.host, port, settings.api_url
    )
    return RunningConsole(server, task, port)
