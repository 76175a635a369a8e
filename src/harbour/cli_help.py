"""`harbour --help`: Harbour's own commands, grouped and explained.

Printed without loading Django, so that it works on a new machine before
`harbour init` has made any key (Django's own `help` needs the settings, hence
the keys, and lists some sixty commands an operator rarely wants). Django's
list is still one flag away: `harbour help --all`.

tests/core/test_cli_help.py checks that every management command Harbour
ships is listed here: add a line when adding a command.
"""

from __future__ import annotations

# (what to type, what it does) per group, in the order an operator meets them.
GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Start here",
        [
            ("init", "create the data folder and its key files (back them up)"),
            ("serve [--bind ADDR:PORT]", "migrate, then serve Harbour with gunicorn"),
            ("createadmin", "create an organisation admin (and the organisation)"),
            ("check [--deploy]", "Django's system checks; --deploy adds production's"),
        ],
    ),
    (
        "Running an installation",
        [
            ("migrate", "bring the database schema up to date"),
            ("db_worker", "run background jobs (imports, re-linkage) as a service"),
            ("reminders", "e-mail each user how many of their tasks are due"),
            ("shred [--dry-run]", "remove closed cases past their retention period"),
        ],
    ),
    (
        "Keys, tokens and the audit trail",
        [
            ("rotate-keys", "re-encrypt every field under a new key"),
            ("audit verify", "check that no audit event was edited, added or deleted"),
            ("api-token USERNAME", "issue an API token (--list, --revoke NAME)"),
        ],
    ),
    (
        "Data in and out",
        [
            ("htcds schema", "print Harbour's JSON Schema of HTCDS v2.0"),
            ("htcds export --organisation ORG --out FILE", "an organisation's cases as HTCDS"),
            ("decrypt-export ZIP", "extract a case export (AES-256 ZIP) into a folder"),
        ],
    ),
    (
        "Engines (no database or keys needed)",
        [
            ("screen FILE", "evaluate screening answers, print the reading as JSON"),
            ("pathways FILE", "evaluate protection pathways on a person's facts (JSON)"),
            ("knowledge check", "validate the knowledge files, list rules due for review"),
            ("link FILE --out CLUSTERS", "link mentions of employers, recruiters, places"),
            ("stats table FILE --rows C --cols C --out TABLE", "a disclosure-controlled table"),
        ],
    ),
    (
        "Demonstration (refused in production)",
        [
            ("demo", "load the fictional demo organisations, accounts and cases"),
            ("demo_networks", "name fictional parties on the demo cases"),
            ("directory_seed", "load the fictional services directory"),
        ],
    ),
]

FOOTER = """\
harbour COMMAND --help   the options of one command (needs `harbour init` first)
harbour help --all       also every command Django provides (needs the keys too)

Settings come from HARBOUR_* environment variables: docs/configuration.md."""


def overview() -> str:
    width = max(len(usage) for _title, commands in GROUPS for usage, _ in commands)
    width = min(width, 24)
    lines = ["Usage: harbour COMMAND [OPTIONS]", ""]
    for title, commands in GROUPS:
        lines.append(f"{title}:")
        for usage, explanation in commands:
            if len(usage) > width:
                # A long usage gets its own line, so the explanations stay aligned.
                lines.append(f"  {usage}")
                lines.append(f"  {'':{width}}  {explanation}")
            else:
                lines.append(f"  {usage:{width}}  {explanation}")
        lines.append("")
    lines.append(FOOTER)
    return "\n".join(lines)


def listed_verbs() -> set[str]:
    """The first word of every usage above: the commands the overview names."""
    return {usage.split()[0] for _title, commands in GROUPS for usage, _ in commands}
