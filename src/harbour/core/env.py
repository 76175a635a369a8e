"""Typed readers for environment settings that fail loudly.

Settings come only from the environment (twelve-factor), so a typo such as
HARBOUR_DEMO=ture must stop the process with a message naming the variable and
the value, never silently fall back to a default.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str | None = None) -> str:
    value = _raw(name)
    if value is not None:
        return value
    if default is None:
        raise ImproperlyConfigured(f"{name} is required but not set.")
    return default


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of true/false/1/0/yes/no/on/off, not {value!r}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _raw(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_secret(name: str, default_file: Path | None = None) -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE.

    The *_FILE form lets container secrets and systemd credentials hand over
    keys without putting them in the process environment.
    """
    value = _raw(name)
    file_name = _raw(f"{name}_FILE")
    if value is not None and file_name is not None:
        raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
    if value is not None:
        return value
    path = Path(file_name) if file_name is not None else default_file
    if path is None:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) is required but not set.")
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"{name}: the key file {path} does not exist. "
            "Run `harbour init` to create keys for a new installation."
        ) from None
    except OSError as error:
        # A folder, a file of another owner: say which file and why, not a traceback.
        raise ImproperlyConfigured(
            f"{name}: the key file {path} cannot be read ({error.strerror or error})."
        ) from None
    if not secret:
        raise ImproperlyConfigured(f"{name}: the key file {path} is empty.")
    return secret
