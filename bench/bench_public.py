"""Benchmark: the public self-check's answer page under a link shared widely.

    .venv/bin/python bench/bench_public.py [--workers 2 3 4] [--worker-class sync gthread]
                                           [--threads 4] [--duration 15] [--rate 150]
                                           [--connections 32]

Starts gunicorn as `harbour serve` does (Harbour's gunicorn config, the public
site alone: HARBOUR_SITE=public) on a free loopback port, for each worker count
and worker class asked, and POSTs a filled-in self-check to the answer page:

* saturation, closed loop: `wrk` (Debian's package) with a Lua script for the
  POST, `--connections` connections on two threads for `--duration` seconds;
  reports pages per second and wrk's latency percentiles;
* offered load, open loop: a Python asyncio generator that sends one request
  every 1/`--rate` s on its own connection whatever the server's pace
  (wrk cannot fix a rate; wrk2 is not in Debian), and measures each latency
  from the moment the request was due, so a stalled server shows in the p95
  (no coordinated omission).

The answer pages of the first set differ by language, so the cache of engine
results is warm as it would be when many people answer alike; `--varied`
cycles through 64 answer sets instead. The database is an empty in-memory
SQLite: the answer page makes no query, and a page that tried would fail and
count as an error. Targets (issue 12): at least 300 pages/s at saturation and a
p95 of at most 100 ms with 150 requests/s offered, on a 2-core machine with the
load generator on it too. Every phase stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import itertools
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
ANSWER_PATH = "/help/{language}/self-check/"
LANGUAGES = ("en", "fr", "es", "tl", "pa", "zh-hans", "vi", "ar")
# A worker in Ontario on a closed permit whose answers show several signs.
ANSWERS = {
    "where": "ON",
    "permit": "tied_permit",
    "works": "yes",
    "job_not_as_promised": "yes",
    "owes_money": "yes",
    "papers_kept": "yes",
    "long_hours": "yes",
    "paid_less": "dont_know",
    "threatened": "rather_not_say",
    "not_free": "no",
}
VARIED_QUESTIONS = ("job_not_as_promised", "owes_money", "papers_kept", "long_hours", "hurt")
VARIED_PROVINCES = ("ON", "BC", "QC", "AB")
EXPECTED_TEXT = b"data-quick-exit"

WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local bodies = {%(bodies)s}
local paths = {%(paths)s}
local i = 0
request = function()
  i = i + 1
  local n = (i %% #bodies) + 1
  return wrk.format(nil, paths[n], nil, bodies[n])
end
done = function(summary, latency, requests)
  io.write(string.format("HARBOUR non2xx=%%d\\nHARBOUR errors=%%d\\n",
    summary.errors.status, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
  for _, p in ipairs({50, 90, 95, 99}) do
    io.write(string.format("HARBOUR p%%d=%%.2f\\n", p, latency:percentile(p) / 1000))
  end
end
"""


@dataclass
class Saturation:
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    bad: int


@dataclass
class OpenLoop:
    offered: float
    sent: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    bad: int


def answer_sets(varied: bool) -> list[tuple[str, str]]:
    """(path, urlencoded body) pairs the load cycles through."""
    if not varied:
        return [(ANSWER_PATH.format(language=code), urlencode(ANSWERS)) for code in LANGUAGES]
    sets = []
    choices = itertools.product(("yes", "no"), repeat=len(VARIED_QUESTIONS))
    for number, values in enumerate(itertools.islice(choices, 16)):
        for province in VARIED_PROVINCES:
            body = {
                **ANSWERS,
                "where": province,
                **dict(zip(VARIED_QUESTIONS, values, strict=True)),
            }
            language = LANGUAGES[number % len(LANGUAGES)]
            sets.append((ANSWER_PATH.format(language=language), urlencode(body)))
    return sets


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def server_environment(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "harbour.settings",
        "HARBOUR_ENV": "development",
        "HARBOUR_DEBUG": "false",
        "HARBOUR_SITE": "public",
        "HARBOUR_DATA_DIR": str(folder),
        "HARBOUR_SECRET_KEY": "bench-secret-key-" + "x" * 40,
        "HARBOUR_FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "HARBOUR_INDEX_KEY": "YmVuY2gtaW5kZXgta2V5LXRoYXQtaXMtMzItYnl0ZXMhIQ==",
        "HARBOUR_LOG_LEVEL": "ERROR",
        "DATABASE_URL": "sqlite://",
    }


@contextmanager
def gunicorn(workers: int, worker_class: str, threads: int) -> Iterator[int]:
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="harbour-bench-public-"))
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:harbour.core.gunicorn_conf",
        "harbour.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--access-logfile",
        "-",
    ]
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=server_environment(folder),
        stdout=subprocess.DEVNULL,  # the access log: one line per page, not wanted here
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise SystemExit((folder / "server.log").read_text()[-3000:])
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def http_request(path: str, body: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body.encode())}\r\n\r\n{body}"
    ).encode()


async def fetch(port: int, request: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = re.search(rb"(?i)content-length:\s*(\d+)", head)
        body = await (reader.readexactly(int(length.group(1))) if length else reader.read())
        return status, body
    finally:
        writer.close()


def check_pages(port: int, sets: list[tuple[str, str]]) -> None:
    """Every answer page answers 200 with the page the site shows (and warms caches)."""

    async def run() -> None:
        for path, body in sets:
            status, page = await fetch(port, http_request(path, body))
            if status != 200 or EXPECTED_TEXT not in page:
                raise SystemExit(f"{path} answered {status}, not the answer page")

    asyncio.run(run())


def saturate(port: int, sets: list[tuple[str, str]], seconds: int, connections: int) -> Saturation:
    def lua(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    script = WRK_SCRIPT % {
        "bodies": ", ".join(lua(body) for _path, body in sets),
        "paths": ", ".join(lua(path) for path, _body in sets),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        result = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "5s",
                "-s",
                handle.name,
                f"http://{HOST}:{port}/",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        )
    finally:
        os.unlink(handle.name)
    output = result.stdout
    found = dict(re.findall(r"HARBOUR (\w+)=([\d.]+)", output))
    return Saturation(
        per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=float(found["p50"]),
        p95_ms=float(found["p95"]),
        p99_ms=float(found["p99"]),
        bad=int(found["non2xx"]) + int(found["errors"]),
    )


def open_loop(port: int, sets: list[tuple[str, str]], rate: float, seconds: int) -> OpenLoop:
    requests = [http_request(path, body) for path, body in sets]
    total = int(rate * seconds)

    async def run() -> tuple[list[float], int]:
        latencies: list[float] = []
        bad = 0
        loop = asyncio.get_running_loop()
        start = loop.time() + 0.1

        async def one(number: int) -> None:
            nonlocal bad
            due = start + number / rate
            await asyncio.sleep(max(0.0, due - loop.time()))
            try:
                status, _page = await asyncio.wait_for(
                    fetch(port, requests[number % len(requests)]), timeout=10
                )
                if status != 200:
                    bad += 1
            except (TimeoutError, OSError, asyncio.IncompleteReadError):
                bad += 1
            latencies.append(loop.time() - due)  # from when it was due, not sent

        await asyncio.gather(*(one(number) for number in range(total)))
        return latencies, bad

    latencies, bad = asyncio.run(run())
    latencies.sort()

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, round(share * len(latencies)) - 1)] * 1000

    return OpenLoop(rate, total, percentile(0.50), percentile(0.95), percentile(0.99), bad)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 3, 4])
    parser.add_argument("--worker-class", nargs="+", default=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--duration", type=int, default=15, help="seconds per phase")
    parser.add_argument("--rate", type=float, default=150.0, help="requests/s offered, open loop")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--varied", action="store_true", help="64 answer sets, not 8 languages")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    sets = answer_sets(args.varied)
    print(
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
        f"load average before {os.getloadavg()[0]:.2f}; {len(sets)} answer sets"
    )
    header = "| workers | class | saturation pages/s | p50 / p95 / p99 ms (wrk) "
    header += f"| {args.rate:.0f}/s offered: p50 / p95 / p99 ms | errors |"
    print(header)
    print("|---|---|---|---|---|---|")
    for worker_class in args.worker_class:
        for workers in args.workers:
            threads = args.threads if worker_class == "gthread" else 1
            with gunicorn(workers, worker_class, threads) as port:
                check_pages(port, sets)
                full = saturate(port, sets, args.duration, args.connections)
                time.sleep(2)  # let the backlog drain between the phases
                offered = open_loop(port, sets, args.rate, args.duration)
            label = f"{worker_class} ×{threads}" if worker_class == "gthread" else worker_class
            print(
                f"| {workers} | {label} | {full.per_second:,.0f} | "
                f"{full.p50_ms:.0f} / {full.p95_ms:.0f} / {full.p99_ms:.0f} | "
                f"{offered.p50_ms:.0f} / {offered.p95_ms:.0f} / {offered.p99_ms:.0f} | "
                f"{full.bad} + {offered.bad} |",
                flush=True,
            )
    print(f"load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
