"""Benchmark: import a 50,000-row spreadsheet of people and cases.

    .venv/bin/python bench/bench_import.py [--rows 50000] [--format csv|xlsx|both]
                                           [--database sqlite|postgres]

Generates a fictional spreadsheet (names say "(fictional)", phone numbers are
in the 555-01xx range), then runs the real import path: upload (encrypted
into the job), check every row (the dry run), and the job itself, which
creates each person and case through cases.services in one transaction.
Reports the time of each step and the peak memory of the process
(ru_maxrss). Target (issue 5): 50,000 rows in at most 60 s and 1 GB.

SQLite runs in a fresh file under bench/.data/import/; PostgreSQL in a
database of its own, harbour_bench_import (created, and dropped at the end).
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / ".data" / "import"
PG_SERVER = os.environ.get("HARBOUR_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DB = "harbour_bench_import"
HEADER = [
    "Pseudonym",
    "Legal name",
    "Date of birth",
    "Phone",
    "Nationality",
    "Languages",
    "Immigration status",
    "Province",
    "Sector",
    "Forms of exploitation",
    "Summary",
    "Opened on",
]
STATUSES = ["temporary_worker", "visitor", "no_status", "refugee_claimant", "unknown"]
PROVINCES = ["ON", "QC", "BC", "AB", "MB"]
SECTORS = ["agriculture", "food_processing", "construction", "care_work", "hospitality"]
FORMS = ["labour_trafficking", "worker_at_risk", "domestic_servitude", "sexual_exploitation"]


def fictional_rows(count: int) -> list[list[str]]:
    rows = []
    for i in range(count):
        rows.append(
            [
                f"Bench{i:06d}",
                f"Person {i} (fictional)",
                f"{1970 + i % 35}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                f"416-555-01{i % 100:02d}",
                "Fictionland",
                "Spanish",
                STATUSES[i % len(STATUSES)],
                PROVINCES[i % len(PROVINCES)],
                SECTORS[i % len(SECTORS)],
                FORMS[i % len(FORMS)],
                f"Fictional summary {i}: wages withheld, passport kept.",
                f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
            ]
        )
    return rows


def spreadsheet(kind: str, count: int) -> bytes:
    from harbour.core.spreadsheets import write_csv, write_xlsx

    rows = fictional_rows(count)
    return write_xlsx(HEADER, rows) if kind == "xlsx" else write_csv(HEADER, rows)


def configure(database: str) -> None:
    if database == "postgres":
        subprocess.run(
            ["psql", PG_SERVER + "/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {PG_DB}"],
            check=True,
        )
        subprocess.run(
            ["psql", PG_SERVER + "/postgres", "-q", "-c", f"CREATE DATABASE {PG_DB}"], check=True
        )
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_DB}"
    else:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
        DATA_DIR.mkdir(parents=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DATA_DIR / 'bench.sqlite3'}"
    os.environ.setdefault("HARBOUR_DATA_DIR", str(DATA_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "harbour.settings"
    from harbour.core.keyfiles import ensure_key_files

    ensure_key_files(Path(os.environ["HARBOUR_DATA_DIR"]))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(kind: str, count: int, number: int) -> dict[str, float]:
    from django.core.management import call_command

    from harbour.accounts.models import Role
    from harbour.accounts.services import create_organisation, create_staff
    from harbour.audit.services import Actor
    from harbour.cases.models import Case
    from harbour.imports import services

    system = Actor.system("bench")
    organisation = create_organisation(system, f"Import bench {number} (fictional)", "ON")
    user = create_staff(
        system,
        organisation,
        f"importer{number}",
        "bench-import-2026",
        Role.SUPERVISOR,
        validate=False,
    )
    actor = Actor(user=user, ip_address="bench")
    started = time.perf_counter()
    data = spreadsheet(kind, count)
    generated = time.perf_counter()
    job = services.upload_spreadsheet(actor, data, f"bench.{kind}")
    uploaded = time.perf_counter()
    job = services.check_import(actor, job, job.mapping)
    assert job.error_count == 0, job.errors[:5]
    checked = time.perf_counter()
    # The job is queued in django-tasks' database backend and run by the
    # real worker, in this process so that its memory is measured too.
    services.queue_import(actor, job)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    created = job.rows_done
    done = time.perf_counter()
    assert created == count == Case.objects.filter(organisation=organisation).count()
    return {
        "file_mb": len(data) / (1024 * 1024),
        "generate_s": generated - started,
        "upload_s": uploaded - generated,
        "check_s": checked - uploaded,
        "import_s": done - checked,
        "total_s": done - generated,
        "peak_mb": peak_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--format", choices=["csv", "xlsx", "both"], default="both")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    configure(args.database)
    kinds = ["csv", "xlsx"] if args.format == "both" else [args.format]
    print(f"# import benchmark, {datetime.date.today()}, {args.database}, {args.rows:,} rows")
    print("| format | file MB | upload s | check (dry run) s | import s | total s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for number, kind in enumerate(kinds):
        r = run_one(kind, args.rows, number)
        print(
            f"| {kind} | {r['file_mb']:.1f} | {r['upload_s']:.1f} | {r['check_s']:.1f} "
            f"| {r['import_s']:.1f} | {r['total_s']:.1f} | {r['peak_mb']:.0f} |",
            flush=True,
        )
    if args.database == "postgres":
        from django.db import connections

        connections.close_all()
        subprocess.run(
            ["psql", PG_SERVER + "/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {PG_DB}"],
            check=False,
        )


if __name__ == "__main__":
    main()
