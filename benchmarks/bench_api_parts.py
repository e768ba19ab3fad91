"""Where one review request's CPU goes, measured in-process without sockets (part of ``benchmarks.bench_api``).

    from benchmarks.bench_api_parts import in_process_cpu_ms
    in_process_cpu_ms(body, data_dir)   # {"parse", "review", "render", "app_request", "bare_request", "api_overhead"}

``app_request`` is one POST through the whole ASGI stack of ``create_app`` (middleware, routing, dependencies,
parsing, reviewing, rendering); ``bare_request`` the same through the bare app; ``api_overhead`` what the
review app's request costs beyond parse + review + render.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_api import ROUTE, bare_app, review_app


async def _asgi_post(app: object, body: bytes) -> int:
    """One POST of ``body`` to ROUTE straight into the ASGI app (no sockets, no server); the status."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": ROUTE, "raw_path": ROUTE.encode(), "query_string": b"", "root_path": "", "state": {},
        "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status = 0

    async def receive() -> dict[str, object]:
        return messages.pop() if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])  # type: ignore[call-overload]

    await app(scope, receive, send)  # type: ignore[operator]
    return status


def in_process_cpu_ms(body: bytes, data_dir: Path, *, rounds: int = 300, blocks: int = 5) -> dict[str, float]:
    """CPU milliseconds per request, in this process: the work the review route delegates (parsing, reviewing,
    rendering the JSON), a whole request through the review app's ASGI stack, and one through the bare app.

    The kinds are measured in interleaved blocks and each figure is the median block, so a burst of load from
    elsewhere lands on one block rather than on one kind.
    """
    from assistant.parse import parse_okr_bytes
    from assistant.policy import get_policy
    from assistant.review import review

    policy = get_policy("default")
    okr_set = parse_okr_bytes(body, fmt="json")
    report = review(okr_set, policy=policy)
    apps = {"app_request": review_app(data_dir), "bare_request": bare_app()}
    work: dict[str, Callable[[], object]] = {
        "parse": lambda: parse_okr_bytes(body, fmt="json"),
        "review": lambda: review(okr_set, policy=policy),
        "render": report.model_dump_json,
    }

    async def measure() -> dict[str, list[float]]:
        times: dict[str, list[float]] = {name: [] for name in (*work, *apps)}
        for name, app in apps.items():  # warm-up, and the check that both answer
            for _ in range(20):
                status = await _asgi_post(app, body)
                if status != 200:
                    raise RuntimeError(f"{name}: status {status}")
        per_block = max(1, rounds // blocks)
        for _ in range(blocks):
            for name, call in work.items():
                start = time.process_time()
                for _ in range(per_block):
                    call()
                times[name].append((time.process_time() - start) / per_block * 1000)
            for name, app in apps.items():
                start = time.process_time()
                for _ in range(per_block):
                    await _asgi_post(app, body)
                times[name].append((time.process_time() - start) / per_block * 1000)
        return times

    figures = {name: statistics.median(values) for name, values in asyncio.run(measure()).items()}
    # framework (routing, dependencies, middleware, body, response) plus the cost of a bigger working set
    figures["api_overhead"] = figures["app_request"] - figures["parse"] - figures["review"] - figures["render"]
    return figures
