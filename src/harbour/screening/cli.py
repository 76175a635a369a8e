"""`harbour screen answers.json [--as-of DATE]`: the engine from the command line.

Runs without Django, a database or keys: it reads a file, evaluates it and
prints the explained reading as JSON. Bad input exits with status 2 and one
message naming every bad field at once, with values shown as they were typed
in the file (JSON: `true`, `null`, `"maybe"`).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from typing import Any

from harbour.cli_input import InputProblem
from harbour.knowledge.loader import KnowledgeError
from harbour.screening import engine
from harbour.screening.catalogue import Catalogue, load_catalogue
from harbour.screening.engine.law_first import compile_law_first

USAGE_ERROR = 2
TOP_LEVEL = ("catalogue", "as_of", "facts", "answers")
FACT_NAMES = ("under_18", "came_to_canada_from_abroad", "sexual_exploitation")
ANSWER_KEYS = ("indicator_id", "value", "evidence", "given_by")
EXAMPLE = """answers.json:
  {
    "catalogue": "ilo-ec-2009.v1",            (optional: newest by default)
    "as_of": "2025-03-01",                    (optional: the law in force that day)
    "facts": {"under_18": false, "came_to_canada_from_abroad": true,
              "sexual_exploitation": null},   (optional: true, false or null each)
    "answers": {"<indicator or law-first question id>": "yes" | "no" | "unknown" | "declined"}
  }
"answers" may also be a list of {"indicator_id", "value", "evidence", "given_by"}.
Law-first question ids start with "law." (the Criminal Code's own elements).
Use "-" to read standard input. Ids: harbour screen --list-indicators"""


def typed(value: Any) -> str:
    """A value as it was written in the JSON file, not as Python prints it."""
    return json.dumps(value, ensure_ascii=False)


def read_input(source: str) -> Any:
    """Parse a file, or standard input for "-"; an empty file is said to be empty."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise InputProblem(f"cannot read {source}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise InputProblem(f"{source} is not UTF-8 text") from None
    if not text.strip():
        raise InputProblem(f"{source}: the file is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputProblem(
            f"{source} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None


def parse_date(value: Any, field: str, problems: list[str]) -> datetime.date | None:
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(f"{field} must be a date written YYYY-MM-DD, not {typed(value)}")
    return None


def parse_facts(raw: Any, problems: list[str]) -> engine.Facts:
    if raw is None:
        return engine.Facts()
    if not isinstance(raw, dict):
        problems.append(f'"facts" must be an object, not {typed(raw)}')
        return engine.Facts()
    given: dict[str, bool | None] = {}
    for name, value in raw.items():
        if name not in FACT_NAMES:
            problems.append(f"facts: unknown fact {typed(name)} (known: {', '.join(FACT_NAMES)})")
        elif value is not None and not isinstance(value, bool):
            problems.append(f"facts.{name} must be true, false or null, not {typed(value)}")
        else:
            given[name] = value
    return engine.Facts(**given)


def parse_answers(raw: Any, problems: list[str]) -> list[engine.Answer]:
    if isinstance(raw, dict):
        return [engine.Answer(str(key), value) for key, value in raw.items()]
    if not isinstance(raw, list):
        problems.append(f'"answers" must be an object or a list, not {typed(raw)}')
        return []
    answers: list[engine.Answer] = []
    for position, item in enumerate(raw, start=1):
        where = f"answer {position}"
        if not isinstance(item, dict):
            problems.append(f"{where} must be an object, not {typed(item)}")
            continue
        missing = [key for key in ("indicator_id", "value") if key not in item]
        extra = sorted(set(item) - set(ANSWER_KEYS))
        if missing:
            problems.append(f"{where} needs {' and '.join(typed(k) for k in missing)}")
        if extra:
            problems.append(f"{where} has unknown key(s) {', '.join(typed(k) for k in extra)}")
        texts = [k for k in ("indicator_id", "evidence", "given_by") if k in item]
        for key in texts:
            if not isinstance(item[key], str):
                problems.append(f"{where}: {key} must be text, not {typed(item[key])}")
        if missing or extra or any(not isinstance(item[k], str) for k in texts):
            continue
        answers.append(
            engine.Answer(
                item["indicator_id"],
                item["value"],
                item.get("evidence", ""),
                item.get("given_by", ""),
            )
        )
    return answers


def check_answers(catalogue: Catalogue, answers: list[engine.Answer], problems: list[str]) -> None:
    """Every unknown id, bad value and repeated id, named with the value as typed."""
    law = compile_law_first(catalogue)
    known = set(engine.indicator_ids(catalogue)) | set(law.ids if law else ())
    seen: set[str] = set()
    for answer in answers:
        if answer.indicator_id not in known:
            problems.append(
                f"answers: unknown indicator or question id {typed(answer.indicator_id)} "
                f"in catalogue {catalogue.version}"
            )
        elif not isinstance(answer.value, str) or answer.value not in engine.ANSWER_VALUES:
            problems.append(
                f"answers.{answer.indicator_id}: {typed(answer.value)} is not one of "
                '"yes", "no", "unknown", "declined"'
            )
        elif answer.indicator_id in seen:
            problems.append(f"answers: {answer.indicator_id} is answered more than once")
        seen.add(answer.indicator_id)


def parse_input(
    data: Any, source: str, catalogue_option: str | None, as_of_option: str | None
) -> tuple[Catalogue | None, list[engine.Answer], engine.Facts, datetime.date | None]:
    """Everything the command needs, or InputProblem naming every problem at once."""
    if not isinstance(data, dict):
        raise InputProblem(
            f'{source}: the top level must be an object with an "answers" key, not {typed(data)}'
        )
    problems: list[str] = []
    for key in data:
        if key not in TOP_LEVEL:
            problems.append(f"unknown key {typed(key)} (known: {', '.join(TOP_LEVEL)})")
    if "answers" not in data:
        problems.append('"answers" is missing')
    answers = parse_answers(data.get("answers", {}), problems)
    facts = parse_facts(data.get("facts"), problems)
    as_of = None
    if as_of_option is not None:
        as_of = parse_date(as_of_option, "--as-of", problems)
    elif data.get("as_of") is not None:
        as_of = parse_date(data["as_of"], "as_of", problems)
    version = catalogue_option or data.get("catalogue")
    catalogue = None
    if version is not None and not isinstance(version, str):
        problems.append(f'"catalogue" must be a version id, not {typed(version)}')
    else:
        try:
            catalogue = load_catalogue(version)
        except KnowledgeError as error:
            problems.append(str(error))
    if catalogue is not None:
        check_answers(catalogue, answers, problems)
    if problems:
        raise InputProblem(f"{source}: " + "; ".join(problems))
    return catalogue, answers, facts, as_of


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="harbour screen",
        description="Evaluate screening answers and print the explained reading as JSON.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("answers", nargs="?", help="a JSON file of answers, or - for stdin")
    parser.add_argument(
        "--list-indicators",
        action="store_true",
        help="print the indicator ids, then the law-first question ids",
    )
    parser.add_argument("--catalogue", help="catalogue version (overrides the file's)")
    parser.add_argument("--as-of", help="read the law in force on this day (YYYY-MM-DD)")
    options = parser.parse_args(argv)
    try:
        if options.list_indicators:
            catalogue = load_catalogue(options.catalogue)
            law = compile_law_first(catalogue)
            for indicator_id in [*catalogue.indicator_ids(), *(law.ids if law else ())]:
                print(indicator_id)
            return 0
        if not options.answers:
            parser.print_usage(sys.stderr)
            print("harbour screen: give a JSON file of answers, or -", file=sys.stderr)
            return USAGE_ERROR
        data = read_input(options.answers)
        loaded, answers, facts, as_of = parse_input(
            data, options.answers, options.catalogue, options.as_of
        )
        if loaded is None:  # pragma: no cover - parse_input raises instead
            raise InputProblem(f"{options.answers}: no catalogue")
        reading = engine.evaluate(loaded, answers, facts, as_of=as_of)
    except (InputProblem, engine.ScreeningInputError, KnowledgeError) as problem:
        print(f"harbour screen: {problem}", file=sys.stderr)
        return USAGE_ERROR
    json.dump(reading.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0
