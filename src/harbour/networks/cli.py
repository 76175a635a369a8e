"""`harbour link mentions.csv --out clusters.csv`: entity resolution from the command line.

Runs without Django, a database or keys. The interchange format is fixed (other
tools and the benchmarks depend on it):

- input: UTF-8 CSV with a header row and the columns
  mention_id,case_id,org,role,name,phone,address (in any order; other columns are
  ignored); role is one of employer, recruiter, housing, worksite, transporter;
  any cell but mention_id and role may be empty;
- output: mention_id,entity_id,role,match_probability, one row per input mention,
  in input order. match_probability is the strongest link from the mention into
  its entity (empty when the mention stands alone).

Bad input exits with status 2 and a message that names the problem (the file, the
column, the row number). Progress goes to standard error.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

from harbour.networks.linkage import (
    DEFAULT_THRESHOLD,
    ENGINES,
    MIN_FOR_MODEL,
    ROLES,
    LinkageError,
    Mention,
    link,
)

USAGE_ERROR = 2
INPUT_COLUMNS = ("mention_id", "case_id", "org", "role", "name", "phone", "address")
OUTPUT_COLUMNS = ("mention_id", "entity_id", "role", "match_probability")
EXAMPLE = f"""mentions.csv (UTF-8, header row):
  {",".join(INPUT_COLUMNS)}
  m1,c1,org-a,employer,1234567 Ontario Inc.,(519) 555-0142,"12 Talbot St, Leamington ON"
clusters.csv:
  {",".join(OUTPUT_COLUMNS)}
Roles: {", ".join(ROLES)}. A role with fewer than {MIN_FOR_MODEL} mentions is linked
on exact normalised keys; larger ones by an unsupervised Splink model."""


class InputProblem(Exception):
    pass


def read_mentions(path: str) -> list[Mention]:
    try:
        handle = open(path, encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except OSError as error:
        raise InputProblem(f"cannot read {path}: {error.strerror}") from None
    mentions: list[Mention] = []
    seen: set[str] = set()
    try:
        with handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [column for column in INPUT_COLUMNS if column not in header]
            if missing:
                raise InputProblem(
                    f"{path}: missing column(s) {', '.join(missing)} "
                    f"(the header must name {','.join(INPUT_COLUMNS)})"
                )
            for row in reader:
                line = reader.line_num
                role = (row["role"] or "").strip().lower()
                if role not in ROLES:
                    raise InputProblem(
                        f"{path}, row {line}: unknown role {row['role']!r} "
                        f"(use one of {', '.join(ROLES)})"
                    )
                mention_id = (row["mention_id"] or "").strip()
                if not mention_id:
                    raise InputProblem(f"{path}, row {line}: mention_id is empty")
                if mention_id in seen:
                    raise InputProblem(f"{path}, row {line}: mention_id {mention_id} repeats")
                seen.add(mention_id)
                mentions.append(
                    Mention(
                        mention_id=mention_id,
                        role=role,
                        name=row["name"] or "",
                        phone=row["phone"] or "",
                        address=row["address"] or "",
                        case_id=row["case_id"] or "",
                        org=row["org"] or "",
                    )
                )
    except UnicodeDecodeError as error:
        raise InputProblem(
            f"{path} is not UTF-8 text (byte {error.start} cannot be read as UTF-8)"
        ) from None
    except csv.Error as error:
        raise InputProblem(f"{path} is not a readable CSV file: {error}") from None
    return mentions


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 1, not {text}")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"harbour link: {message}", file=sys.stderr)
        sys.exit(USAGE_ERROR)


def run(argv: list[str]) -> int:
    parser = _Parser(
        prog="harbour link",
        description="Link mentions of employers, recruiters, places and phones into entities.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("mentions", help="a CSV file of mentions")
    parser.add_argument("--out", required=True, help="where to write the clusters CSV")
    parser.add_argument("--engine", choices=ENGINES, default="duckdb")
    parser.add_argument(
        "--threshold",
        type=_threshold,
        default=DEFAULT_THRESHOLD,
        metavar="P",
        help=f"match probability at which two mentions are linked (default {DEFAULT_THRESHOLD})",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on standard error")
    options = parser.parse_args(argv)
    started = time.monotonic()

    def progress(message: str) -> None:
        if not options.quiet:
            print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    try:
        progress(f"reading {options.mentions}")
        mentions = read_mentions(options.mentions)
        result = link(
            mentions, engine=options.engine, threshold=options.threshold, progress=progress
        )
    except (InputProblem, LinkageError) as problem:
        print(f"harbour link: {problem}", file=sys.stderr)
        return USAGE_ERROR
    order = {mention.mention_id: index for index, mention in enumerate(mentions)}
    rows = sorted(result.assignments, key=lambda a: order[a.mention_id])
    try:
        with Path(options.out).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(OUTPUT_COLUMNS)
            for a in rows:
                probability = "" if a.match_probability is None else f"{a.match_probability:.6f}"
                writer.writerow((a.mention_id, a.entity_id, a.role, probability))
    except OSError as error:
        print(f"harbour link: cannot write {options.out}: {error.strerror}", file=sys.stderr)
        return USAGE_ERROR
    entities = len({a.entity_id for a in rows})
    progress(f"wrote {len(rows):,} mentions in {entities:,} entities to {options.out}")
    return 0
