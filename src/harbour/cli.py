"""The `harbour` command: Django management with Harbour's verbs.

`harbour --help` (harbour/cli_help.py) lists them, grouped; it needs no keys.
The engine verbs (screen, pathways, knowledge, link, stats, htcds schema) run
without Django; everything else is a Django management command.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ALIASES = {
    "rotate-keys": "rotate_keys",
    "api-token": "api_token",
    "decrypt-export": "decrypt_export",
}


HELP_WORDS = ("help", "--help", "-h")


def data_dir() -> Path:
    return Path(os.environ.get("HARBOUR_DATA_DIR") or Path.cwd() / "data").resolve()


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harbour.settings")
    command = args[0] if args else "help"
    if command in HELP_WORDS and args[1:] in ([], ["--all"]):
        # Before `harbour init` too: the overview needs no settings or keys.
        from harbour.cli_help import overview

        print(overview())
        if args[1:] != ["--all"]:
            return
        print("\nEvery command, Django's included:")
        args = ["help"]
        command = "help"
    if command in ("--help", "-h"):
        command = "help"  # `harbour --help rotate-keys` as `harbour help rotate-keys`
        args[0] = command
    if command == "help" and len(args) > 1:
        args[1] = ALIASES.get(args[1], args[1])
    wants_help = any(arg in ("-h", "--help") for arg in args[1:])
    production = os.environ.get("HARBOUR_ENV") == "production"
    if command == "screen":
        # The engine needs no database or keys: run it without Django.
        from harbour.screening.cli import run

        sys.exit(run(args[1:]))
    if command == "pathways":
        # Like screen: a pure engine over knowledge files, no Django.
        from harbour.pathways.cli import run as run_pathways

        sys.exit(run_pathways(args[1:]))
    if command == "knowledge":
        # Validates the knowledge files alone: no Django, database or keys.
        from harbour.knowledge.check import run as run_knowledge

        sys.exit(run_knowledge(args[1:]))
    if command == "link":
        # Entity resolution over a CSV of mentions: Splink, no Django.
        from harbour.networks.cli import run as run_link

        sys.exit(run_link(args[1:]))
    if command == "stats":
        # Disclosure control of a table of people from a CSV: a pure engine, no Django.
        from harbour.reports.stats_cli import run as run_stats

        sys.exit(run_stats(args[1:]))
    if command == "htcds" and args[1:2] == ["schema"]:
        # The schema is built from knowledge files alone: no database or keys.
        from harbour.reports.management.commands.htcds import run_schema

        sys.exit(run_schema(args[2:]))
    if command in ("init", "serve") and not production and not wants_help:
        from harbour.core.keyfiles import ensure_key_files

        for path in ensure_key_files(data_dir()):
            print(f"Created key file {path} (keep a backup: without it the data cannot be read).")
        if command == "init":
            return
    if command == "init":
        sys.exit(
            "harbour init creates key files for a single-machine installation; with "
            "HARBOUR_ENV=production the keys come from HARBOUR_SECRET_KEY, "
            "HARBOUR_FIELD_ENCRYPTION_KEYS and HARBOUR_INDEX_KEY (or their _FILE forms)."
        )
    if command == "check" and production and "--deploy" not in args:
        args.append("--deploy")
    args[0:1] = [ALIASES.get(command, command)] if args else ["help"]
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["harbour", *args])
    except ImproperlyConfigured as error:
        # A missing key or a malformed setting: the message names the variable
        # and what to do; a traceback would only bury it.
        sys.exit(f"harbour: {error}")


if __name__ == "__main__":
    main()
