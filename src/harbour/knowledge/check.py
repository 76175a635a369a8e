"""`harbour knowledge check`: validate every knowledge file and list rules due for review.

Runs without Django, a database or keys, so it fits a pre-commit hook or a CI
step of a repository that keeps its own knowledge files. Every file is checked
on its own, so one broken file does not hide the problems of the others.

Exit status: 0 when every file is valid (rules past review are listed, as a
reminder); 1 when a file is invalid, or with --fail-on-overdue when a rule is
past its review date; 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from harbour.knowledge.loader import KNOWLEDGE_ROOT, KnowledgeError, display_path, find_duplicates

USAGE_ERROR = 2


@dataclass(frozen=True)
class FileReport:
    path: str
    summary: str
    error: str | None = None


@dataclass(frozen=True)
class Overdue:
    what: str
    path: str
    review_by: datetime.date


@dataclass
class Report:
    files: list[FileReport]
    overdue: list[Overdue]

    @property
    def errors(self) -> list[FileReport]:
        return [f for f in self.files if f.error]


def _pathways(root: Path, as_of: datetime.date, report: Report) -> None:
    from harbour.pathways.rules import load_pathway_file

    ids: list[str] = []
    for path in sorted((root / "pathways").glob("*.yaml")):
        try:
            pathway = load_pathway_file(path)
        except KnowledgeError as error:
            report.files.append(FileReport(display_path(path), "", str(error)))
            continue
        entries = list(pathway.dated_entries())
        unverified = sum(1 for _section, entry in entries if not entry.verified)
        ids.append(pathway.id)
        report.files.append(
            FileReport(
                display_path(path),
                f"pathway {pathway.id}: {len(entries)} rules, {unverified} unverified",
            )
        )
        if pathway.review_by < as_of:
            report.overdue.append(
                Overdue(f"pathway {pathway.id}", display_path(path), pathway.review_by)
            )
    for duplicate in find_duplicates(ids):
        report.files.append(
            FileReport("pathways", "", f"pathway id {duplicate!r} is used by more than one file")
        )


def _screening(root: Path, as_of: datetime.date, report: Report) -> None:
    from harbour.screening.catalogue import (
        ForcedLabourFile,
        IndicatorCatalogueFile,
        load_catalogue,
        load_knowledge_file,
    )

    versions: list[str] = []
    for path in sorted([*(root / "indicators").glob("*.yaml"), *(root / "legal").glob("*.yaml")]):
        try:
            model = load_knowledge_file(path)
        except KnowledgeError as error:
            report.files.append(FileReport(display_path(path), "", str(error)))
            continue
        if isinstance(model, IndicatorCatalogueFile):
            versions.append(model.version)
            count = sum(len(lst.indicators) for lst in model.lists)
            summary = f"indicator catalogue {model.version}: {count} indicators"
        elif isinstance(model, ForcedLabourFile):
            summary = f"forced-labour indicators {model.version}"
        else:
            summary = f"legal elements {model.version}: {len(model.elements)} elements"
        report.files.append(FileReport(display_path(path), summary))
    # Each catalogue is also checked across its three files (references, mappings).
    for version in versions:
        try:
            load_catalogue.__wrapped__(
                version,
                indicators_dir=root / "indicators",
                legal_dir=root / "legal",
            )
        except KnowledgeError as error:
            report.files.append(FileReport(f"catalogue {version}", "", str(error)))


def _htcds(root: Path, as_of: datetime.date, report: Report) -> None:
    from harbour.knowledge.loader import load_yaml_strict
    from harbour.reports.htcds import load_field_sheet, load_mapping

    folder = root / "htcds"
    sheets: dict[str, Path] = {}
    for path in sorted(folder.glob("fields-*.yaml")):
        try:
            sheet = load_field_sheet(path)
        except KnowledgeError as error:
            report.files.append(FileReport(display_path(path), "", str(error)))
            continue
        sheets[sheet.version] = path
        report.files.append(
            FileReport(
                display_path(path), f"HTCDS field sheet {sheet.version}: {len(sheet.fields)} fields"
            )
        )
    mapping_path = folder / "harbour-mapping.yaml"
    if not mapping_path.exists():
        return
    try:
        data = load_yaml_strict(mapping_path)
        version = str(data.get("version", "")) if isinstance(data, dict) else ""
        if version not in sheets:
            raise KnowledgeError(
                display_path(mapping_path),
                "version",
                f"maps onto HTCDS {version or '(no version)'}, but no valid field sheet "
                f"fields-{version}.yaml is in {display_path(folder)}",
            )
        load_mapping.__wrapped__(mapping_path, sheets[version])
    except KnowledgeError as error:
        report.files.append(FileReport(display_path(mapping_path), "", str(error)))
        return
    report.files.append(
        FileReport(display_path(mapping_path), f"Harbour codes mapped onto HTCDS {version}")
    )


def _public(root: Path, as_of: datetime.date, report: Report) -> None:
    """The public site's self-check and pages: each file on its own, then against the
    catalogue and pathways it names, when those are valid (a broken pathway is reported
    once, above, not again here)."""
    from harbour.knowledge.loader import load_yaml_strict, parse_model
    from harbour.pathways.rules import load_pathways_from
    from harbour.public.content import Pages, SelfCheck, check_pages, check_selfcheck
    from harbour.screening.catalogue import load_catalogue

    folder = root / "public"
    pathway_files = sorted((root / "pathways").glob("*.yaml"))
    reported = {item.path for item in report.errors}
    pathways = None
    if not reported & {"pathways", *(display_path(path) for path in pathway_files)}:
        pathways = load_pathways_from(pathway_files)
    for name, model in (("selfcheck.yaml", SelfCheck), ("pages.yaml", Pages)):
        path = folder / name
        if not path.exists():
            continue
        file = display_path(path)
        try:
            parsed = parse_model(model, load_yaml_strict(path), file)
            if pathways is None:
                report.files.append(
                    FileReport(file, "public texts: not cross-checked, the pathways are invalid")
                )
                continue
            if isinstance(parsed, SelfCheck):
                catalogue = load_catalogue.__wrapped__(
                    parsed.screening_catalogue,
                    indicators_dir=root / "indicators",
                    legal_dir=root / "legal",
                )
                check_selfcheck(parsed, catalogue, pathways, file)
                summary = f"public self-check {parsed.version}: {len(parsed.questions)} questions"
            elif isinstance(parsed, Pages):
                check_pages(parsed, pathways, file)
                summary = f"public pages {parsed.version}"
        except KnowledgeError as error:
            report.files.append(FileReport(file, "", str(error)))
            continue
        report.files.append(FileReport(file, summary))


CHECKS: tuple[Callable[[Path, datetime.date, Report], None], ...] = (
    _screening,
    _pathways,
    _htcds,
    _public,
)


def check_knowledge(root: Path = KNOWLEDGE_ROOT, as_of: datetime.date | None = None) -> Report:
    report = Report([], [])
    day = as_of or datetime.date.today()
    for check in CHECKS:
        check(root, day, report)
    report.overdue.sort(key=lambda item: (item.review_by, item.what))
    return report


def _lines(report: Report, as_of: datetime.date) -> Iterator[str]:
    for item in report.files:
        if item.error:
            yield f"INVALID  {item.error}"
        else:
            yield f"ok       {item.path}: {item.summary}"
    if report.overdue:
        yield ""
        yield f"Past their review date on {as_of.isoformat()} (check the sources for changes):"
        for due in report.overdue:
            days = (as_of - due.review_by).days
            yield (
                f"  {due.what}: review by {due.review_by.isoformat()} ({days} days ago), {due.path}"
            )
    yield ""
    valid = len(report.files) - len(report.errors)
    yield (
        f"{valid} valid, {len(report.errors)} invalid; "
        f"{len(report.overdue)} past their review date."
    )


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="harbour knowledge",
        description="Validate the knowledge files and list rules past their review date.",
    )
    sub = parser.add_subparsers(dest="action", required=True, metavar="check")
    check = sub.add_parser("check", help="validate every knowledge file")
    check.add_argument("--as-of", help="judge review dates as of this day (YYYY-MM-DD)")
    check.add_argument(
        "--fail-on-overdue",
        action="store_true",
        help="exit with status 1 when a rule is past its review date",
    )
    check.add_argument("--root", help="a knowledge folder other than Harbour's own")
    try:
        options = parser.parse_args(argv)
    except SystemExit as exit_:
        return USAGE_ERROR if exit_.code else 0
    as_of = datetime.date.today()
    if options.as_of:
        try:
            as_of = datetime.date.fromisoformat(options.as_of)
        except ValueError:
            print(
                "harbour knowledge: --as-of must be a date written YYYY-MM-DD, "
                f"not {options.as_of!r}",
                file=sys.stderr,
            )
            return USAGE_ERROR
    root = Path(options.root) if options.root else KNOWLEDGE_ROOT
    if not root.is_dir():
        print(f"harbour knowledge: {root} is not a folder", file=sys.stderr)
        return USAGE_ERROR
    report = check_knowledge(root, as_of)
    for line in _lines(report, as_of):
        print(line)
    if report.errors or (options.fail_on_overdue and report.overdue):
        return 1
    return 0
