"""`harbour screen answers.json`: the engine from the command line.

Runs without Django, a database or keys: it reads a file, evaluates it and
prints the explained reading as JSON. Bad input exits with status 2 and a
message that names what is wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from harbour.cli_input import InputProblem
from harbour.cli_input import read_json as _read
from harbour.knowledge.loader import KnowledgeError
from harbour.screening import engine
from harbour.screening.catalogue import load_catalogue

USAGE_ERROR = 2
EXAMPLE = """answers.json:
  {
    "catalogue": "ilo-ec-2009.v1",            (optional: newest by default)
    "facts": {"under_18": false, "came_to_canada_from_abroad": true},   (optional)
    "answers": {"<indicator id>": "yes" | "no" | "unknown" | "declined", ...}
  }
"answers" may also be a list of {"indicator_id", "value", "evidence", "given_by"}.
Use "-" to read standard input. Indicator ids: harbour screen --list-indicators"""


def _answers(data: Any, source: str) -> list[engine.Answer]:
    if not isinstance(data, dict):
        raise InputProblem(f'{source}: the top level must be an object with an "answers" key')
    unknown_keys = sorted(set(data) - {"catalogue", "facts", "answers"})
    if unknown_keys:
        raise InputProblem(f"{source}: unknown key(s) {', '.join(unknown_keys)}")
    raw = data.get("answers")
    if isinstance(raw, dict):
        return [engine.Answer(str(key), value) for key, value in raw.items()]
    if isinstance(raw, list):
        answers = []
        for position, item in enumerate(raw, start=1):
            if not isinstance(item, dict) or "indicator_id" not in item or "value" not in item:
                raise InputProblem(f'{source}: answer {position} needs "indicator_id" and "value"')
            extra = sorted(set(item) - {"indicator_id", "value", "evidence", "given_by"})
            if extra:
                raise InputProblem(
                    f"{source}: answer {position} has unknown key(s) {', '.join(extra)}"
                )
            answers.append(
                engine.Answer(
                    str(item["indicator_id"]),
                    item["value"],
                    str(item.get("evidence", "")),
                    str(item.get("given_by", "")),
                )
            )
        return answers
    raise InputProblem(f'{source}: "answers" must be an object or a list')


def _facts(data: dict[str, Any], source: str) -> engine.Facts:
    raw = data.get("facts") or {}
    if not isinstance(raw, dict):
        raise InputProblem(f'{source}: "facts" must be an object')
    allowed = {"under_18", "came_to_canada_from_abroad"}
    extra = sorted(set(raw) - allowed)
    if extra:
        raise InputProblem(f"{source}: unknown fact(s) {', '.join(extra)}")
    for name, value in raw.items():
        if value is not None and not isinstance(value, bool):
            raise InputProblem(f"{source}: fact {name} must be true, false or null")
    return engine.Facts(**raw)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="harbour screen",
        description="Evaluate screening answers and print the explained reading as JSON.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("answers", nargs="?", help="a JSON file of answers, or - for stdin")
    parser.add_argument("--list-indicators", action="store_true", help="print the indicator ids")
    parser.add_argument("--catalogue", help="catalogue version (overrides the file's)")
    options = parser.parse_args(argv)
    try:
        if options.list_indicators:
            catalogue = load_catalogue(options.catalogue)
            for indicator_id in catalogue.indicator_ids():
                print(indicator_id)
            return 0
        if not options.answers:
            parser.print_usage(sys.stderr)
            print("harbour screen: give a JSON file of answers, or -", file=sys.stderr)
            return USAGE_ERROR
        data = _read(options.answers)
        answers = _answers(data, options.answers)
        facts = _facts(data, options.answers)
        catalogue = load_catalogue(options.catalogue or data.get("catalogue"))
        reading = engine.evaluate(catalogue, answers, facts)
    except (InputProblem, engine.ScreeningInputError, KnowledgeError) as problem:
        print(f"harbour screen: {problem}", file=sys.stderr)
        return USAGE_ERROR
    json.dump(reading.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0
