"""`harbour stats table RECORDS.csv --rows COLUMN --cols COLUMN --out TABLE.csv`:
a disclosure-controlled two-way table from the command line, without Django, a
database or keys.

- input: UTF-8 CSV with a header row, one row per person; --rows and --cols name two
  of its columns (an empty value counts as the category "(blank)");
- output: CSV with the columns row,col,count,flag: every cell, then the row margins
  (col "Total"), the column margins (row "Total") and the grand total ("Total,Total");
  count is empty where suppressed; flag is "suppressed" or "published", never why.

Bad input exits with status 2 and a message naming the problem; nothing is written.
"""

from __future__ import annotations

import argparse
import csv
import io
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

from harbour.reports.disclosure import (
    DEFAULT_K,
    DEFAULT_ROUNDING_BASE,
    TOTAL,
    DisclosureError,
    Rules,
    protect_table,
    tabulate,
)

USAGE_ERROR = 2
OUTPUT_COLUMNS = ("row", "col", "count", "flag")
EXAMPLE = f"""records.csv (UTF-8, header row, one row per person):
  person,province,sector
  1,ON,agriculture
table.csv:
  {",".join(OUTPUT_COLUMNS)}
  ON,agriculture,,suppressed
  ON,{TOTAL},45,published
Counts under --k are suppressed, with complementary suppressions chosen by an audit so
that none can be worked out to within k; published counts are randomly rounded to
--round. Give the same --seed to get the same table again."""


class InputProblem(Exception):
    pass


def read_records(path: str, columns: tuple[str, str]) -> list[dict[str, str]]:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise InputProblem(f"cannot read {path}: {error.strerror}") from None
    if not raw.strip():
        raise InputProblem(f"{path}: the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputProblem(
            f"{path} is not UTF-8 text (byte {error.start} cannot be read as UTF-8)"
        ) from None
    if "\x00" in text:
        raise InputProblem(f"{path} is not a readable CSV file: it holds NUL bytes")
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = reader.fieldnames or []
        missing = [column for column in columns if column not in header]
        if missing:
            raise InputProblem(
                f"{path}: no column {', '.join(repr(m) for m in missing)} "
                f"(the header has {', '.join(repr(h) for h in header)})"
            )
        records = []
        for row in reader:
            if None in row:
                raise InputProblem(
                    f"{path}, row {reader.line_num}: more values than the header has columns"
                )
            if None in row.values():
                raise InputProblem(
                    f"{path}, row {reader.line_num}: fewer values than the header has columns"
                )
            records.append({column: row[column] or "" for column in columns})
    except csv.Error as error:
        raise InputProblem(f"{path} is not a readable CSV file: {error}") from None
    if not records:
        raise InputProblem(f"{path}: the header is there but no records follow it")
    return records


def _whole_number(minimum: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{what} must be a whole number, not {text!r}"
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{what} must be at least {minimum}, not {value}")
        return value

    return parse


def _epsilon(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"epsilon must be a number, not {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"epsilon must be above 0, not {text}")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"harbour stats: {message}", file=sys.stderr)
        sys.exit(USAGE_ERROR)


def run(argv: list[str]) -> int:
    parser = _Parser(
        prog="harbour stats",
        description="Disclosure-controlled tables of counts of people.",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, parser_class=_Parser)
    table = verbs.add_parser(
        "table",
        help="a two-way table with suppression and rounding",
        description="Count people by two columns; suppress, audit and round the counts.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    table.add_argument("records", help="a CSV file, one row per person")
    table.add_argument("--rows", required=True, metavar="COLUMN", help="column for the rows")
    table.add_argument("--cols", required=True, metavar="COLUMN", help="column for the columns")
    table.add_argument("--out", required=True, help="where to write the table CSV")
    table.add_argument(
        "--k",
        type=_whole_number(1, "k"),
        default=DEFAULT_K,
        help=f"smallest count published (default {DEFAULT_K})",
    )
    table.add_argument(
        "--round",
        dest="base",
        type=_whole_number(1, "the rounding base"),
        default=DEFAULT_ROUNDING_BASE,
        help="round published counts randomly to this base, 1 for none "
        f"(default {DEFAULT_ROUNDING_BASE})",
    )
    table.add_argument(
        "--seed",
        type=_whole_number(0, "the seed"),
        metavar="N",
        help="secret seed of the rounding (and noise); the same seed gives the same table "
        "(default: a fresh random seed, so two runs differ)",
    )
    table.add_argument(
        "--epsilon",
        type=_epsilon,
        metavar="E",
        help="add differentially private noise with this privacy loss (keyed by the seed)",
    )
    table.add_argument(
        "--separator",
        metavar="SEP",
        help="values may list several categories separated by SEP (people then count "
        "once in each margin)",
    )
    options = parser.parse_args(argv)
    try:
        if options.rows == options.cols:
            raise InputProblem("--rows and --cols name the same column")
        records = read_records(options.records, (options.rows, options.cols))
        counts = tabulate(
            records,
            options.rows,
            options.cols,
            table_id=Path(options.records).name,
            separator=options.separator,
        )
        rules = Rules(k=options.k, rounding_base=options.base, epsilon=options.epsilon)
        seed = secrets.token_bytes(32) if options.seed is None else str(options.seed).encode()
        result = protect_table(counts, rules, seed)
    except (InputProblem, DisclosureError) as problem:
        print(f"harbour stats: {problem}", file=sys.stderr)
        return USAGE_ERROR
    try:
        with Path(options.out).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(OUTPUT_COLUMNS)
            writer.writerows(result.rows())
    except OSError as error:
        print(f"harbour stats: cannot write {options.out}: {error.strerror}", file=sys.stderr)
        return USAGE_ERROR
    hidden = sum(1 for entry in result.entries if entry.suppressed)
    print(
        f"harbour stats: {len(records):,} people, {len(result.entries):,} entries, "
        f"{hidden:,} suppressed, written to {options.out}",
        file=sys.stderr,
    )
    return 0
