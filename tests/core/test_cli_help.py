"""`harbour --help` on a new machine: Harbour's commands, grouped, before any key exists
(issue 15, finding 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harbour.cli import ALIASES
from harbour.cli_help import GROUPS, listed_verbs
from tests.cli import harbour

SOURCE = Path(__file__).resolve().parents[2] / "src" / "harbour"


def empty_home_env(home: Path) -> dict[str, str]:
    """Nothing but PATH and an empty HOME and data folder: no keys, no settings."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "HARBOUR_DATA_DIR": str(home / "data")}


@pytest.mark.parametrize("words", [["--help"], ["-h"], ["help"], []], ids=repr)
def test_help_before_init_lists_harbours_commands_in_groups_without_a_key_error(tmp_path, words):
    done = harbour(empty_home_env(tmp_path), tmp_path, *words)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "HARBOUR_SECRET_KEY" not in done.stdout
    for title, _commands in GROUPS:
        assert f"{title}:" in done.stdout
    assert done.stdout.index("init") < done.stdout.index("rotate-keys")
    # Django's own list is left for `harbour help --all`.
    assert "sqlflush" not in done.stdout
    assert "[django]" not in done.stdout


def test_help_creates_no_key_and_no_data_folder(tmp_path):
    harbour(empty_home_env(tmp_path), tmp_path, "--help")
    harbour(empty_home_env(tmp_path), tmp_path, "serve", "--help")
    assert not (tmp_path / "data").exists()


def test_help_all_adds_djangos_commands_after_harbours(tmp_path):
    done = harbour(empty_home_env(tmp_path), tmp_path, "help", "--all")
    assert done.returncode == 0, done.stderr
    assert done.stdout.index("Start here:") < done.stdout.index("[django]")


def test_every_management_command_harbour_ships_is_in_the_help():
    aliases = {command: alias for alias, command in ALIASES.items()}
    shipped = {
        aliases.get(path.stem, path.stem)
        for path in SOURCE.glob("*/management/commands/*.py")
        if path.stem != "__init__"
    }
    assert shipped - listed_verbs() == set()
