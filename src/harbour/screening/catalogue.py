"""Screening catalogues: the strict loader of the knowledge files (models in
`catalogue_models.py`, re-exported here).

A catalogue is three versioned files read together:

- `knowledge/indicators/<version>.yaml` (kind `indicator_catalogue`): the ILO/EC
  operational indicators, their dimensions, the dimension rule and each list's rule;
- `knowledge/indicators/<version>.yaml` (kind `forced_labour_indicators`): the ILO's
  eleven forced-labour indicators and Harbour's mapping to operational indicators;
- `knowledge/legal/<version>.yaml` (kind `legal_elements`): the Criminal Code and
  IRPA elements and the indicators that support each; from v2 also the law-first
  path (questions on the statute's own elements, for any form and any age).

The last two name the indicator catalogue they were written against. A reading
records all three version ids, so an old assessment is shown with the files it was
evaluated with: `load_catalogue(version, forced_labour_version=..., legal_version=...)`.

Everything here may do I/O; the engine never does.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from harbour.knowledge.loader import (
    KNOWLEDGE_ROOT,
    KnowledgeError,
    ModelT,
    display_path,
    find_duplicates,
    load_yaml_strict,
    parse_model,
)
from harbour.screening.catalogue_models import (
    _SLUG,
    _VERSION,
    FACTS,
    GRADES,
    READING_CODES,
    Catalogue,
    Dimension,
    DimensionRule,
    Fact,
    ForcedLabourFile,
    ForcedLabourIndicator,
    ForcedLabourMapping,
    Grade,
    Indicator,
    IndicatorCatalogueFile,
    IndicatorList,
    KnowledgeFile,
    LawFirstElement,
    LawFirstOffence,
    LawFirstPath,
    LawFirstQuestion,
    LawFirstRequirement,
    LawFirstSection,
    LegalElement,
    LegalElementsFile,
    LegalGroup,
    LegalSource,
    ListRule,
    ReadingText,
    ReadingTexts,
    Requirement,
    Source,
    SourceRef,
    StatuteRef,
    Text,
    Threshold,
    VersionId,
)

CatalogueError = KnowledgeError

INDICATORS_DIR = KNOWLEDGE_ROOT / "indicators"
LEGAL_DIR = KNOWLEDGE_ROOT / "legal"

_LAW_QUESTION_ID = re.compile(r"^law\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_KINDS: dict[str, type[BaseModel]] = {
    "indicator_catalogue": IndicatorCatalogueFile,
    "forced_labour_indicators": ForcedLabourFile,
    "legal_elements": LegalElementsFile,
}

# --- checks that pydantic cannot make alone: uniqueness and references -------------


def _fail(file: str, entry: str, problem: str) -> KnowledgeError:
    return KnowledgeError(file, entry, problem)


def _check_unique(file: str, where: str, kind: str, ids: Iterable[str]) -> None:
    duplicates = find_duplicates(ids)
    if duplicates:
        raise _fail(file, duplicates[0], f"duplicate {kind} id in {where}")


def _check_sources(file: str, model: IndicatorCatalogueFile) -> None:
    _check_unique(file, "sources", "source", (s.id for s in model.sources))
    known = {s.id for s in model.sources}
    refs: list[tuple[str, SourceRef]] = [(model.dimension_rule.id, model.dimension_rule.source)]
    for lst in model.lists:
        refs.append((lst.id, lst.source))
        if lst.rule is not None:
            refs.append((lst.rule.id, lst.rule.source))
        refs.extend((i.id, i.source) for i in lst.indicators)
    for entry, ref in refs:
        if ref.ref not in known:
            raise _fail(
                file, entry, f"source ref {ref.ref!r} is not one of the sources {sorted(known)}"
            )


def check_indicator_catalogue(file: str, model: IndicatorCatalogueFile) -> None:
    _check_sources(file, model)
    _check_unique(
        file, "positive_if", "threshold", (t.id for t in model.dimension_rule.positive_if)
    )
    for threshold in model.dimension_rule.positive_if:
        total = threshold.strong + threshold.medium + threshold.weak + threshold.medium_or_weak
        if total == 0:
            raise _fail(file, threshold.id, "a threshold must require at least one indicator")
    _check_unique(file, "lists", "list", (lst.id for lst in model.lists))
    _check_unique(
        file,
        "the catalogue",
        "indicator",
        (i.id for lst in model.lists for i in lst.indicators),
    )
    for lst in model.lists:
        _check_list(file, lst)


def _check_list(file: str, lst: IndicatorList) -> None:
    if lst.status == "pending_verification":
        if lst.verified:
            raise _fail(file, lst.id, "a list pending verification cannot be verified: true")
        if lst.indicators or lst.dimensions or lst.rule is not None:
            raise _fail(
                file,
                lst.id,
                "a list pending verification must have no dimensions, indicators or rule",
            )
        return
    if not lst.dimensions or not lst.indicators or lst.rule is None:
        raise _fail(file, lst.id, "an available list needs dimensions, indicators and a rule")
    _check_unique(file, lst.id, "dimension", (d.id for d in lst.dimensions))
    dimension_ids = {d.id for d in lst.dimensions}
    for indicator in lst.indicators:
        if indicator.dimension not in dimension_ids:
            raise _fail(
                file,
                indicator.id,
                f"dimension {indicator.dimension!r} is not a dimension of list {lst.id!r}",
            )
        prefix = f"{lst.id}.{indicator.dimension}."
        slug = indicator.id[len(prefix) :]
        if not indicator.id.startswith(prefix) or not re.match(_SLUG, slug):
            raise _fail(
                file,
                indicator.id,
                f"indicator id must read {prefix}<name> (list, dimension, then a lower-case name)",
            )
    for dimension in lst.dimensions:
        count = sum(1 for i in lst.indicators if i.dimension == dimension.id)
        if count == 0:
            raise _fail(file, f"{lst.id}.{dimension.id}", "dimension has no indicators")
        expected = dimension.expected_indicator_count
        if expected is not None and count != expected:
            raise _fail(
                file,
                f"{lst.id}.{dimension.id}",
                f"has {count} indicators but expected_indicator_count is {expected}",
            )
    _check_unique(file, lst.rule.id, "requirement", (r.id for r in lst.rule.requires))
    for requirement in lst.rule.requires:
        for dimension_id in requirement.any_of:
            if dimension_id not in dimension_ids:
                raise _fail(
                    file,
                    lst.rule.id,
                    f"requirement {requirement.id!r} names unknown dimension {dimension_id!r}",
                )


def check_forced_labour(file: str, model: ForcedLabourFile, known: set[str]) -> None:
    _check_unique(file, "indicators", "forced-labour indicator", (i.id for i in model.indicators))
    for indicator in model.indicators:
        _check_unique(file, indicator.id, "evidenced_by", indicator.evidenced_by)
        for ref in indicator.evidenced_by:
            if ref not in known:
                raise _fail(file, indicator.id, f"evidenced_by names unknown indicator {ref!r}")


def check_legal(file: str, model: LegalElementsFile, known: set[str]) -> None:
    _check_unique(file, "sources", "source", (s.id for s in model.sources))
    _check_unique(file, "groups", "group", (g.id for g in model.groups))
    _check_unique(file, "elements", "element", (e.id for e in model.elements))
    statutes = {s.id for s in model.sources}
    groups = {g.id for g in model.groups}
    for element in model.elements:
        if element.source.statute not in statutes:
            raise _fail(
                file,
                element.id,
                f"source statute {element.source.statute!r} is not one of {sorted(statutes)}",
            )
        for group in element.groups:
            if group not in groups:
                raise _fail(file, element.id, f"group {group!r} is not one of {sorted(groups)}")
        if element.valid_until is not None and element.valid_until <= element.valid_from:
            raise _fail(file, element.id, "valid_until must be after valid_from")
        _check_unique(file, element.id, "supported_by", element.supported_by)
        for ref in element.supported_by:
            if ref not in known:
                raise _fail(file, element.id, f"supported_by names unknown indicator {ref!r}")
    if model.law_first is not None:
        check_law_first(file, model.law_first, statutes, groups)
        clashes = sorted(known & {q.id for q in model.law_first.questions})
        if clashes:
            raise _fail(file, clashes[0], "a law-first question id is also an indicator id")


def check_law_first(file: str, law: LawFirstPath, statutes: set[str], groups: set[str]) -> None:
    """The law-first path's references: sections, questions, elements and offences."""
    _check_unique(file, "law_first.sections", "section", (s.id for s in law.sections))
    _check_unique(file, "law_first.questions", "question", (q.id for q in law.questions))
    _check_unique(file, "law_first.elements", "element", (e.id for e in law.elements))
    _check_unique(file, "law_first.offences", "offence", (o.id for o in law.offences))
    sections = {s.id for s in law.sections}
    questions = {q.id for q in law.questions}
    elements = {e.id for e in law.elements}
    used: set[str] = set()
    for question in law.questions:
        if not _LAW_QUESTION_ID.match(question.id):
            raise _fail(file, question.id, "a law-first question id must read law.<part>.<name>")
        if question.section not in sections:
            raise _fail(
                file, question.id, f"section {question.section!r} is not one of {sorted(sections)}"
            )
        if question.source.statute not in statutes:
            raise _fail(
                file,
                question.id,
                f"source statute {question.source.statute!r} is not one of {sorted(statutes)}",
            )
        if question.valid_until is not None and question.valid_until <= question.valid_from:
            raise _fail(file, question.id, "valid_until must be after valid_from")
    for element in law.elements:
        if element.source.statute not in statutes:
            raise _fail(
                file,
                element.id,
                f"source statute {element.source.statute!r} is not one of {sorted(statutes)}",
            )
        for group in element.groups:
            if group not in groups:
                raise _fail(file, element.id, f"group {group!r} is not one of {sorted(groups)}")
        if element.valid_until is not None and element.valid_until <= element.valid_from:
            raise _fail(file, element.id, "valid_until must be after valid_from")
        _check_unique(file, element.id, "requirement", (r.id for r in element.requires))
        for requirement in element.requires:
            _check_unique(file, f"{element.id}.{requirement.id}", "question", requirement.any_of)
            for ref in requirement.any_of:
                if ref not in questions:
                    raise _fail(
                        file,
                        element.id,
                        f"requirement {requirement.id!r} names unknown question {ref!r}",
                    )
                used.add(ref)
    for offence in law.offences:
        for ref in offence.elements:
            if ref not in elements:
                raise _fail(file, offence.id, f"names unknown element {ref!r}")
    unused = sorted(questions - used)
    if unused:
        raise _fail(
            file, unused[0], "the question bears on no element (name it in an element's requires)"
        )


# --- reading files ------------------------------------------------------------------


def parse_knowledge_file(data: Any, file: str) -> KnowledgeFile:
    """Validate one file's data by its `kind`; checks inside the file only."""
    if not isinstance(data, dict):
        raise _fail(file, "(top level)", "must be a mapping with a 'kind' key")
    kind = data.get("kind")
    model_type = _KINDS.get(kind) if isinstance(kind, str) else None
    if model_type is None:
        raise _fail(
            file,
            str(data.get("version", "(top level)")),
            f"kind {kind!r} is not one of {sorted(_KINDS)}",
        )
    model = parse_model(model_type, data, file)
    if (
        isinstance(model, IndicatorCatalogueFile | ForcedLabourFile)
        and model.valid_until is not None
        and model.valid_until <= model.valid_from
    ):
        raise _fail(file, model.version, "valid_until must be after valid_from")
    if isinstance(model, IndicatorCatalogueFile):
        check_indicator_catalogue(file, model)
        return model
    if isinstance(model, ForcedLabourFile | LegalElementsFile):
        return model
    raise _fail(file, "(top level)", f"unexpected model {type(model).__name__}")


def _expect(model: BaseModel, kind: type[ModelT], file: str) -> ModelT:
    if not isinstance(model, kind):
        version = getattr(model, "version", "(top level)")
        raise _fail(file, str(version), f"is not a {kind.__name__} file")
    return model


def load_knowledge_file(path: Path | str, *, versioned_name: bool = True) -> KnowledgeFile:
    """Read and validate one knowledge file.

    Its name must be `<version>.yaml` (so that a stored reading finds its file again),
    unless `versioned_name` is False (test fixtures named after what they test).
    """
    file = display_path(path)
    model = parse_knowledge_file(load_yaml_strict(path), file)
    expected_name = f"{model.version}.yaml"
    if versioned_name and Path(path).name != expected_name:
        raise _fail(file, model.version, f"file must be named {expected_name} after its version")
    return model


def assemble(
    indicators: IndicatorCatalogueFile,
    forced_labour: ForcedLabourFile,
    legal: LegalElementsFile,
    *,
    files: tuple[str, str] = ("forced-labour file", "legal file"),
) -> Catalogue:
    """Check the cross-file references and return the catalogue."""
    known = {i.id for lst in indicators.lists for i in lst.indicators}
    for file, model in ((files[0], forced_labour), (files[1], legal)):
        if model.catalogue != indicators.version:
            raise _fail(
                file,
                model.version,
                f"was written for catalogue {model.catalogue!r}, not {indicators.version!r}",
            )
    check_forced_labour(files[0], forced_labour, known)
    check_legal(files[1], legal, known)
    return Catalogue(indicators=indicators, forced_labour=forced_labour, legal=legal)


def catalogue_from_data(indicators: Any, forced_labour: Any, legal: Any) -> Catalogue:
    """Build a catalogue from already-parsed data (tests and tools; no I/O)."""
    names = ("<indicators>", "<forced labour>", "<legal>")
    return assemble(
        _expect(parse_knowledge_file(indicators, names[0]), IndicatorCatalogueFile, names[0]),
        _expect(parse_knowledge_file(forced_labour, names[1]), ForcedLabourFile, names[1]),
        _expect(parse_knowledge_file(legal, names[2]), LegalElementsFile, names[2]),
        files=(names[1], names[2]),
    )


def load_catalogue_files(
    indicators_path: Path | str,
    forced_labour_path: Path | str,
    legal_path: Path | str,
    *,
    versioned_names: bool = True,
) -> Catalogue:
    """Build a catalogue from three named files (tools, tests, fixtures)."""
    files = [display_path(p) for p in (indicators_path, forced_labour_path, legal_path)]
    named = versioned_names
    return assemble(
        _expect(
            load_knowledge_file(indicators_path, versioned_name=named),
            IndicatorCatalogueFile,
            files[0],
        ),
        _expect(
            load_knowledge_file(forced_labour_path, versioned_name=named),
            ForcedLabourFile,
            files[1],
        ),
        _expect(load_knowledge_file(legal_path, versioned_name=named), LegalElementsFile, files[2]),
        files=(files[1], files[2]),
    )


def _version_number(version: str) -> int:
    match = _VERSION.match(version)
    return int(match.group(1)) if match else 0


@dataclass(frozen=True)
class _Available:
    indicators: dict[str, Path]
    forced_labour: dict[str, tuple[str, Path]]  # version -> (catalogue, path)
    legal: dict[str, tuple[str, Path]]


def _scan(indicators_dir: Path, legal_dir: Path) -> _Available:
    found: dict[str, dict[str, Any]] = {"indicators": {}, "forced_labour": {}, "legal": {}}
    for path in sorted([*indicators_dir.glob("*.yaml"), *legal_dir.glob("*.yaml")]):
        model = load_knowledge_file(path)
        if isinstance(model, IndicatorCatalogueFile):
            found["indicators"][model.version] = path
        elif isinstance(model, ForcedLabourFile):
            found["forced_labour"][model.version] = (model.catalogue, path)
        else:
            found["legal"][model.version] = (model.catalogue, path)
    return _Available(found["indicators"], found["forced_labour"], found["legal"])


def _pick(
    kind: str,
    wanted: str | None,
    candidates: dict[str, tuple[str, Path]],
    catalogue: str,
) -> Path:
    if wanted is not None:
        if wanted not in candidates:
            raise _fail(
                f"{kind} files", wanted, f"no such version; available: {sorted(candidates)}"
            )
        return candidates[wanted][1]
    matching = [v for v, (cat, _) in candidates.items() if cat == catalogue]
    if not matching:
        raise _fail(f"{kind} files", catalogue, "no file is written for this catalogue")
    return candidates[max(matching, key=_version_number)][1]


def available_versions(
    indicators_dir: Path = INDICATORS_DIR, legal_dir: Path = LEGAL_DIR
) -> list[str]:
    """Indicator catalogue versions, oldest first."""
    return sorted(_scan(indicators_dir, legal_dir).indicators, key=_version_number)


@functools.lru_cache(maxsize=16)
def load_catalogue(
    version: str | None = None,
    *,
    forced_labour_version: str | None = None,
    legal_version: str | None = None,
    indicators_dir: Path = INDICATORS_DIR,
    legal_dir: Path = LEGAL_DIR,
) -> Catalogue:
    """Load a catalogue by version (default: the newest), checked across its files.

    The forced-labour and legal files default to the newest written for that
    catalogue; pass the versions a stored reading recorded to show it as it was.
    Loaded catalogues are cached (they are immutable), so repeated calls are cheap.
    """
    available = _scan(indicators_dir, legal_dir)
    if not available.indicators:
        raise _fail(display_path(indicators_dir), "(folder)", "holds no indicator catalogue")
    if version is None:
        version = max(available.indicators, key=_version_number)
    if version not in available.indicators:
        raise _fail(
            "indicator catalogues",
            version,
            f"no such version; available: {sorted(available.indicators)}",
        )
    indicator_path = available.indicators[version]
    fl_path = _pick("forced-labour", forced_labour_version, available.forced_labour, version)
    legal_path = _pick("legal-elements", legal_version, available.legal, version)
    return load_catalogue_files(indicator_path, fl_path, legal_path)


# The models are re-exported: callers import everything about catalogues from here.
__all__ = [
    "FACTS",
    "GRADES",
    "INDICATORS_DIR",
    "LEGAL_DIR",
    "READING_CODES",
    "Catalogue",
    "CatalogueError",
    "Dimension",
    "DimensionRule",
    "Fact",
    "ForcedLabourFile",
    "ForcedLabourIndicator",
    "ForcedLabourMapping",
    "Grade",
    "Indicator",
    "IndicatorCatalogueFile",
    "IndicatorList",
    "KnowledgeFile",
    "LawFirstElement",
    "LawFirstOffence",
    "LawFirstPath",
    "LawFirstQuestion",
    "LawFirstRequirement",
    "LawFirstSection",
    "LegalElement",
    "LegalElementsFile",
    "LegalGroup",
    "LegalSource",
    "ListRule",
    "ReadingText",
    "ReadingTexts",
    "Requirement",
    "Source",
    "SourceRef",
    "StatuteRef",
    "Text",
    "Threshold",
    "VersionId",
    "assemble",
    "available_versions",
    "catalogue_from_data",
    "check_forced_labour",
    "check_indicator_catalogue",
    "check_law_first",
    "check_legal",
    "load_catalogue",
    "load_catalogue_files",
    "load_knowledge_file",
    "parse_knowledge_file",
]
