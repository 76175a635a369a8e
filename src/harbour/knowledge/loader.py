"""Strict YAML reading for knowledge files.

PyYAML's SafeLoader forgives three things that would corrupt versioned legal data
without a sound:

- a key written twice in one mapping silently keeps the last value;
- YAML 1.1 reads `yes`, `no`, `on` and `off` as booleans, so an answer "no" or a
  language code `no` would change type;
- a date-looking scalar becomes a `datetime.date` and an impossible one
  (`2009-13-01`) fails deep inside the parser with no file or entry named.

`StrictLoader` refuses duplicate keys, keeps only `true`/`false` as booleans and
leaves dates as text, so that the pydantic models parse them and the error names
the entry. Every error is a `KnowledgeError` whose message says the file, the entry
id (the nearest enclosing mapping with an `id`, `version` or `name` key) and what is
wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

KNOWLEDGE_ROOT = Path(__file__).resolve().parent
ModelT = TypeVar("ModelT", bound=BaseModel)

# Keys that name an entry, in order of preference, for error messages.
_ENTRY_KEYS = ("id", "version", "name")
_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_YAML_12_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class KnowledgeError(ValueError):
    """A knowledge file is malformed; the message names file, entry and problem."""

    def __init__(self, file: str, entry: str, problem: str) -> None:
        self.file = file
        self.entry = entry
        self.problem = problem
        super().__init__(f"{file}: {entry}: {problem}")


def display_path(path: Path | str) -> str:
    """The path relative to the knowledge folder when inside it, else as given."""
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(KNOWLEDGE_ROOT))
    except ValueError:
        return str(path)


def _strict_resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [(tag, rx) for tag, rx in entries if tag not in (_BOOL_TAG, _TIMESTAMP_TAG)]
        if first in "tTfF":
            kept.append((_BOOL_TAG, _YAML_12_BOOL))
        if kept:
            resolvers[first] = kept
    return resolvers


class StrictLoader(yaml.SafeLoader):
    """SafeLoader without duplicate keys, YAML 1.1 booleans or implicit dates."""

    yaml_implicit_resolvers = _strict_resolvers()

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # Second line of defence: check_duplicate_keys has already walked the tree
        # with entry ids; this catches any mapping built some other way.
        seen: set[Any] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _scalar_value(node: yaml.Node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _entry_of(node: yaml.MappingNode) -> str | None:
    for wanted in _ENTRY_KEYS:
        for key_node, value_node in node.value:
            if _scalar_value(key_node) == wanted and _scalar_value(value_node):
                return str(value_node.value)
    return None


def _check_duplicate_keys(node: yaml.Node, file: str, entry: str) -> None:
    if isinstance(node, yaml.MappingNode):
        entry = _entry_of(node) or entry
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = _scalar_value(key_node)
            if key is not None:
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise KnowledgeError(
                        file,
                        entry,
                        f"duplicate key {key!r} on line {line} (first on line {seen[key]}); "
                        "YAML would silently keep only the last value",
                    )
                seen[key] = line
            _check_duplicate_keys(value_node, file, entry)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicate_keys(item, file, entry)


def load_yaml_strict(path: Path | str) -> Any:
    """Read one YAML document strictly; any problem is a KnowledgeError."""
    file = display_path(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise KnowledgeError(file, "(file)", f"cannot be read: {error.strerror}") from error
    return parse_yaml_strict(text, file)


def parse_yaml_strict(text: str, file: str) -> Any:
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise KnowledgeError(file, "(file)", "is empty")
        _check_duplicate_keys(node, file, "(top level)")
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}" if mark is not None else "(unknown position)"
        raise KnowledgeError(file, where, f"is not valid YAML: {error.problem}") from error
    except yaml.YAMLError as error:
        raise KnowledgeError(file, "(file)", f"is not valid YAML: {error}") from error
    finally:
        loader.dispose()


def _entry_for_location(data: Any, location: Sequence[int | str]) -> tuple[str, str]:
    """Walk `location` into `data`; return the nearest entry id and the rest of the path."""
    entry = "(top level)"
    rest: list[str] = []
    current = data
    for step in location:
        if isinstance(current, Mapping):
            found = next(
                (str(current[key]) for key in _ENTRY_KEYS if isinstance(current.get(key), str)),
                None,
            )
            if found is not None:
                entry, rest = found, []
        rest.append(str(step))
        try:
            current = current[step]
        except (KeyError, IndexError, TypeError):
            current = None
    if isinstance(current, Mapping):
        found = next(
            (str(current[key]) for key in _ENTRY_KEYS if isinstance(current.get(key), str)),
            None,
        )
        if found is not None and rest and rest[-1] not in _ENTRY_KEYS:
            entry, rest = found, []
    return entry, ".".join(rest)


def validation_error(file: str, data: Any, error: ValidationError) -> KnowledgeError:
    """Turn a pydantic error into one KnowledgeError naming file and entry."""
    problems: list[tuple[str, str]] = []
    for detail in error.errors(include_url=False):
        entry, field = _entry_for_location(data, detail["loc"])
        message = detail["msg"].removeprefix("Value error, ")
        if detail["type"] == "missing":
            message = "is missing"
        elif detail["type"] == "extra_forbidden":
            message = "is not a known field (unknown keys are errors)"
        elif isinstance(detail.get("input"), str | int | float | bool) and detail["type"] != (
            "value_error"
        ):
            message = f"{message} (got {detail['input']!r})"
        problems.append((entry, f"{field} {message}".strip() if field else message))
    first_entry = problems[0][0]
    text = "; ".join(
        problem if entry == first_entry else f"{entry}: {problem}" for entry, problem in problems
    )
    return KnowledgeError(file, first_entry, text)


def parse_model(model: type[ModelT], data: Any, file: str) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise validation_error(file, data, error) from error


def find_duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    duplicates: list[str] = []
    for item in ids:
        if item in seen and item not in duplicates:
            duplicates.append(item)
        seen.add(item)
    return duplicates
