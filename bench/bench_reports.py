"""Benchmark the statistics: the dashboard's eight tables over 1M people and
1.2M cases on PostgreSQL, cold and cached, a full release, peak memory.

    nice -n 10 .venv/bin/python bench/bench_reports.py [--people 1000000] [--keep] [--reuse]

Creates its own database `harbour_bench_reports` and drops it at the end.
`--keep` leaves it in place; `--reuse` uses a kept database that holds the
same number of people instead of seeding again (about 5 minutes at 1M), after
migrating it (so a new index is built on it) and deleting the releases of
earlier runs (so that every run times a first release, with no previous
release to hold entries from). Without `--reuse` an existing database is
dropped and seeded afresh.
Seeding writes rows with PostgreSQL COPY through psycopg, not through the
services: people, cases, consents to statistics (90 % of people) and the
statistics profiles directly. Identifying fields are left empty, so nothing
is encrypted: encrypting a million fields is what seeding would cost, not
what the dashboard does (it never decrypts; it reads the profiles). What is
measured is the counting SQL, the disclosure engine and the cache.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import PG_SERVER  # noqa: E402

DB_NAME = "harbour_bench_reports"
DATA_DIR = ROOT / "bench" / ".data-reports"
FORMS = [
    "labour_trafficking",
    "sexual_exploitation",
    "domestic_servitude",
    "worker_at_risk",
    "other",
]
SECTORS = ["agriculture", "food_processing", "construction", "hospitality", "care_work", "unknown"]
PROVINCES = ["ON", "QC", "BC", "AB", "MB", "SK", "NS", "NB"]
GENDERS = ["woman", "man", "another", "not_recorded"]
BANDS = ["under_18", "18_24", "25_34", "35_44", "45_54", "55_plus", "unknown"]
NATIONALITIES = ["MX", "GT", "JM", "PH", "IN", "CN", "VN", "UA", "FR", ""]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _psql(database: str, statement: str) -> None:
    import psycopg

    url = PG_SERVER.replace("postgres://", "postgresql://", 1) + f"/{database}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


def _seeded_people() -> int | None:
    """People in a kept benchmark database, None when there is none."""
    import psycopg

    url = PG_SERVER.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url + "/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone()
    if found is None:
        return None
    try:
        with psycopg.connect(f"{url}/{DB_NAME}", autocommit=True) as conn:
            row = conn.execute("SELECT count(*) FROM reports_statisticsprofile").fetchone()
    except psycopg.Error:  # created but never migrated or seeded
        return None
    return int(row[0]) if row else None


def configure(reuse_people: int | None = None) -> bool:
    """Point Django at the benchmark database and migrate it. Returns True
    when a kept database of `reuse_people` people is used as it is."""
    reused = reuse_people is not None and _seeded_people() == reuse_people
    if not reused:
        _psql("postgres", f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        _psql("postgres", f"CREATE DATABASE {DB_NAME}")
    os.environ.update(
        {
            "DATABASE_URL": f"{PG_SERVER}/{DB_NAME}",
            "HARBOUR_DATA_DIR": str(DATA_DIR),
            "DJANGO_SETTINGS_MODULE": "harbour.settings",
            "HARBOUR_ENV": "development",
            "HARBOUR_LOG_LEVEL": "WARNING",
            "HARBOUR_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        }
    )
    from harbour.core.keyfiles import ensure_key_files

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    ensure_key_files(DATA_DIR)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return reused


def seed(people: int, cases: int) -> int:
    from django.db import connection

    from harbour.accounts.models import Province, Role
    from harbour.accounts.services import create_organisation, create_staff
    from harbour.audit.services import Actor

    system = Actor.system("bench")
    orgs = [create_organisation(system, f"Bench {p} (fictional)", Province(p)) for p in PROVINCES]
    create_staff(system, orgs[0], "bench-admin", "harbour-bench-2026", Role.PLATFORM_ADMIN)
    rng = random.Random(2026)
    now = datetime.datetime.now(datetime.UTC)
    ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(people)]
    org_of = [orgs[rng.randrange(len(orgs))].pk for _ in range(people)]
    raw = connection.connection  # psycopg 3 connection behind Django's
    with raw.cursor() as cursor:
        with cursor.copy(
            "COPY cases_person (id, organisation_id, pseudonym, legal_name, phone, email,"
            " contact_notes, identity_document_number, permit_number, nationality, languages,"
            " gender, immigration_status, permit_type, phone_index, document_index,"
            " permit_index, created_at, updated_at) FROM STDIN"
        ) as copy:
            for index, pk in enumerate(ids):
                copy.write_row(
                    (
                        pk,
                        org_of[index],
                        f"Bench {index}",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        rng.choice(GENDERS),
                        "unknown",
                        "",
                        "",
                        "",
                        "",
                        now,
                        now,
                    )
                )
        first_case: dict[int, tuple[int, str, str, list[str]]] = {}
        with cursor.copy(
            "COPY cases_case (id, organisation_id, person_id, reference, status, province,"
            " exploitation_forms, sector, summary, opened_on, created_at, updated_at) FROM STDIN"
        ) as copy:
            for number in range(cases):
                index = number if number < people else rng.randrange(people)
                year = rng.randint(2016, 2026)
                forms = sorted(set(rng.sample(FORMS, rng.choice((1, 1, 1, 2)))))
                province, sector = rng.choice(PROVINCES), rng.choice(SECTORS)
                copy.write_row(
                    (
                        uuid.uuid4(),
                        org_of[index],
                        ids[index],
                        f"HB-{year}-{number:07d}",
                        "active",
                        province,
                        "|" + "|".join(forms) + "|",
                        sector,
                        "",
                        datetime.date(year, rng.randint(1, 12), 1),
                        now,
                        now,
                    )
                )
                first_case.setdefault(index, (year, province, sector, forms))
        with cursor.copy(
            "COPY cases_consent (id, person_id, purpose, given_on, method, recorded_at) FROM STDIN"
        ) as copy:
            for pk in ids:
                if rng.random() < 0.9:
                    copy.write_row(
                        (uuid.uuid4(), pk, "statistics", datetime.date(2016, 1, 1), "spoken", now)
                    )
        with cursor.copy(
            "COPY reports_statisticsprofile (person_id, organisation_id, age_band, gender,"
            " nationality, province, sector, first_contact_year, forms, sketch_bucket,"
            " sketch_value, refreshed_at) FROM STDIN"
        ) as copy:
            for index, pk in enumerate(ids):
                year, province, sector, forms = first_case[index]
                copy.write_row(
                    (
                        pk,
                        org_of[index],
                        rng.choice(BANDS),
                        rng.choice(GENDERS),
                        rng.choice(NATIONALITIES),
                        province,
                        sector,
                        year,
                        "|" + "|".join(forms) + "|",
                        rng.randrange(64),
                        rng.getrandbits(40),
                        now,
                    )
                )
        cursor.execute("ANALYZE")
    raw.commit()
    return len(orgs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="leave the database in place")
    parser.add_argument(
        "--reuse", action="store_true", help="use a kept database of as many people"
    )
    args = parser.parse_args()
    people, cases = args.people, args.people * 6 // 5
    reused = configure(people if args.reuse else None)
    try:
        if reused:
            from harbour.reports.models import Release

            Release.objects.all().delete()  # the ledger's entries go with them
            print(f"reused the kept database of {people} people")
        else:
            started = time.perf_counter()
            seed(people, cases)
            print(f"seeded {people} people, {cases} cases in {time.perf_counter() - started:.0f} s")
        from django.core.cache import cache
        from django.utils import timezone

        from harbour.accounts.models import User
        from harbour.audit.services import Actor
        from harbour.reports import figures, queries, services

        scope = queries.Scope(None, timezone.localdate())
        cache.clear()
        started = time.perf_counter()
        figures.dashboard(scope)
        cold = time.perf_counter() - started
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            figures.dashboard(scope)
            timings.append(time.perf_counter() - started)
        print(
            f"dashboard (8 tables, whole installation): cold {cold:.2f} s,"
            f" cached {min(timings) * 1000:.1f} ms"
        )
        admin = User.objects.get(username="bench-admin")
        started = time.perf_counter()
        release = services.publish_release(Actor(user=admin), "Bench", run_now=True)
        print(
            f"full release ({release.tables.count()} tables, {release.status}):"
            f" {time.perf_counter() - started:.2f} s"
        )
        print(f"peak RSS {peak_mb():.0f} MB; load {os.getloadavg()}")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _psql("postgres", f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    main()
