"""A draft as a stream of server-sent events, with the drafting itself in a worker thread.

``draft_stream(run)`` starts ``run(on_event)`` in a thread and yields what happens, in order: the progress events
(step / objective / repair), then either the final ``DraftResult`` or the ``OKRError`` that stopped the draft.
The drafter's own ``result`` event is not passed on: a result is only ever sent once the draft really
finished, so a failure can never look complete. When the client goes away the next progress event stops the
worker, so a dropped connection does not keep a model busy.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from assistant.errors import OKRError
from assistant.okr import DraftEvent, DraftResult

log = logging.getLogger("assistant.api")

EventHandler = Callable[[DraftEvent], None]
KEEPALIVE_SECONDS = 15.0
STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


class InternalError(OKRError):
    code = "internal_error"
    status = 500


class StreamClosed(Exception):
    """Raised inside the worker when the client has gone."""


@dataclass(frozen=True)
class Progress:
    event: DraftEvent


@dataclass(frozen=True)
class Finished:
    result: DraftResult


@dataclass(frozen=True)
class Failed:
    error: OKRError


@dataclass(frozen=True)
class KeepAlive:
    pass


Item = Progress | Finished | Failed | KeepAlive


def sse(event: str, data: object) -> bytes:
    """One server-sent event; ``data`` is JSON on a single line."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event}\ndata: {payload}\n\n".encode()


def keepalive_frame() -> bytes:
    return b": keep-alive\n\n"


def error_data(error: OKRError) -> dict[str, dict[str, str]]:
    return {"error": {"code": error.code, "message": error.message}}


async def draft_stream(
    run: Callable[[EventHandler], DraftResult], *, keepalive: float = KEEPALIVE_SECONDS
) -> AsyncIterator[Item]:
    """Run a draft in a worker thread and yield its progress, then its end (``Finished`` or ``Failed``)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Item] = asyncio.Queue()
    closed = threading.Event()

    def put(item: Item) -> None:
        if not closed.is_set():
            loop.call_soon_threadsafe(queue.put_nowait, item)

    def on_event(event: DraftEvent) -> None:
        if closed.is_set():
            raise StreamClosed
        if event.kind != "result":
            put(Progress(event))

    def work() -> None:
        try:
            put(Finished(run(on_event)))
        except StreamClosed:
            pass
        except OKRError as exc:
            put(Failed(exc))
        except Exception:
            log.exception("Unexpected error while drafting (stream)")
            put(Failed(InternalError("The draft failed on our side; the server log has the details. Try again.")))

    worker = loop.run_in_executor(None, work)
    try:
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), timeout=keepalive)
            except TimeoutError:
                yield KeepAlive()
                continue
            yield item
            if isinstance(item, Finished | Failed):
                break
    finally:
        closed.set()
        if worker.done():
            worker.result()
