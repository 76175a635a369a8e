"""Latency benchmark: 20 concurrent signed-in clients against the real server.

    .venv/bin/python bench/run.py [--cases 100000] [--clients 20] [--iterations 30]

1. Seeds `harbour_bench` on PostgreSQL if needed (bench/seed.py).
2. Starts gunicorn on a free loopback port (HARBOUR_DEMO=true, so no second
   factor is asked; everything else is the ordinary development profile).
3. Signs every client in through the real /accounts/login/ form (CSRF token
   from the page, session cookie from the answer). Each client is its own
   benchmark account: per organisation one supervisor (sees all of the
   organisation's ~20,000 cases) and three caseworkers (see the ~6,700
   assigned to them).
4. Warm-up rounds (not measured), then every client runs `--iterations`
   rounds; one round is one request of each kind in a shuffled order:
     case_list        GET  /cases/
     case_list_page   GET  /cases/?status=active&page=3
     search           POST /cases/ with q=<pseudonym word or full pseudonym>, then
                      GET of the /cases/?search=<token> address it answers with
     find_phone       POST /cases/find/ (exact phone through the blind index)
     case_detail      GET  /cases/<uuid>/ (writes a case.view audit event)
   There is no think time unless --think-ms is given: each client sends its
   next request as soon as the last one is answered (a closed loop at full
   saturation, far harsher than 20 people reading pages). With --think-ms T
   each client pauses a random 0.5 T to 1.5 T between requests.
5. Prints p50/p95/p99/max and throughput per endpoint, and the CPU time per
   request of the server, of PostgreSQL and of this load client (read from
   /proc); writes bench/results/latest.json (and <label>.json with --label);
   stops the server.

Only loopback traffic; the server is stopped even when something fails.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import math
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import seed

RESULTS = seed.ROOT / "bench" / "results"
HOST = "127.0.0.1"
TARGET_P95_MS = 150.0
ENDPOINTS = ["case_list", "case_list_page", "search", "find_phone", "case_detail"]
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_LINK = re.compile(rb'href="/cases/[0-9a-f-]{36}/"')


class BenchError(Exception):
    pass


# --- HTTP client ---------------------------------------------------------------


class Client:
    """One browser: its own cookies and (where the server allows) keep-alive."""

    def __init__(self, port: int, username: str, role: str) -> None:
        self.port = port
        self.username = username
        self.role = role
        self.origin = f"http://{HOST}:{port}"
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.csrf_token = ""

    def _send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Any:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=120)
        self.conn.request(method, path, body=body, headers=headers)
        return self.conn.getresponse()

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Accept": "text/html", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        reused = self.conn is not None
        try:
            response = self._send(method, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # A kept-alive connection the server had already closed: retry once
            # on a new one (the time of both attempts is measured).
            self.close()
            if not reused:
                raise
            response = self._send(method, path, body, headers)
        data = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        result_headers = {k.lower(): v for k, v in response.getheaders()}
        if response.will_close:
            self.close()
        return response.status, result_headers, data

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def login(self) -> None:
        status, _headers, page = self.request("GET", "/accounts/login/")
        token = CSRF_INPUT.search(page)
        if status != 200 or token is None:
            raise BenchError(f"{self.username}: login page answered {status}")
        status, headers, _ = self.request(
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": self.username,
                "password": seed.PASSWORD,
                "next": "",
            },
        )
        if status != 302 or headers.get("location") != "/" or "sessionid" not in self.cookies:
            raise BenchError(f"{self.username}: sign-in failed ({status})")
        status, _headers, page = self.request("GET", "/cases/")
        token = CSRF_INPUT.search(page)
        if status != 200 or token is None:
            raise BenchError(f"{self.username}: case list after sign-in answered {status}")
        self.csrf_token = token.group(1).decode()


# --- Workload ------------------------------------------------------------------------


@dataclass
class Sample:
    endpoint: str
    started: float
    seconds: float
    ok: bool
    status: int


@dataclass
class Plan:
    """What one client asks for: cases it may see, and search terms from them."""

    case_ids: list[str]
    pseudonyms: list[str]
    rng: random.Random
    samples: list[Sample] = field(default_factory=list)
    error: str = ""


def sample_visible_cases(username: str, role: str, count: int) -> tuple[list[str], list[str]]:
    """Random cases this user can open (same rule as cases.access.visible_cases)."""
    import psycopg

    assigned = (
        ""
        if role == "supervisor"
        else "AND EXISTS (SELECT 1 FROM cases_case_assigned_to a"
        " WHERE a.case_id = c.id AND a.user_id = u.id)"
    )
    query = (
        "SELECT c.id::text, p.pseudonym FROM cases_case c"  # noqa: S608 - fixed fragments only
        " JOIN cases_person p ON p.id = c.person_id"
        " JOIN accounts_membership m ON m.organisation_id = c.organisation_id"
        " JOIN accounts_user u ON u.id = m.user_id"
        f" WHERE u.username = %s {assigned} ORDER BY random() LIMIT %s"
    )
    url = seed.DATABASE_URL.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url) as conn:
        rows = conn.execute(query, [username, count]).fetchall()
    if not rows:
        raise BenchError(f"{username} sees no case: is the database seeded?")
    return [row[0] for row in rows], [row[1] for row in rows]


def one_request(client: Client, plan: Plan, endpoint: str) -> tuple[int, bool]:
    rng = plan.rng
    if endpoint == "case_list":
        status, _, page = client.request("GET", "/cases/")
        return status, status == 200 and len(set(CASE_LINK.findall(page))) == 25
    if endpoint == "case_list_page":
        status, _, page = client.request("GET", "/cases/?status=active&page=3")
        return status, status == 200 and len(set(CASE_LINK.findall(page))) == 25
    if endpoint == "search":
        pseudonym = rng.choice(plan.pseudonyms)
        # Half the searches are one word ("cedar", ~1 in 30 cases), half a full pseudonym.
        term = pseudonym.split()[0].lower() if rng.random() < 0.5 else pseudonym
        # A POST (the text never goes into a URL), then the list at the address it answers.
        form = {"csrfmiddlewaretoken": client.csrf_token, "q": term}
        status, headers, _ = client.request("POST", "/cases/", form)
        if status != 302:
            return status, False
        status, _, page = client.request("GET", headers.get("location", "/cases/"))
        return status, status == 200 and bool(CASE_LINK.search(page))
    if endpoint == "find_phone":
        form = {
            "csrfmiddlewaretoken": client.csrf_token,
            "kind": "phone",
            "value": seed.fictional_phone(rng),
        }
        status, _, page = client.request("POST", "/cases/find/", form)
        answered = b'class="rows"' in page or b'class="empty"' in page
        return status, status == 200 and answered
    if endpoint == "case_detail":
        case_id = rng.choice(plan.case_ids)
        status, _, page = client.request("GET", f"/cases/{case_id}/")
        # "(fictional)" is in the decrypted legal name: the file was really read.
        return status, status == 200 and b"(fictional)" in page
    raise ValueError(endpoint)


def run_client(
    client: Client,
    plan: Plan,
    args: argparse.Namespace,
    ready: threading.Barrier,
    measured: threading.Barrier,
    deadline: list[float],
) -> None:
    try:
        try:
            client.login()
        finally:
            ready.wait()
        for _round in range(args.warmup):
            for endpoint in ENDPOINTS:
                status, ok = one_request(client, plan, endpoint)
                if not ok:
                    # A page that fails while warming up would fail all along:
                    # stop rather than time error pages (see server.log).
                    raise BenchError(f"{endpoint} answered {status} or an unexpected page")
    except Exception as error:
        plan.error = f"{type(error).__name__}: {error}"
    finally:
        measured.wait()
    if plan.error:
        return
    order = list(ENDPOINTS)
    try:
        for _round in range(args.iterations):
            plan.rng.shuffle(order)
            for endpoint in order:
                if time.monotonic() > deadline[0]:
                    return
                started = time.perf_counter()
                try:
                    status, ok = one_request(client, plan, endpoint)
                except (OSError, http.client.HTTPException):
                    status, ok = 0, False
                    client.close()
                plan.samples.append(
                    Sample(endpoint, started, time.perf_counter() - started, ok, status)
                )
                if args.think_ms:
                    time.sleep(plan.rng.uniform(0.5, 1.5) * args.think_ms / 1000)
    except Exception as error:
        plan.error = f"{type(error).__name__}: {error}"
    finally:
        client.close()


# --- Server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(args: argparse.Namespace, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    env = seed.environment()
    env["HARBOUR_DEMO"] = "true"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "harbour.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--timeout",
        "120",
        "--graceful-timeout",
        "10",
        "--log-level",
        "warning",
    ]
    log = log_path.open("wb")
    process = subprocess.Popen(
        command,
        env=env,
        cwd=seed.ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited ({process.returncode}); see {log_path}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                conn.close()
                return process
            conn.close()
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(process)
    raise BenchError(f"gunicorn did not answer within 90 s; see {log_path}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        # The server runs in its own session: its group id is its pid.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- Statistics and environment -------------------------------------------------


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return math.nan
    position = (len(sorted_values) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def summarise(samples: list[Sample], window: float) -> dict[str, Any]:
    values = sorted(s.seconds * 1000 for s in samples)
    return {
        "requests": len(samples),
        "errors": sum(not s.ok for s in samples),
        "p50_ms": round(percentile(values, 0.50), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
        "max_ms": round(values[-1], 1) if values else math.nan,
        "mean_ms": round(sum(values) / len(values), 1) if values else math.nan,
        "throughput_rps": round(len(samples) / window, 1) if window > 0 else math.nan,
    }


def _cpu_seconds(pid: str) -> float:
    """User + system CPU time of one process, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(server_pid: int) -> dict[str, dict[str, float]]:
    """CPU seconds so far of the server (gunicorn master and workers) and of the
    PostgreSQL backends serving harbour_bench."""
    server: dict[str, float] = {str(server_pid): _cpu_seconds(str(server_pid))}
    database: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            argv = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if f"\nPPid:\t{server_pid}\n" in status:
            server[entry.name] = _cpu_seconds(entry.name)
        elif argv.startswith(b"postgres: ") and seed.DB_NAME.encode() in argv:
            database[entry.name] = _cpu_seconds(entry.name)
    return {"server": server, "database": database}


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat: all but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds used by the server and the database while measuring.

    Snapshots every half second, so that a PostgreSQL backend that ends during
    the run (Django reconnects after HARBOUR_DB_CONN_MAX_AGE) still counts with
    the CPU it had used when last seen.
    """

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.baseline = cpu_snapshot(server_pid)
        self.machine_baseline = machine_busy_seconds()
        self.latest = {group: dict(values) for group, values in self.baseline.items()}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _merge(self) -> None:
        for group, values in cpu_snapshot(self.server_pid).items():
            self.latest[group].update(values)

    def _run(self) -> None:
        while not self.done.wait(0.5):
            self._merge()

    def stop(self) -> dict[str, float]:
        self.done.set()
        self.thread.join()
        self._merge()
        used = {
            group: round(
                sum(v - self.baseline[group].get(pid, 0.0) for pid, v in values.items()), 2
            )
            for group, values in self.latest.items()
        }
        used["machine"] = round(machine_busy_seconds() - self.machine_baseline, 2)
        return used


def other_load() -> list[str]:
    """Test runs and browsers sharing the CPU (read from /proc, nothing is touched)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        text = " ".join(part.decode(errors="replace") for part in argv if part)
        if re.search(r"\bpytest\b|chromium --type=renderer", text) and "bench/run.py" not in text:
            found.append(text[:120])
    return found


def environment_facts() -> dict[str, Any]:
    import psycopg

    with psycopg.connect(seed.DATABASE_URL.replace("postgres://", "postgresql://", 1)) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        cases = conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]
    meminfo = Path("/proc/meminfo").read_text().split("\n")[0].split()
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=seed.ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(int(meminfo[1]) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgresql": version,
        "cases_in_database": cases,
        "git_commit": commit,
    }


def print_table(summary: dict[str, dict[str, Any]]) -> None:
    columns = ["endpoint", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms", "req/s"]
    print("| " + " | ".join([*columns, "p95 ≤ 150 ms"]) + " |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, row in summary.items():
        verdict = "yes" if row["p95_ms"] <= TARGET_P95_MS else "no"
        if name == "all":
            verdict = ""
        print(
            f"| {name} | {row['requests']} | {row['errors']} | {row['p50_ms']} | {row['p95_ms']} "
            f"| {row['p99_ms']} | {row['max_ms']} | {row['throughput_rps']} | {verdict} |"
        )


# --- Main ---------------------------------------------------------------------------


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    accounts = seed.all_usernames()
    chosen = [accounts[i % len(accounts)] for i in range(args.clients)]
    plans = []
    for index, (username, role) in enumerate(chosen):
        ids, pseudonyms = sample_visible_cases(username, role, 400)
        plans.append(Plan(ids, pseudonyms, random.Random(args.seed * 1000 + index)))
    port = free_port()
    RESULTS.mkdir(parents=True, exist_ok=True)
    log_path = RESULTS / "server.log"
    load_before = os.getloadavg()
    others = other_load()
    print(f"Starting gunicorn on {HOST}:{port} ({args.workers} × {args.worker_class}"
          f", {args.threads} thread(s))…", flush=True)  # fmt: skip
    server = start_server(args, port, log_path)
    try:
        clients = [Client(port, username, role) for username, role in chosen]
        ready = threading.Barrier(len(clients) + 1)
        measured = threading.Barrier(len(clients) + 1)
        deadline = [math.inf]
        threads = [
            threading.Thread(
                target=run_client,
                args=(client, plan, args, ready, measured, deadline),
                daemon=True,
            )
            for client, plan in zip(clients, plans, strict=True)
        ]
        for thread in threads:
            thread.start()
        ready.wait()
        print(f"{len(clients)} clients signed in; warming up ({args.warmup} rounds)…", flush=True)
        deadline[0] = time.monotonic() + args.max_seconds + 600
        measured.wait()
        failed = [
            f"{c.username}: {p.error}" for c, p in zip(clients, plans, strict=True) if p.error
        ]
        if failed:
            raise BenchError("clients failed before measuring:\n  " + "\n  ".join(failed))
        deadline[0] = time.monotonic() + args.max_seconds
        cpu_before = time.process_time()
        meter = CpuMeter(server.pid)
        started = time.perf_counter()
        print(f"Measuring {args.iterations} rounds per client…", flush=True)
        for thread in threads:
            thread.join()
        window = time.perf_counter() - started
        client_cpu = time.process_time() - cpu_before
        processes_cpu = meter.stop()
        machine = processes_cpu.pop("machine")
        processes_cpu["client"] = round(client_cpu, 2)
        # Everything else that ran meanwhile: other test suites, browsers, builds.
        processes_cpu["other"] = round(max(machine - sum(processes_cpu.values()), 0.0), 2)
    finally:
        stop_server(server)
    failed = [f"{c.username}: {p.error}" for c, p in zip(clients, plans, strict=True) if p.error]
    samples = [sample for plan in plans for sample in plan.samples]
    summary = {
        name: summarise([s for s in samples if s.endpoint == name], window) for name in ENDPOINTS
    }
    summary["all"] = summarise(samples, window)
    expected = args.clients * args.iterations * len(ENDPOINTS)
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "label": args.label,
        "config": {
            "cases": args.cases,
            "clients": args.clients,
            "accounts": sorted({c.username for c in clients}),
            "warmup_rounds": args.warmup,
            "rounds_per_client": args.iterations,
            "think_ms": args.think_ms,
            "server": f"gunicorn {args.workers} workers, {args.worker_class}, "
            f"{args.threads} thread(s)",
            "max_seconds": args.max_seconds,
            "pythonpath": os.environ.get("PYTHONPATH", ""),
        },
        "environment": {
            **environment_facts(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "concurrent_processes": others,
            "cpu_seconds_while_measuring": processes_cpu,
            "cpu_ms_per_request": {
                group: round(1000 * seconds / max(len(samples), 1), 1)
                for group, seconds in processes_cpu.items()
                if group != "other"
            },
            "other_processes_cores": round(processes_cpu["other"] / window, 2),
        },
        "window_seconds": round(window, 1),
        "complete": len(samples) == expected and not failed,
        "client_errors": failed,
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": {name: summary[name]["p95_ms"] <= TARGET_P95_MS for name in ENDPOINTS},
        "endpoints": summary,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=seed.DEFAULT_CASES)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured rounds per client")
    parser.add_argument("--iterations", type=int, default=30, help="measured rounds per client")
    parser.add_argument("--max-seconds", type=float, default=600, help="bound on the measuring")
    parser.add_argument("--think-ms", type=float, default=0, help="mean pause between requests")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--label", default="", help="also write bench/results/<label>.json")
    parser.add_argument("--skip-seed", action="store_true", help="use the database as it is")
    args = parser.parse_args()

    def stop(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    if not args.skip_seed:
        subprocess.run(
            [sys.executable, str(seed.ROOT / "bench" / "seed.py"), "--cases", str(args.cases)],
            check=True,
        )
    try:
        result = benchmark(args)
    except BenchError as error:
        sys.exit(f"Benchmark failed: {error}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2) + "\n"
    (RESULTS / "latest.json").write_text(text)
    if args.label:
        (RESULTS / f"{args.label}.json").write_text(text)
    print()
    print_table(result["endpoints"])
    env = result["environment"]
    per_request = env["cpu_ms_per_request"]
    print(
        f"\nCPU per request: server {per_request['server']} ms, PostgreSQL "
        f"{per_request['database']} ms, load client {per_request['client']} ms; "
        f"other processes used {env['other_processes_cores']} of {env['cpus']} cores meanwhile."
    )
    print(
        f"{result['window_seconds']} s measured, {args.clients} clients, "
        f"{result['config']['server']}; load average before {env['load_average_before']}; "
        f"other test processes running: {len(env['concurrent_processes'])}."
    )
    if not result["complete"]:
        print("Incomplete run (time bound reached or a client failed):", result["client_errors"])
    print(f"Written to {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
