"""`harbour htcds`: Harbour's JSON Schema of HTCDS v2.0, and an organisation's
export checked against it.

    harbour htcds schema [--out FILE]
    harbour htcds export --organisation ORG --out FILE [--format json|xlsx] [--partner ORG]

ORG is an organisation's number, its exact name, or its name as a slug
("niagara-migrant-worker-centre-fictional"). Bad arguments, an unknown
organisation, a partner without the platform admin's grant, or any record that
fails the schema: a message naming the problem, nothing written, exit 2.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

BAD_INPUT = 2


def schema_text() -> str:
    from harbour.reports import htcds

    return json.dumps(htcds.build_schema(), ensure_ascii=False, indent=2) + "\n"


def write_atomically(path: Path, data: bytes) -> None:
    """All or nothing: a half-written export must never be left behind."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OSError(f"the folder {directory} does not exist")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".htcds-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run_schema(args: list[str]) -> int:
    """`harbour htcds schema` without Django: the schema needs only knowledge files."""
    import argparse

    parser = argparse.ArgumentParser(prog="harbour htcds schema")
    parser.add_argument("--out", type=Path, help="write to this file instead of standard output")
    options = parser.parse_args(args)
    text = schema_text()
    if options.out is None:
        sys.stdout.write(text)
        return 0
    try:
        write_atomically(options.out, text.encode("utf-8"))
    except OSError as error:
        print(f"harbour htcds schema: cannot write {options.out}: {error}", file=sys.stderr)
        return BAD_INPUT
    return 0


def find_organisation(value: str) -> Any:
    from django.utils.text import slugify

    from harbour.accounts.models import Organisation

    if value.isdigit():
        found = Organisation.objects.filter(pk=int(value)).first()
        if found:
            return found
    found = Organisation.objects.filter(name=value).first()
    if found:
        return found
    matches = [o for o in Organisation.objects.all() if slugify(o.name) == slugify(value)]
    if len(matches) == 1:
        return matches[0]
    raise CommandError(
        f"No organisation is named {value!r} (give its number, exact name or slug).",
        returncode=BAD_INPUT,
    )


class Command(BaseCommand):
    help = (
        "HTCDS v2.0: print Harbour's JSON Schema, or export an organisation's consented cases "
        "as HTCDS records checked against it (JSON or XLSX)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        schema = verbs.add_parser("schema", help="print the JSON Schema (draft 2020-12)")
        schema.add_argument("--out", type=Path, help="write to this file instead")
        export = verbs.add_parser("export", help="export one organisation's cases")
        export.add_argument("--organisation", required=True, help="number, name or slug")
        export.add_argument("--out", type=Path, required=True, help="the file to write")
        export.add_argument("--format", choices=["json", "xlsx"], default=None)
        export.add_argument(
            "--partner", help="identified export for this partner (needs a platform admin grant)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "schema":
            if options["out"] is None:
                self.stdout.write(schema_text(), ending="")
                return
            self._write(options["out"], schema_text().encode("utf-8"))
            return
        self._export(options)

    def _export(self, options: dict[str, Any]) -> None:
        from harbour.audit.services import Actor
        from harbour.cases.services import NotAllowed
        from harbour.reports import htcds_export

        out: Path = options["out"]
        file_format = options["format"] or ("xlsx" if out.suffix.lower() == ".xlsx" else "json")
        if not out.parent.is_dir():
            raise CommandError(f"The folder {out.parent} does not exist.", returncode=BAD_INPUT)
        organisation = find_organisation(options["organisation"])
        partner = find_organisation(options["partner"]) if options["partner"] else None
        actor = Actor.system("harbour htcds export")
        try:
            result = htcds_export.export_htcds(actor, organisation, partner=partner)
        except NotAllowed as refused:
            raise CommandError(str(refused), returncode=BAD_INPUT) from refused
        except htcds_export.InvalidExport as invalid:
            lines = [str(invalid), *(str(problem) for problem in invalid.problems[:20])]
            raise CommandError("\n".join(lines), returncode=BAD_INPUT) from invalid
        if file_format == "xlsx":
            data = htcds_export.workbook_bytes(result)
        else:
            data = htcds_export.document_bytes(result)
        self._write(out, data)
        self.stdout.write(
            f"{len(result.records)} record(s) written to {out} "
            f"({result.identified} identified; {result.left_out_without_consent} case(s) left "
            "out without consent to statistics)."
        )

    def _write(self, path: Path, data: bytes) -> None:
        try:
            write_atomically(path, data)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error}", returncode=BAD_INPUT) from error
