"""Benchmark: match one new mention incrementally among many.

    .venv/bin/python bench/bench_incremental.py [--mentions 100000] [--additions 200]
                                                [--cases 2000] [--database sqlite|postgres]

Seeds `--mentions` consented mentions from bench/generate_mentions.py (messy
Canadian employers, recruiters, housing, worksites, transporters), each with
its blind-index keys, grouped into entities by the generator's ground truth
and into networks by `assign_networks` (the state after a perfect full run).
Then adds `--additions` further mentions from the same generator, one at a
time, through the real service: `networks.services.add_mention`, which
stores, audits and matches the mention at once (`match_mention`). Reports
the median, 95th percentile and slowest addition, and how many of them
joined an existing party. Target (issue 6): under a second.

Each generated case id becomes a real case (one opened through
cases.services, the rest bulk-created copies); `--cases N` spreads them over
N cases instead, which makes networks larger. Additions go to seeded cases.

SQLite runs in a fresh file under bench/.data/incremental/; PostgreSQL in a
database of its own, harbour_bench_networks (created, and dropped at the end).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
DATA_DIR = ROOT / "bench" / ".data" / "incremental"
PG_SERVER = os.environ.get("HARBOUR_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DB = "harbour_bench_networks"


def configure(database: str) -> None:
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    DATA_DIR.mkdir(parents=True)
    if database == "postgres":
        for sql in (f"DROP DATABASE IF EXISTS {PG_DB}", f"CREATE DATABASE {PG_DB}"):
            subprocess.run(["psql", PG_SERVER + "/postgres", "-q", "-c", sql], check=True)
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_DB}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{DATA_DIR / 'bench.sqlite3'}"
    os.environ.setdefault("HARBOUR_DATA_DIR", str(DATA_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "harbour.settings"
    from harbour.core.keyfiles import ensure_key_files

    ensure_key_files(Path(os.environ["HARBOUR_DATA_DIR"]))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generated(total: int) -> list[dict[str, str]]:
    from generate_mentions import generate

    out, truth = DATA_DIR / "mentions.csv", DATA_DIR / "truth.csv"
    generate(total, 42, out, truth)
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with truth.open(encoding="utf-8") as handle:
        entity_of = {row["mention_id"]: row["true_entity"] for row in csv.DictReader(handle)}
    for row in rows:
        row["true_entity"] = entity_of[row["mention_id"]]
    return rows


def open_cases(count: int) -> tuple[list, object]:
    """One case opened through cases.services, and `count - 1` copies of it
    (people and cases bulk-created: the cases app is not what is measured)."""
    import uuid

    from harbour.accounts.models import Role
    from harbour.accounts.services import create_organisation, create_staff
    from harbour.audit.services import Actor
    from harbour.cases import services
    from harbour.cases.models import Case, Consent, Person

    system = Actor.system("bench")
    organisation = create_organisation(system, "Networks bench (fictional)", "ON")
    user = create_staff(system, organisation, "bench", "bench-networks-2026", Role.SUPERVISOR)
    actor = Actor(user=user, ip_address="bench")
    first = services.open_case_for_new_person(
        actor,
        {"pseudonym": "Bench00000", "legal_name": "Person 0 (fictional)"},
        {"summary": "Fictional.", "opened_on": datetime.date(2026, 3, 1)},
        forms=["labour_trafficking"],
    )
    people, cases = [], [first]
    for i in range(1, count):
        person = Person.objects.get(pk=first.person_id)
        person.pk, person.pseudonym = uuid.uuid4(), f"Bench{i:05d}"
        case = Case.objects.get(pk=first.pk)
        case.pk, case.person_id, case.reference = uuid.uuid4(), person.pk, f"HB-BENCH-{i:06d}"
        people.append(person)
        cases.append(case)
    Person.objects.bulk_create(people, batch_size=2000)
    Case.objects.bulk_create(cases[1:], batch_size=2000)
    Consent.objects.bulk_create(
        Consent(
            person_id=case.person_id,
            purpose="network_linkage",
            method="spoken",
            given_on=datetime.date(2026, 3, 1),
        )
        for case in cases
    )
    return cases, actor


def seed(rows: list[dict[str, str]], cases: list) -> None:
    """Mentions with their keys, entities from the ground truth, then networks."""
    from django.db import transaction

    from harbour.networks.models import Entity, Mention, MentionKey
    from harbour.networks.services import assign_networks, mention_keys

    case_of: dict[str, object] = {}
    members: dict[str, list[Mention]] = defaultdict(list)
    mentions = []
    for row in rows:
        case = case_of.setdefault(row["case_id"], cases[len(case_of) % len(cases)])
        mention = Mention(
            case=case,
            organisation_id=case.organisation_id,
            role=row["role"],
            name=row["name"],
            phones=row["phone"],
            address=row["address"],
        )
        mentions.append(mention)
        members[row["true_entity"]].append(mention)
    with transaction.atomic():
        Mention.objects.bulk_create(mentions, batch_size=2000)
        MentionKey.objects.bulk_create(
            (
                MentionKey(mention=mention, kind=kind, digest=digest)
                for mention in mentions
                for kind, digest in sorted(mention_keys(mention))
            ),
            batch_size=5000,
        )
        entities = Entity.objects.bulk_create(
            (
                Entity(role=group[0].role, key=f"{group[0].role}:{min(str(m.pk) for m in group)}")
                for group in members.values()
            ),
            batch_size=2000,
        )
        for entity, group in zip(entities, members.values(), strict=True):
            for mention in group:
                mention.entity = entity
        Mention.objects.bulk_update(mentions, ["entity"], batch_size=2000)
        assign_networks()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--additions", type=int, default=200)
    parser.add_argument(
        "--cases", type=int, default=0, help="spread over this many cases (default: one each)"
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    configure(args.database)
    from harbour.networks.models import Entity, Mention, Network
    from harbour.networks.services import add_mention

    try:
        started = time.perf_counter()
        rows = generated(args.mentions + args.additions * 3)
        seeded, held_out = rows[: args.mentions], rows[args.mentions :]
        wanted = args.cases or len({row["case_id"] for row in seeded})
        cases, actor = open_cases(wanted)
        opened = time.perf_counter()
        seed(seeded, cases)
        ready = time.perf_counter()
        print(
            f"{args.database}: {Mention.objects.count():,} mentions, "
            f"{Entity.objects.count():,} parties, {Network.objects.count():,} networks "
            f"on {len(cases):,} cases (cases {opened - started:.0f} s, "
            f"seeding {ready - opened:.0f} s)",
            file=sys.stderr,
        )
        # Every third held-out row, so that additions spread over the generator's cases.
        timings, joined = [], 0
        for number, row in enumerate(held_out[::3][: args.additions]):
            case = cases[number % len(cases)]
            data = {
                "role": row["role"],
                "name": row["name"],
                "phones": row["phone"],
                "address": row["address"],
            }
            if not (row["name"] or row["phone"] or row["address"]):
                continue
            before = time.perf_counter()
            mention = add_mention(actor, case, data)
            timings.append(time.perf_counter() - before)
            joined += Mention.objects.filter(entity_id=mention.entity_id).count() > 1
        timings.sort()
        p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
        print(
            f"{args.database}: {len(timings)} additions to {args.mentions:,} mentions: "
            f"median {statistics.median(timings) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, slowest {timings[-1] * 1000:.0f} ms; "
            f"{joined} joined an existing party; "
            f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB",
        )
    finally:
        if args.database == "postgres":
            from django.db import connections

            connections.close_all()
            subprocess.run(
                ["psql", PG_SERVER + "/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {PG_DB}"],
                check=True,
            )
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
