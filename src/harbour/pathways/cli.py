"""`harbour pathways facts.json [--as-of DATE] [--brief]`: the pathways engine, from a shell.

Runs without Django, a database or keys: it reads the facts, evaluates every
pathway and prints the results as JSON. Bad input exits with status 2 and a
message that names the field.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from typing import Any

from harbour.cli_input import InputProblem
from harbour.cli_input import read_json as _read
from harbour.knowledge.loader import KnowledgeError
from harbour.pathways import engine
from harbour.pathways.rules import FACT_SPECS, load_pathways

USAGE_ERROR = 2
EXAMPLE = """facts.json:
  {
    "as_of": "2025-03-01",                      (optional: today by default)
    "facts": {"in_canada": true, "status": "out_of_status",
              "status_lost_on": "2025-01-10", "province": "ON", ...},
    "provenance": {"status_lost_on": {"source": "documented", "document": "D-12"},
                   "in_canada": {"source": "stated"}}   (optional)
  }
Provenance sources: record, screening, stated, documented (with a document), assumed.
A bare object of facts is accepted too. Every fact is optional (null = unknown).
Use "-" to read standard input. Fact names and values: harbour pathways --list-facts"""


def _date(value: Any, field: str) -> datetime.date:
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise InputProblem(f"{field} must be a date written YYYY-MM-DD, not {value!r}")


def _provenance(raw: Any, source: str) -> tuple[dict[str, engine.Provenance], list[str]]:
    """Every fact's provenance, and every problem with it (all at once)."""
    if not isinstance(raw, dict):
        return {}, [f'{source}: "provenance" must be an object']
    given: dict[str, engine.Provenance] = {}
    problems = []
    for name, origin in raw.items():
        if name not in FACT_SPECS:
            problems.append(f"{source}: provenance of unknown fact {name!r}")
            continue
        if not isinstance(origin, dict) or set(origin) - {"source", "document"}:
            problems.append(
                f'{source}: provenance of {name} must be {{"source": ..., "document": ...}}'
            )
            continue
        try:
            given[name] = engine.Provenance(str(origin.get("source")), origin.get("document"))
        except engine.FactsError:
            problems.append(
                f"{source}: provenance of {name}: source is one of "
                f"{', '.join(engine.PROVENANCE_SOURCES)} (not {origin.get('source')!r}), "
                "with a document exactly when it is documented"
            )
    return given, problems


def parse_input(
    data: Any, source: str
) -> tuple[engine.Facts, datetime.date | None, dict[str, engine.Provenance]]:
    if not isinstance(data, dict):
        raise InputProblem(f"{source}: the top level must be an object")
    provenance: dict[str, engine.Provenance] = {}
    problems: list[str] = []
    if "facts" in data:
        extra = sorted(set(data) - {"facts", "as_of", "provenance"})
        if extra:
            raise InputProblem(f"{source}: unknown key(s) {', '.join(extra)}")
        raw = data["facts"]
        as_of = _date(data["as_of"], "as_of") if data.get("as_of") is not None else None
        if "provenance" in data:
            provenance, problems = _provenance(data["provenance"], source)
    else:
        raw, as_of = data, None
    if not isinstance(raw, dict):
        raise InputProblem(f'{source}: "facts" must be an object')
    try:
        facts = engine.Facts.from_mapping(raw)
    except engine.FactsError as error:
        problems.insert(0, f"{source}: {error}")
    if problems:
        raise InputProblem("; ".join(problems))
    return facts, as_of, provenance


def brief(result: engine.Result) -> str:
    """One line per pathway: status, the day it opens or what capped it, and why."""
    lines = [f"as of {result.as_of.isoformat()}"]
    for pathway in result.pathways:
        extra = ""
        if pathway.eligible_on:
            extra = f" (from {pathway.eligible_on.isoformat()})"
        if pathway.capped_by:
            extra = f" (capped by unverified: {', '.join(pathway.capped_by)})"
        overdue = " [review overdue]" if pathway.review_overdue else ""
        lines.append(
            f"{pathway.id}: {pathway.status.value}{extra}{overdue} — {pathway.explanation.en}"
        )
    return "\n".join(lines)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="harbour pathways",
        description="Evaluate every protection and recourse pathway on a person's facts.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("facts", nargs="?", help="a JSON file of facts, or - for stdin")
    parser.add_argument("--as-of", help="evaluate as of this day (YYYY-MM-DD)")
    parser.add_argument("--list-facts", action="store_true", help="print fact names and values")
    parser.add_argument("--brief", action="store_true", help="one line per pathway instead of JSON")
    options = parser.parse_args(argv)
    try:
        if options.list_facts:
            for name, (kind, allowed) in FACT_SPECS.items():
                print(f"{name}: {' | '.join(allowed) if allowed else kind}")
            return 0
        if not options.facts:
            parser.print_usage(sys.stderr)
            print("harbour pathways: give a JSON file of facts, or -", file=sys.stderr)
            return USAGE_ERROR
        facts, file_as_of, provenance = parse_input(_read(options.facts), options.facts)
        if options.as_of is not None:
            as_of = _date(options.as_of, "--as-of")
        else:
            as_of = file_as_of or datetime.date.today()
        result = engine.evaluate(load_pathways(), facts, as_of, provenance=provenance)
    except (InputProblem, engine.FactsError, KnowledgeError) as problem:
        print(f"harbour pathways: {problem}", file=sys.stderr)
        return USAGE_ERROR
    if options.brief:
        print(brief(result))
        return 0
    json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0
