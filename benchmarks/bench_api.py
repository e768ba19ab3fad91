"""API throughput: POST /api/v1/reviews (a 12-KR set) against a bare FastAPI endpoint, same machine, same run.

    .venv/bin/python -m benchmarks.bench_api [--duration 10] [--connections 16] [--rounds 3] [--out reports/bench]

Both servers run on uvicorn with the same options (one worker, loopback, the same loop and HTTP parser, access
log off) in their own processes, pinned to the same core; the load comes from ``wrk`` (``apt-get install wrk``)
on the other core, else from an httpx async loop; either way 16 connections in parallel, after a warm-up, in
alternating rounds. Target (issue 5, section 6): the review endpoint reaches at least 50% of the bare endpoint's
requests per second. Then the review server's memory is read after a warm-up, after 10,000 more requests and
after 10,000 more again: the second difference shows growth. Prints the figures and writes ``api.json``.
A figure, not a timed test.

On a shared machine the req/s of a run depend on how much of its core the server got, so each run also records
the server process's own CPU time per request (``server_cpu_ms``, from /proc) and the share of a core it had:
``cpu_ratio`` (bare CPU per request / review CPU per request) is the ratio the two would reach on an idle core.
``in_process_cpu_ms`` splits one review request into its parts, measured without sockets: the parser, the
reviewer, the JSON rendering, a whole request through the app's ASGI stack, and the bare app's request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

TARGET_RATIO = 0.5
CLIENT_BOUND_SHARE = 0.9  # below this share of a core, the bare server was starved by its client
ROUTE = "/api/v1/reviews"

# 4 objectives x 3 key results: sound ones and the usual flaws, so the rules have real work to do.
PAYLOAD = {
    "team": "Field Apps",
    "period": "2027-Q1",
    "level": "team",
    "objectives": [
        {"title": "Make onboarding effortless", "aligns_to": {"id": "CO-2"}, "key_results": [
            {"text": "Cut median time to first published schedule from 19 to 10 days by 2027-03-31", "owner": "ana"},
            {"text": "Improve the onboarding experience"},
            {"text": "Raise week-one activation from 41% to 60% by 2027-03-31", "owner": "ana"},
        ]},
        {"title": "Win European field-service firms", "aligns_to": {"id": "CO-1"}, "key_results": [
            {"text": "Raise European trial conversion from 11.2% to 14% by 2027-03-31", "owner": "raj"},
            {"text": "Launch the EU data hosting region"},
            {"text": "Grow European ARR from $4.3M to $5.4M", "owner": "raj"},
        ]},
        {"title": "Increase mobile revenue by 25% and continue supporting the app", "key_results": [
            {"text": "Increase weekly active technicians from 3,600 to 5,000 by 2027-03-31", "owner": "li"},
            {"text": "Publish 12 blog posts about offline mode"},
            {"text": "Increase signups by 20% and reduce churn to 3%"},
        ]},
        {"title": "Keep dispatch fast for small teams", "aligns_to": {"id": "CO-3"}, "key_results": [
            {"text": "Keep p95 schedule load time under 800 ms", "owner": "li"},
            {"text": "Reduce dispatcher reassignment calls from 14% to 8% of jobs by 2027-03-31", "owner": "li"},
            {"text": "Achieve SOC 2 Type II certification for the mobile app"},
        ]},
    ],
}
BARE_BODY = b'{"score":100,"profile":"default","findings":[],"objectives":[],"summary":""}'


# --- the two servers ------------------------------------------------------------------------------------------

def bare_app() -> object:
    from fastapi import FastAPI
    from fastapi.responses import Response

    app = FastAPI()

    @app.post(ROUTE)
    async def constant() -> Response:
        return Response(BARE_BODY, media_type="application/json")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def review_app(data_dir: Path) -> object:
    from assistant.api import create_app
    from assistant.config import settings_from_env

    return create_app(settings_from_env(data_dir=data_dir))


# one set of server options for both apps, so the only difference is the app
SERVER_OPTIONS: dict[str, object] = {
    "host": "127.0.0.1", "workers": 1, "loop": "auto", "http": "auto", "log_level": "warning", "access_log": False,
}


def run_server(kind: str, port: int, data_dir: Path) -> None:
    import uvicorn

    app = bare_app() if kind == "bare" else review_app(data_dir)
    uvicorn.run(app, port=port, **SERVER_OPTIONS)  # type: ignore[arg-type]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


PIN = {"enabled": True}


def _cpus() -> tuple[set[int], set[int]]:
    """(server CPUs, client CPUs): one core each when there are two or more (and pinning is on)."""
    if not PIN["enabled"]:
        return set(), set()
    available = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(available) >= 2:
        return {available[0]}, {available[1]}
    return set(available), set(available)


@contextmanager
def server(kind: str, data_dir: Path) -> Iterator[tuple[str, int]]:
    """A server process; yields (base URL, pid)."""
    port = _free_port()
    server_cpus, _ = _cpus()
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.bench_api", "--serve", kind, "--port", str(port), "--data-dir",
         str(data_dir)],
        preexec_fn=(lambda: os.sched_setaffinity(0, server_cpus)) if server_cpus else None,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the {kind} server did not start")
            time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


# --- load --------------------------------------------------------------------------------------------------

_UNIT = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    if match is None:
        raise ValueError(f"unreadable latency {text!r}")
    return float(match.group(1)) * _UNIT[match.group(2)]


def load_wrk(url: str, body: bytes, *, duration: float, connections: int, workdir: Path) -> dict[str, float]:
    body_file = workdir / "body.json"
    body_file.write_bytes(body)
    script = workdir / "post.lua"
    script.write_text(
        f'local f = io.open("{body_file}", "rb")\nwrk.body = f:read("*a")\nf:close()\n'
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n',
        encoding="utf-8",
    )
    _, client_cpus = _cpus()
    # a generous timeout: a starved server's slow answers are latency, not socket errors
    command = ["wrk", "-t2", f"-c{connections}", f"-d{int(duration)}s", "--timeout", "30s", "--latency", "-s",
               str(script), url]
    if client_cpus and shutil.which("taskset"):
        command = ["taskset", "-c", ",".join(map(str, sorted(client_cpus))), *command]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50_ms": _ms(re.search(r"\s50%\s+(\S+)", output).group(1)),  # type: ignore[union-attr]
        "p99_ms": _ms(re.search(r"\s99%\s+(\S+)", output).group(1)),  # type: ignore[union-attr]
        "requests": float(re.search(r"(\d+) requests in", output).group(1)),  # type: ignore[union-attr]
        "non_2xx": float(errors.group(1)) if errors else 0.0,
        "socket_errors": 1.0 if socket_errors else 0.0,
    }


async def _load_httpx(url: str, body: bytes, *, duration: float | None, requests: int | None,
                      connections: int) -> dict[str, float]:
    latencies: list[float] = []
    failures = 0
    sent = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    headers = {"Content-Type": "application/json"}
    started = time.perf_counter()
    stop = started + duration if duration is not None else float("inf")

    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        async def worker() -> None:
            nonlocal failures, sent
            while time.perf_counter() < stop and (requests is None or sent < requests):
                sent += 1
                begin = time.perf_counter()
                try:
                    response = await client.post(url, content=body, headers=headers)
                except httpx.TransportError:  # counted and reported, never hidden
                    failures += 1
                    continue
                latencies.append((time.perf_counter() - begin) * 1000)
                if response.status_code != 200:
                    failures += 1

        await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    if not latencies:
        raise RuntimeError(f"no request to {url} succeeded ({failures} failures)")
    ordered = sorted(latencies)
    return {
        "requests_per_s": len(latencies) / elapsed,
        "p50_ms": ordered[len(ordered) // 2],
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "requests": float(len(latencies)),
        "non_2xx": float(failures),
        "socket_errors": 0.0,
    }


def load_httpx(url: str, body: bytes, *, duration: float | None = None, requests: int | None = None,
               connections: int = 16) -> dict[str, float]:
    return asyncio.run(_load_httpx(url, body, duration=duration, requests=requests, connections=connections))


# --- the run -----------------------------------------------------------------------------------------------

def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="Seconds of load per measurement.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="Alternating bare/review measurements (median).")
    parser.add_argument("--memory-requests", type=int, default=10_000)
    parser.add_argument("--client", choices=["auto", "wrk", "httpx"], default="auto")
    parser.add_argument("--no-pin", action="store_true",
                        help="Let the OS place server and client (default: one core each).")
    parser.add_argument("--out", type=Path, default=Path("reports/bench"))
    parser.add_argument("--serve", choices=["bare", "review"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        run_server(args.serve, args.port, args.data_dir)
        return 0

    PIN["enabled"] = not args.no_pin
    client = args.client if args.client != "auto" else ("wrk" if shutil.which("wrk") else "httpx")
    load_before = _load()
    body = json.dumps(PAYLOAD).encode()
    runs: dict[str, list[dict[str, float]]] = {"bare": [], "review": []}
    memory: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="okr-bench-api-") as folder:
        workdir = Path(folder)
        with server("review", workdir / "data") as (review_url, review_pid), \
                server("bare", workdir) as (bare_url, bare_pid):
            check = httpx.post(f"{review_url}{ROUTE}", content=body, headers={"Content-Type": "application/json"})
            check.raise_for_status()
            report = check.json()
            krs = sum(len(o["key_results"]) for o in report["objectives"])
            assert krs == 12, krs
            print(f"review of the 12-KR set: score {report['score']}, {len(report['findings'])} findings", flush=True)
            load_httpx(f"{review_url}{ROUTE}", body, requests=1_000, connections=args.connections)  # warm-up
            load_httpx(f"{bare_url}{ROUTE}", body, requests=1_000, connections=args.connections)
            for round_number in range(1, args.rounds + 1):
                for kind, base, pid in (("bare", bare_url, bare_pid), ("review", review_url, review_pid)):
                    url = f"{base}{ROUTE}"
                    cpu_before, wall_before = cpu_seconds(pid), time.monotonic()
                    if client == "wrk":
                        figures = load_wrk(url, body, duration=args.duration, connections=args.connections,
                                           workdir=workdir)
                    else:
                        figures = load_httpx(url, body, duration=args.duration, connections=args.connections)
                    cpu = cpu_seconds(pid) - cpu_before
                    figures["server_cpu_ms"] = cpu / max(figures["requests"], 1.0) * 1000
                    figures["server_core_share"] = cpu / (time.monotonic() - wall_before)
                    runs[kind].append(figures)
                    print(f"round {round_number} {kind:>6}: {figures['requests_per_s']:8.0f} req/s  "
                          f"p50 {figures['p50_ms']:6.2f} ms  p99 {figures['p99_ms']:6.2f} ms  "
                          f"server {figures['server_cpu_ms']:.3f} CPU ms/request, "
                          f"{figures['server_core_share']:.0%} of a core  "
                          f"({figures['non_2xx']:.0f} non-2xx)", flush=True)

            memory["rss_after_warmup_kib"] = rss_kib(review_pid)
            for step in ("first", "second"):
                done = load_httpx(f"{review_url}{ROUTE}", body, requests=args.memory_requests,
                                  connections=args.connections)
                memory[f"rss_after_{step}_kib"] = rss_kib(review_pid)
                memory[f"failures_{step}"] = done["non_2xx"]

    def median(kind: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[kind])

    from benchmarks.bench_api_parts import in_process_cpu_ms

    with tempfile.TemporaryDirectory(prefix="okr-bench-api-") as folder:
        work = in_process_cpu_ms(body, Path(folder))
    keys = ("requests_per_s", "p50_ms", "p99_ms", "server_cpu_ms", "server_core_share")
    bare, reviewed = ({key: median(kind, key) for key in keys} for kind in ("bare", "review"))
    bare_rps, review_rps = bare["requests_per_s"], reviewed["requests_per_s"]
    ratio = review_rps / bare_rps
    cpu_ratio = bare["server_cpu_ms"] / reviewed["server_cpu_ms"]
    # A bare server that did not get most of its core was waiting for the client (the httpx loop tops out near
    # 600 req/s): its req/s measure the load generator, so the verdict falls back on CPU time per request.
    client_bound = bare["server_core_share"] < CLIENT_BOUND_SHARE
    judged = cpu_ratio if client_bound else ratio
    growth = memory["rss_after_second_kib"] - memory["rss_after_first_kib"]
    result = {
        "benchmark": "api",
        "client": client,
        "connections": args.connections,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "route": ROUTE,
        "key_results": 12,
        "bare": bare,
        "review": reviewed,
        "ratio": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "cpu_ratio": round(cpu_ratio, 3),
        "client_bound": client_bound,
        "judged_by": "cpu_ratio" if client_bound else "ratio",
        "meets_target": judged >= TARGET_RATIO,
        "server_options": SERVER_OPTIONS,
        "errors": sum(run["non_2xx"] + run["socket_errors"] for kind in runs for run in runs[kind]),
        "in_process_cpu_ms": work,
        "memory": {**memory, "requests_per_step": args.memory_requests, "growth_second_step_kib": growth},
        "runs": runs,
        "pinned": not args.no_pin,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load_before": load_before},
    }
    print(f"\nPOST {ROUTE} (12 KRs), {args.connections} connections, {client}:")
    for name, figures in (("bare FastAPI", bare), ("review", reviewed)):
        print(f"  {name:<13}: {figures['requests_per_s']:8.0f} req/s  p50 {figures['p50_ms']:.2f} ms  "
              f"p99 {figures['p99_ms']:.2f} ms  server {figures['server_cpu_ms']:.3f} CPU ms/request")
    verdict = f"target >= {TARGET_RATIO:.0%}: {'met' if judged >= TARGET_RATIO else 'NOT met'}"
    if client_bound:
        print(f"  ratio        : {ratio:.0%} of bare req/s, which is the client's limit: the bare server had only "
              f"{bare['server_core_share']:.0%} of its core (install wrk)")
        print(f"  by server CPU per request: {cpu_ratio:.0%} ({verdict})")
    else:
        print(f"  ratio        : {ratio:.0%} of bare ({verdict}); by server CPU per request: {cpu_ratio:.0%}")
    print(f"  in process   : parse {work['parse']:.3f} + review {work['review']:.3f} + render {work['render']:.3f}"
          f" ms CPU; whole request through the app {work['app_request']:.3f} ms (bare app "
          f"{work['bare_request']:.3f} ms), so the API layer adds {work['api_overhead']:.3f} ms")
    print(f"  server RSS   : {memory['rss_after_warmup_kib'] / 1024:.1f} MiB after warm-up, "
          f"{memory['rss_after_first_kib'] / 1024:.1f} MiB after {args.memory_requests:,} requests, "
          f"{memory['rss_after_second_kib'] / 1024:.1f} MiB after {args.memory_requests:,} more "
          f"({growth / 1024:+.1f} MiB)")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "api.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
